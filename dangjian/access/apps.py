from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "dangjian.access"
    label = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        # Registers the in_ids lookup on ForeignKey; nothing imports the module by name.
        from . import lookups  # noqa: F401
