from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RostersConfig(AppConfig):
    name = "dangjian.rosters"
    label = "rosters"
    verbose_name = _("Roster imports")

    def ready(self) -> None:
        # In ready(): the services import models, which are not loaded when apps.py is.
        from dangjian.jobs import services as jobs

        from . import services  # likewise: it imports the models

        # A check or import stopped from outside (time limit, killed worker) settles its file.
        jobs.on_stop("roster_check", services.job_stopped)
        jobs.on_stop("roster_import", services.job_stopped)
        jobs.add_sweeper(services.sweep_interrupted_checks)
