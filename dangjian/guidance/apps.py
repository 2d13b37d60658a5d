from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    name = "dangjian.guidance"
    label = "guidance"
    verbose_name = _("County guidance")
