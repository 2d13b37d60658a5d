from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "dangjian.indicators"
    label = "indicators"
    verbose_name = _("Production indicators")

    def ready(self) -> None:
        from dangjian import versions

        from .models import Indicator, Revision, Value

        # What an analysis is computed from: kept in the cache under this group's version and the
        # production app's coverage (selectors.data_version), recomputed after any write to either.
        versions.track("indicators", [m._meta.db_table for m in (Indicator, Value, Revision)])
