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
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dangjian.access.models import Role
from dangjian.access.scopes import grants_for
from dangjian.organizations import selectors as org_selectors
from dangjian.organizations.models import Enterprise, Organization, UnitKind
from dangjian.organizations.selectors import orgs_under
from dangjian.people.choices import PARTY_MEMBER_STATUSES, Ethnicity, PoliticalStatus

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
    hit = cache.get(key)
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


def ethnicity_counts(org: Organization) -> dict[str, int]:
    from dangjian.people.models import Person

    rows = (
        Person.objects.filter(party_org__in=orgs_under(org.path), political_status__in=PARTY_MEMBER_STATUSES)
        .values("ethnicity")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return {r["ethnicity"]: r["n"] for r in rows}


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


def _team_counts(ent: Enterprise) -> list[tuple[str, str, int, int]]:
    teams = (
        ent.units.filter(kind=UnitKind.TEAM)
        .annotate(n=Count("members"), m=Count("members", filter=Q(members__political_status__in=PARTY_MEMBER_STATUSES)))
        .order_by("-n")[:15]
    )
    return [(t.name, t.name_en, t.n, t.m) for t in teams]


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
        return {"figures": org_selectors.org_figures(org), "ethnicity": ethnicity_counts(org)}

    numbers, as_of = counted(f"dashboard:committee:{org.pk}:{org.path}", compute)
    figures = numbers["figures"]
    return Panel(
        "committee", role, org, figures, [coverage_chart(figures), _ethnicity_chart(numbers["ethnicity"])], as_of
    )


def branch_panel(org: Organization, role: str) -> Panel:
    def compute() -> dict[str, Any]:
        return {"figures": org_selectors.org_figures(org), "statuses": org_selectors.status_counts(org)}

    numbers, as_of = counted(f"dashboard:branch:{org.pk}:{org.path}", compute)
    return Panel("branch", role, org, numbers["figures"], [_status_chart(numbers["statuses"])], as_of)


def enterprise_panel(ent: Enterprise, role: str) -> Panel:
    """An enterprise for its managers and instructors; for an employee, their workplace (no chart)."""
    kind = "workplace" if role == Role.EMPLOYEE else "enterprise"

    def compute() -> dict[str, Any]:
        teams = _team_counts(ent) if kind == "enterprise" else []
        return {"figures": org_selectors.enterprise_figures(ent), "teams": teams}

    numbers, as_of = counted(f"dashboard:{kind}:{ent.pk}", compute)
    charts = [_team_chart(numbers["teams"])] if kind == "enterprise" else []
    return Panel(kind, role, ent, numbers["figures"], charts, as_of)


def dashboard_panels(user: Any) -> list[Panel]:
    panels: list[Panel] = []
    seen: set[tuple[str, Any]] = set()
    grants = list(grants_for(user))
    org_paths = [g.org_path for g in grants if g.org_path]
    orgs = {o.path: o for o in Organization.objects.filter(path__in=org_paths)} if org_paths else {}
    ent_ids = [g.enterprise_id for g in grants if g.enterprise_id]
    ents = Enterprise.objects.select_related("party_org").in_bulk(ent_ids) if ent_ids else {}
    for g in grants:
        if len(panels) >= MAX_PANELS:
            break
        if g.org_path:
            key = ("org", g.org_path)
            org = orgs.get(g.org_path)
            if key in seen or org is None:
                continue
            seen.add(key)
            panels.append(committee_panel(org, g.role) if org.is_committee else branch_panel(org, g.role))
        elif g.enterprise_id:
            key = ("ent", g.enterprise_id)
            ent = ents.get(g.enterprise_id)
            if key in seen or ent is None:
                continue
            seen.add(key)
            panels.append(enterprise_panel(ent, g.role))
    number_charts(panels)
    return panels


def number_charts(panels: list[Panel]) -> None:
    for i, panel in enumerate(panels):
        for j, chart in enumerate(panel.charts):
            chart["id"] = f"chart-{i}-{j}"


def superuser_roots() -> list[Organization]:
    return list(Organization.objects.filter(parent__isnull=True))
