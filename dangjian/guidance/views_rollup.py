"""The roll-up a county or prefecture steers by (a table with a total row, each figure a link to
the list behind it, Excel as a POST) and the large screen for the county's meeting room (one
1920×1080 page whose figures refresh themselves from the cached roll-up).

Who reads them: access.permissions.rollup_paths (the committee's organisation department and
committee members); another committee than theirs does not exist, for these pages (404)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.access import permissions
from dangjian.ids import parse_id
from dangjian.organizations.models import Organization
from dangjian.sheets import labelled, one_table, titled
from dangjian.ui.downloads import attachment as download

from . import rollups, services

SCREEN_REFRESH_SECONDS = 60
ROLLUP_STEM = gettext_lazy("Roll-up")


def _org(request: Any) -> Organization:
    """The committee whose roll-up is read: ?org= among the user's, else their highest."""
    user = request.user
    raw = request.GET.get("org")
    if raw:  # a committee not the user's own does not exist, for these pages
        pk = parse_id(raw)
        org = rollups.rollup_orgs(user).filter(pk=pk).first() if pk is not None else None
        if org is None:
            raise Http404
        return org
    org = rollups.default_org(user)
    if org is None:
        raise permissions.rollup_refused()
    return org


def _q(url: str, **params: Any) -> str:
    return url + "?" + "&".join(f"{k}={v}" for k, v in params.items() if v not in (None, ""))


def bases() -> dict[str, str]:
    """The list pages the figures open, reversed once per request (not once per row)."""
    return {
        "enterprise": reverse("organizations:enterprise_detail", args=[1]).rsplit("1/", 1)[0],
        "visits": reverse("guidance:visits"),
        "enterprises": reverse("organizations:enterprise_list"),
        "people": reverse("people:list"),
        "meetings": reverse("branchlife:calendar"),
        "pipeline": reverse("development:pipeline"),
        "teams": reverse("production:page"),
        "posts": reverse("production:posts"),
        "guidance": reverse("guidance:page"),
        "ratings": reverse("guidance:ratings"),
    }


def links(base: dict[str, str], org_id: int | None, org_kind: str | None, enterprise_id: int | None) -> dict[str, str]:
    """Each figure's list: the existing pages, filtered to the row (its organisation's subtree,
    or its one enterprise)."""
    out: dict[str, str] = {}
    if enterprise_id is not None:
        out["covered"] = out["enterprises"] = f"{base['enterprise']}{enterprise_id}/"
        out["behind"] = _q(base["visits"], enterprise=enterprise_id)
        return out
    if org_id is None:
        return out
    ents, people = base["enterprises"], base["people"]
    out.update(
        enterprises=_q(ents, under=org_id),
        covered=_q(ents, under=org_id, covered="yes"),
        state=_q(ents, under=org_id, ownership="state"),
        non_public=_q(ents, under=org_id, ownership="non_public"),
        members=_q(people, organization=org_id, status="members"),
        applicants=_q(people, organization=org_id, status="applying"),
        meetings=_q(base["meetings"], org=org_id),
        pipeline=_q(base["pipeline"], org=org_id),
        teams=_q(base["teams"], org=org_id),
        posts=_q(base["posts"], org=org_id),
        rated=_q(base["ratings"], under=org_id) + "#under",
    )
    if org_kind in rollups.COMMITTEE_KINDS:
        page = base["guidance"]
        out.update(
            assignments=_q(page, org=org_id) + "#instructors",
            behind=_q(page, org=org_id, show="behind") + "#instructors",
            follow_ups=_q(page, org=org_id) + "#follow-ups",
            overdue=_q(page, org=org_id, show="overdue") + "#follow-ups",
        )
    return out


