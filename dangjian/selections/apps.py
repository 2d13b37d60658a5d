from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionsConfig(AppConfig):
    name = "dangjian.selections"
    label = "selections"
    verbose_name = _("Pacesetter selections")
