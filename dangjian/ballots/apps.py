from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BallotsConfig(AppConfig):
    name = "dangjian.ballots"
    label = "ballots"
    verbose_name = _("Secret ballots")
