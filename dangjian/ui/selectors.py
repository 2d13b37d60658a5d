"""The home dashboard: one panel per place the user holds a role, with that place's figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from dangjian.access.models import Role
from dangjian.access.scopes import grants_for, orgs_under
from dangjian.organizations import selectors as org_selectors
from dangjian.organizations.models import Enterprise, Organization, UnitKind
from dangjian.people.choices import PARTY_MEMBER_STATUSES, Ethnicity

MAX_PANELS = 8


@dataclass
class Panel:
    kind: str  # committee | branch | enterprise | workplace
    role: str
    obj: Any
    figures: dict[str, Any] = field(default_factory=dict)
    charts: list[dict[str, Any]] = field(default_factory=list)


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


def _ethnicity_chart(org: Organization) -> dict[str, Any]:
    from dangjian.people.models import Person

    rows = (
        Person.objects.filter(party_org__in=orgs_under(org.path), political_status__in=PARTY_MEMBER_STATUSES)
        .values("ethnicity")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    labels = dict(Ethnicity.choices)
    return {
        "type": "pie",
        "title": _("Members by ethnicity"),
        "data": [{"name": str(labels.get(r["ethnicity"], r["ethnicity"])), "value": r["n"]} for r in rows],
    }


def _status_chart(org: Organization) -> dict[str, Any]:
    return {
        "type": "bar",
        "title": _("People in the organisation by political status"),
        "data": [{"name": name, "value": n} for name, n in org_selectors.status_breakdown(org)],
    }


def _team_chart(ent: Enterprise) -> dict[str, Any]:
    teams = (
        ent.units.filter(kind=UnitKind.TEAM)
        .annotate(n=Count("members"), m=Count("members", filter=Q(members__political_status__in=PARTY_MEMBER_STATUSES)))
        .order_by("-n")[:15]
    )
    return {
        "type": "stacked_bar",
        "title": _("Employees by production team"),
        "categories": [t.display_name for t in teams],
        "series": [
            {"name": _("Party members"), "data": [t.m for t in teams]},
            {"name": _("Other employees"), "data": [t.n - t.m for t in teams]},
        ],
    }


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
            figures = org_selectors.org_figures(org)
            if org.is_committee:
                panels.append(
                    Panel("committee", g.role, org, figures, [coverage_chart(figures), _ethnicity_chart(org)])
                )
            else:
                panels.append(Panel("branch", g.role, org, figures, [_status_chart(org)]))
        elif g.enterprise_id:
            key = ("ent", g.enterprise_id)
            ent = ents.get(g.enterprise_id)
            if key in seen or ent is None:
                continue
            seen.add(key)
            if g.role == Role.EMPLOYEE:
                panels.append(Panel("workplace", g.role, ent, org_selectors.enterprise_figures(ent)))
            else:
                panels.append(
                    Panel("enterprise", g.role, ent, org_selectors.enterprise_figures(ent), [_team_chart(ent)])
                )
    number_charts(panels)
    return panels


def number_charts(panels: list[Panel]) -> None:
    for i, panel in enumerate(panels):
        for j, chart in enumerate(panel.charts):
            chart["id"] = f"chart-{i}-{j}"


def superuser_roots() -> list[Organization]:
    return list(Organization.objects.filter(parent__isnull=True))