COLUMNS = [
    (gettext_lazy("row"), 28),
    (gettext_lazy("enterprises"), 11),
    (gettext_lazy("with a party organisation"), 12),
    (gettext_lazy("state-owned"), 11),
    (gettext_lazy("state-owned with a party organisation"), 14),
    (gettext_lazy("non-public"), 11),
    (gettext_lazy("non-public with a party organisation"), 14),
    (gettext_lazy("party members"), 11),
    (gettext_lazy("applying"), 10),
    (gettext_lazy("party organisations keeping meetings"), 14),
    (gettext_lazy("behind with meetings"), 12),
    (gettext_lazy("meetings held as required (%)"), 14),
    (gettext_lazy("applicants"), 10),
    (gettext_lazy("activists"), 10),
    (gettext_lazy("development targets"), 12),
    (gettext_lazy("probationary members"), 12),
    (gettext_lazy("production teams"), 11),
    (gettext_lazy("teams in a member's charge"), 12),
    (gettext_lazy("pioneer posts"), 10),
    (gettext_lazy("recognised posts"), 10),
    (gettext_lazy("instructors at enterprises"), 12),
    (gettext_lazy("behind with visits"), 11),
    (gettext_lazy("visits this year"), 10),
    (gettext_lazy("follow-ups open"), 10),
    (gettext_lazy("overdue"), 9),
    (gettext_lazy("branches standing in this year's ratings"), 14),
    (gettext_lazy("rated (awarded)"), 10),
]


def _sheet_row(label: str, f: rollups.Figures) -> list[Any]:
    return [
        label,
        f.enterprises,
        f.covered,
        f.state,
        f.state_covered,
        f.non_public,
        f.non_public_covered,
        f.members,
        f.applicants,
        f.branches,
        f.branches_behind,
        f.compliance_percent,
        f.pipeline_applicants,
        f.pipeline_activists,
        f.pipeline_targets,
        f.pipeline_probationary,
        f.teams,
        f.teams_covered,
        f.posts,
        f.posts_recognised,
        f.assignments,
        f.assignments_behind,
        f.visits,
        f.follow_ups_open,
        f.follow_ups_overdue,
        f.rating_candidates,
        f.rated,
    ]


def workbook(r: rollups.Rollup) -> tuple[bytes, str, int]:
    rows = [_sheet_row(row.label, row.figures) for row in r.rows] + [_sheet_row(_("Total"), r.total)]
    return one_table(
        f"{ROLLUP_STEM}-{r.label}",
        labelled(COLUMNS),
        rows,
        title=titled(ROLLUP_STEM, r.label, r.today.isoformat()),
        today=r.today,
    )


@login_required
def rollup(request):
    """The table: a row per county (a prefecture) or per park committee and party organisation
    (a county), the total, each figure a link to its list. POST: the table as Excel."""
    org = _org(request)
    r = rollups.cached(org)
    if request.method == "POST":
        data, name, count = workbook(r)
        services.rollup_exported(actor=request.user, name=name, rows=count, org=org)
        return download(data, name)
    base = bases()
    rows = [(row, links(base, row.org_id, row.org_kind, row.enterprise_id)) for row in r.rows]
    return render(
        request,
        "guidance/rollup.html",
        {
            "org": org,
            "orgs": rollups.rollup_orgs(request.user),
            "r": r,
            "rows": rows,
            "total_links": links(base, org.pk, org.kind, None),
        },
    )


def _screen_context(org: Organization) -> dict[str, Any]:
    r = rollups.cached(org)
    # The charts' data rides in an attribute: htmx drops <script> elements from what it swaps in
    # (allowScriptTags is off, as the CSP wants), json_script's included.
    charts = [(c, json.dumps(c, ensure_ascii=False)) for c in rollups.screen_charts(r)]
    return {"org": org, "r": r, "charts": charts, "refresh": SCREEN_REFRESH_SECONDS}


@login_required
def screen(request):
    """The large screen (大屏): dark, 1920×1080, its figures polled every minute."""
    org = _org(request)
    return render(request, "guidance/screen.html", _screen_context(org))


@login_required
def screen_figures(request):
    """The large screen's figures, for its polling: from the cached roll-up."""
    org = _org(request)
    return render(request, "guidance/_screen_figures.html", _screen_context(org))
