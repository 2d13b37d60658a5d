"""The home dashboard: one panel per place the user holds a role, with that place's figures.

A committee's figures count its whole subtree: at prefecture scale that is a few hundred
thousand rows per panel and several times the cost of the hand-written SQL that computes them
(docs/benchmarks.md). So each panel's numbers are kept in the shared cache for
DANGJIAN["DASHBOARD_SECONDS"] (five minutes) and the panel says when they were counted; pages
about one organisation (its detail page, lists) always count afresh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dangjian.access.models import Role
from dangjian.access.scopes import grants_for
from dangjian.choices import PoliticalStatus
from dangjian.organizations import selectors as org_selectors
from dangjian.people import selectors as people_selectors
from dangjian.people.choices import Ethnicity

if TYPE_CHECKING:
    from dangjian.access.models import User
    from dangjian.organizations.models import Enterprise, Organization
from dangjian.organizations.models import Enterprise, Organization

MAX_PANELS = 8


@dataclass
class Panel:
    kind: str  # committee | branch | enterprise | workplace
    role: str
    obj: Any
    figures: dict[str, Any] = field(default_factory=dict)
    charts: list[dict[str, Any]] = field(default_factory=list)
    as_of: dt.datetime | None = None  # when the figures were counted


def counted(key: str, compute: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], dt.datetime]:
    """A panel's numbers from the cache, or counted now and kept for DASHBOARD_SECONDS."""
    hit: tuple[dict[str, Any], dt.datetime] | None = cache.get(key)
    if hit is None:
        hit = (compute(), timezone.now())
        cache.set(key, hit, settings.DANGJIAN.get("DASHBOARD_SECONDS", 300))
    return hit


def coverage_chart(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "stacked_bar",
        "title": _("Party organisation coverage"),
        "categories": [_("State-owned"), _("Non-public"), _("Other")],
        "series": [
            {
                "name": _("With a party organisation"),
                "data": [
                    f["state_covered"],
                    f["non_public_covered"],
                    f["covered"] - f["state_covered"] - f["non_public_covered"],
                ],
            },
            {
                "name": _("Without"),
                "data": [
                    f["state"] - f["state_covered"],
                    f["non_public"] - f["non_public_covered"],
                    (f["enterprises"] - f["state"] - f["non_public"])
                    - (f["covered"] - f["state_covered"] - f["non_public_covered"]),
                ],
            },
        ],
    }


def _ethnicity_chart(counts: dict[str, int]) -> dict[str, Any]:
    labels = dict(Ethnicity.choices)
    return {
        "type": "pie",
        "title": _("Members by ethnicity"),
        "data": [{"name": str(labels.get(code, code)), "value": n} for code, n in counts.items()],
    }


def _status_chart(breakdown: list[tuple[str, int]]) -> dict[str, Any]:
    labels = dict(PoliticalStatus.choices)
    return {
        "type": "bar",
        "title": _("People in the organisation by political status"),
        "data": [{"name": str(labels[value]), "value": n} for value, n in breakdown],
    }


def _team_chart(teams: list[tuple[str, str, int, int]]) -> dict[str, Any]:
    english = (get_language() or "").startswith("en")
    return {
        "type": "stacked_bar",
        "title": _("Employees by production team"),
        "categories": [name_en if english and name_en else name for name, name_en, _n, _m in teams],
        "series": [
            {"name": _("Party members"), "data": [m for _name, _en, _n, m in teams]},
            {"name": _("Other employees"), "data": [n - m for _name, _en, n, m in teams]},
        ],
    }


def committee_panel(org: Organization, role: str) -> Panel:
    def compute() -> dict[str, Any]:
        return {"figures": org_selectors.org_figures(org), "ethnicity": people_selectors.ethnicity_counts(org)}

    numbers, as_of = counted(f"dashboard:committee:{org.pk}:{org.path}", compute)
    figures = numbers["figures"]
    return Panel(
        "committee", role, org, figures, [coverage_chart(figures), _ethnicity_chart(numbers["ethnicity"])], as_of
    )


def branch_panel(org: Organization, role: str) -> Panel:
    def compute() -> dict[str, Any]:
        statuses = org_selectors.subtree_statuses(org)
        return {
            "figures": org_selectors.org_figures(org, statuses),
            "statuses": org_selectors.status_counts(org, statuses),
        }

    numbers, as_of = counted(f"dashboard:branch:{org.pk}:{org.path}", compute)
    return Panel("branch", role, org, numbers["figures"], [_status_chart(numbers["statuses"])], as_of)


def enterprise_panel(ent: Enterprise, role: str) -> Panel:
    """An enterprise for its managers and instructors; for an employee, their workplace (no chart)."""
    kind = "workplace" if role == Role.EMPLOYEE else "enterprise"

    def compute() -> dict[str, Any]:
        teams = org_selectors.largest_teams(ent) if kind == "enterprise" else []
        return {"figures": org_selectors.enterprise_figures(ent), "teams": teams}

    numbers, as_of = counted(f"dashboard:{kind}:{ent.pk}", compute)
    charts = [_team_chart(numbers["teams"])] if kind == "enterprise" else []
    return Panel(kind, role, ent, numbers["figures"], charts, as_of)


def dashboard_panels(user: User) -> list[Panel]:
    panels: list[Panel] = []
    seen: set[tuple[str, Any]] = set()
    grants = list(grants_for(user))
    orgs = org_selectors.orgs_by_path(g.org_path for g in grants if g.org_path)
    ents = org_selectors.enterprises_by_id(g.enterprise_id for g in grants if g.enterprise_id)
    for g in grants:
        if len(panels) >= MAX_PANELS:
            break
        # A grant names an organisation or else an enterprise; one panel for each, the first grant's role.
        key = ("org", g.org_path) if g.org_path else ("ent", g.enterprise_id)
        org = orgs.get(g.org_path) if g.org_path else None
        ent = ents.get(g.enterprise_id) if not g.org_path and g.enterprise_id else None
        if key in seen or (org is None and ent is None):
            continue
        seen.add(key)
        if org is not None:
            panels.append(committee_panel(org, g.role) if org.is_committee else branch_panel(org, g.role))
        elif ent is not None:
            panels.append(enterprise_panel(ent, g.role))
    number_charts(panels)
    return panels


def number_charts(panels: list[Panel]) -> None:
    for i, panel in enumerate(panels):
        for j, chart in enumerate(panel.charts):
            chart["id"] = f"chart-{i}-{j}"


def superuser_roots() -> list[Organization]:
    return org_selectors.root_orgs()
