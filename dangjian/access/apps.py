from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "dangjian.access"
    label = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        from . import lookups, services, signals  # noqa: F401  (in_ids; signal receivers; audit path of roles)
