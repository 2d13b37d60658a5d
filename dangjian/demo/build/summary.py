"""Counts of the demo as it stands in the database, read through the owning apps' selectors."""

from __future__ import annotations

from django.db.models import Q

from dangjian.access.models import User
from dangjian.audit.models import AuditEvent
from dangjian.demo.build.base import Summary
from dangjian.demo.data.garment import GARMENT_BRANCH_NAME, GARMENT_NAME
from dangjian.demo.data.places import HEJING_CODE, PREFECTURE_CODE
from dangjian.organizations.models import Enterprise, Organization
from dangjian.people.choices import PoliticalStatus
from dangjian.people.models import Person


def summarize() -> Summary:
    """Counts of the demo as it stands in the database (also used when it is already loaded)."""
    pref = Organization.objects.filter(code=PREFECTURE_CODE).first()
    county = Organization.objects.filter(code=HEJING_CODE).first()
    if pref is None or county is None:
        return Summary()
    in_pref = Q(supervising_org__path__startswith=pref.path)
    hejing = Enterprise.objects.filter(supervising_org__path__startswith=county.path)
    garment = Enterprise.objects.filter(name=GARMENT_NAME).first()
    branch = Organization.objects.filter(name=GARMENT_BRANCH_NAME).first()
    members = (PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL)
    return Summary(
        organisations=Organization.objects.filter(path__startswith=pref.path).count(),
        enterprises=Enterprise.objects.filter(in_pref).count(),
        hejing_enterprises=hejing.count(),
        hejing_covered=hejing.filter(party_org__isnull=False).count(),
        persons=Person.objects.count(),
        members=Person.objects.filter(political_status__in=members).count(),
        applicants=Person.objects.filter(political_status=PoliticalStatus.APPLICANT).count(),
        users=User.objects.count(),
        audit_events=AuditEvent.objects.count(),
        garment_employees=garment.employees.count() if garment else 0,
        garment_members=(
            Person.objects.filter(party_org__path__startswith=branch.path, political_status__in=members).count()
            if branch
            else 0
        ),
        branch_founded_on=branch.founded_on if branch else None,
    )
