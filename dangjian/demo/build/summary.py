"""Counts of the demo as it stands in the database, read through the owning apps' selectors."""

from __future__ import annotations

from dangjian.access import selectors as access_selectors
from dangjian.audit import selectors as audit_selectors
from dangjian.choices import PoliticalStatus
from dangjian.demo.build.base import Summary
from dangjian.demo.data.garment import GARMENT_BRANCH_NAME, GARMENT_NAME
from dangjian.demo.data.places import HEJING_CODE, PREFECTURE_CODE
from dangjian.organizations import selectors as org_selectors
from dangjian.people import selectors as people_selectors

MEMBERS = (PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL)


def summarize() -> Summary:
    """Counts of the demo as it stands in the database (also used when it is already loaded)."""
    pref = org_selectors.org_with_code(PREFECTURE_CODE)
    county = org_selectors.org_with_code(HEJING_CODE)
    if pref is None or county is None:
        return Summary()
    hejing = org_selectors.enterprises_supervised_under(county)
    garment = org_selectors.enterprise_named(GARMENT_NAME)
    branch = org_selectors.org_named(GARMENT_BRANCH_NAME)
    return Summary(
        organisations=org_selectors.subtree(pref).count(),
        enterprises=org_selectors.enterprises_supervised_under(pref).count(),
        hejing_enterprises=hejing.count(),
        hejing_covered=hejing.filter(party_org__isnull=False).count(),
        persons=people_selectors.count_people(),
        members=people_selectors.count_people(MEMBERS),
        applicants=people_selectors.count_people((PoliticalStatus.APPLICANT,)),
        users=access_selectors.user_count(),
        audit_events=audit_selectors.event_count(),
        garment_employees=people_selectors.count_people(employer=garment) if garment else 0,
        garment_members=people_selectors.count_people(MEMBERS, party_org_under=branch) if branch else 0,
        branch_founded_on=branch.founded_on if branch else None,
    )
