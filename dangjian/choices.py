"""Domain vocabularies that several layers share (kernel: imports nothing of ours).

Only what is truly shared lives here; an app's own vocabularies stay in the app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PoliticalStatus(models.TextChoices):
    """政治面貌, in the order a person moves through it."""

    MASSES = "masses", _("The masses")
    LEAGUE = "league", _("Communist Youth League member")
    APPLICANT = "applicant", _("Applicant for membership")
    ACTIVIST = "activist", _("Activist")
    TARGET = "target", _("Development target")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")


PARTY_MEMBER_STATUSES = {PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL}
