from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "dangjian.production"
    verbose_name = _("Party building in production")

    def ready(self) -> None:
        from dangjian import versions

        from .models import TeamCharge
        from .selectors import COVERAGE_VERSION

        # What is computed from the teams' coverage (the indicators' effect analysis) is kept
        # under this version and recomputed after any change to a charge.
        versions.track(COVERAGE_VERSION, [TeamCharge._meta.db_table])
