from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "dangjian.production"
    verbose_name = _("Party building in production")
