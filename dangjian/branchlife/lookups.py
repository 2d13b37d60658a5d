"""Branch life's choice sources for searchable choice lists (ui.lookups): the organisations whose
meetings and calendars a user may keep."""

from __future__ import annotations

from dangjian.organizations.lookups import ORG_SEARCH
from dangjian.ui.lookups import register

from .selectors import calendar_orgs, meeting_orgs

register("org.meeting", meeting_orgs, ORG_SEARCH)
register("org.calendar", calendar_orgs, ORG_SEARCH)
