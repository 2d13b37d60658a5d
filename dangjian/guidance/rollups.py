"""The roll-ups a county and a prefecture steer by (issue 17): one row per county under a
prefecture, or per park committee and party organisation directly under a county (and per
enterprise it supervises directly that has no party organisation yet), with a total row.

Each figure is read through the capability that owns its rule, never derived again here:
coverage of enterprises and members by status (organizations), meeting compliance
(branchlife.selectors.rollup: the same calendars the meetings pages show), the development
pipeline (development), team coverage and pioneer posts (production.selectors.rollup), the
instructors' visits and follow-ups (guidance.selectors). Those reads are grouped counts over the
whole subtree, so the roll-up takes the same number of queries for 9 counties or 90; the rows
are made here by placing each count on the row whose subtree holds it (by its organisation's
path, or for an enterprise by its supervising committee's, else its party organisation's).

Outcomes, not paperwork: nothing here ranks people (no study minutes, no check-ins). The
figures are counts of organisations, enterprises and members; the only names are those of
organisations and enterprises.

`cached(org)` keeps a roll-up in the shared cache for DANGJIAN["DASHBOARD_SECONDS"] (as the
home dashboard's figures), so the large screen's refresh and the pages read it without
counting again; the page says when it was counted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dangjian.access import permissions
from dangjian.branchlife import selectors as meetings
from dangjian.choices import PARTY_MEMBER_STATUSES
from dangjian.development import selectors as development
from dangjian.organizations import selectors as orgs
from dangjian.organizations.models import NON_PUBLIC_OWNERSHIP, Organization, OrgKind, Ownership, display_name
from dangjian.production import selectors as production

from . import selectors
from .ratings import selectors as ratings

if TYPE_CHECKING:
    from dangjian.access.models import User

COMMITTEE_KINDS = selectors.COMMITTEE_KINDS
CACHE_VERSION = 1
# The board's stages in its order: applicants, activists, development targets, probationary members.
PIPELINE_FIELDS = ("pipeline_applicants", "pipeline_activists", "pipeline_targets", "pipeline_probationary")


@dataclass
class Figures:
    """What a row counts."""

    enterprises: int = 0
    covered: int = 0  # enterprises with a party organisation
    state: int = 0
    state_covered: int = 0
    non_public: int = 0
    non_public_covered: int = 0
    members: int = 0
    applicants: int = 0  # applicants, activists and development targets
    branches: int = 0  # organisations that keep a meeting calendar
    branches_behind: int = 0  # of them, with a required meeting overdue this year
    periods_met: int = 0  # required meetings of past periods this year held
    periods_ended: int = 0  # required meetings of past periods this year
    pipeline_applicants: int = 0
    pipeline_activists: int = 0
    pipeline_targets: int = 0
    pipeline_probationary: int = 0
    teams: int = 0
    teams_covered: int = 0
    posts: int = 0  # pioneer posts held now
    posts_recognised: int = 0
    assignments: int = 0  # instructors assigned to enterprises
    assignments_behind: int = 0  # of them, behind with visits
    visits: int = 0  # this year
    follow_ups_open: int = 0
    follow_ups_overdue: int = 0
    rating_candidates: int = 0  # branches standing in this year's rating rounds (三好 …)
    rated: int = 0  # of them, awarded

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @staticmethod
    def percent(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def covered_percent(self) -> int | None:
        return self.percent(self.covered, self.enterprises)

    @property
    def compliance_percent(self) -> int | None:
        return self.percent(self.periods_met, self.periods_ended)

    @property
    def teams_percent(self) -> int | None:
        return self.percent(self.teams_covered, self.teams)

    @property
    def pipeline(self) -> int:
        return self.pipeline_applicants + self.pipeline_activists + self.pipeline_targets + self.pipeline_probationary


@dataclass
class Row:
    """A county (under a prefecture), a park committee or party organisation (under a county),
    or an enterprise without a party organisation supervised by the committee itself."""

    label: str
    org_id: int | None  # whose pages list what is behind the figures
    org_kind: str | None = None
    enterprise_id: int | None = None
    figures: Figures = field(default_factory=Figures)

    @property
    def is_committee(self) -> bool:
        return self.org_kind in COMMITTEE_KINDS


@dataclass
class Rollup:
    org_id: int
    label: str
    kind: str
    today: dt.date
    rows: list[Row]
    total: Figures
    counted_at: dt.datetime | None = None

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)


# --- who reads them --------------------------------------------------------------------------------


def rollup_orgs(user: User) -> QuerySet[Organization]:
    """The committees whose roll-up the user reads: those their organisation department or
    committee role is held on, and the committees below."""
    return selectors.under_paths(permissions.rollup_paths(user), COMMITTEE_KINDS)


def default_org(user: User) -> Organization | None:
    """The highest committee the user reads (a prefecture before its counties)."""
    return rollup_orgs(user).order_by("depth", "path").first()


# --- placing counts on rows -----------------------------------------------------------------------


class _Places:
    """Which row a count belongs to: by the organisation's path (the child of the root that holds
    it), or for an enterprise by its supervising committee's path, else its party organisation's,
    else its own row (an uncovered enterprise the root supervises itself)."""

    def __init__(self, root: Organization, children: list[Organization], ents: list[Any]) -> None:
        self.root = root
        self.by_path: dict[str, Row] = {}
        self.rows: list[Row] = []
        for c in children:
            child = Row(label=c.display_name, org_id=c.pk, org_kind=c.kind)
            self.by_path[c.path] = child
            self.rows.append(child)
        self.by_enterprise: dict[int, Row | None] = {}
        for pk, name, name_en, _own, sup, party in ents:
            row: Row | None = self._under(sup) if sup != root.path else None
            if row is None and party:
                row = self._under(party)
            if row is None and sup == root.path and not party:
                row = Row(label=display_name(name, name_en), org_id=None, enterprise_id=pk)
                self.rows.append(row)
            self.by_enterprise[pk] = row

    def _under(self, path: str | None) -> Row | None:
        root = self.root.path
        if not path or not path.startswith(root) or path == root:
            return None
        child = root + path[len(root) :].split("/", 1)[0] + "/"
        return self.by_path.get(child)

    def org(self, path: str | None) -> Figures | None:
        row = self._under(path)
        return row.figures if row is not None else None

    def enterprise(self, pk: int | None) -> Figures | None:
        row = self.by_enterprise.get(pk) if pk is not None else None
        return row.figures if row is not None else None


def _each(total: Figures, target: Figures | None) -> tuple[Figures, ...]:
    return (total,) if target is None else (total, target)


def rollup(org: Organization, today: dt.date | None = None) -> Rollup:
    """The roll-up of a committee: its rows and the total. A fixed number of queries whatever the
    number of counties, enterprises and branches (the tests pin it)."""
    today = today or timezone.localdate()
    children = list(Organization.objects.filter(parent=org).order_by("kind", "path"))
    if org.kind == OrgKind.PREFECTURE_COMMITTEE:
        children = [c for c in children if c.kind == OrgKind.COUNTY_COMMITTEE]
    ents = orgs.enterprise_rows_under(org)
    places = _Places(org, children, ents)
    total = Figures()
    # Coverage of enterprises by party organisations, state-owned and non-public apart.
    for pk, _name, _en, ownership, _sup, party in ents:
        for f in _each(total, places.enterprise(pk)):
            f.enterprises += 1
            f.covered += bool(party)
            if ownership == Ownership.STATE:
                f.state += 1
                f.state_covered += bool(party)
            elif ownership in NON_PUBLIC_OWNERSHIP:
                f.non_public += 1
                f.non_public_covered += bool(party)
    # Members and those applying, by the organisation that holds them.
    applying = set(orgs.APPLICANT_STATUSES)
    for path, status, n in orgs.statuses_by_org(org):
        for f in _each(total, places.org(path)):
            if status in PARTY_MEMBER_STATUSES:
                f.members += n
            elif status in applying:
                f.applicants += n
    # Meeting compliance: the calendars of every branch, as the meetings pages read them.
    for cal in meetings.rollup(org, today.year, today):
        for f in _each(total, places.org(cal.org.path)):
            f.branches += 1
            f.branches_behind += bool(cal.overdue)
            f.periods_met += cal.met
            f.periods_ended += cal.ended
    # The development pipeline: open candidacies by stage.
    stage_field = dict(zip((str(s) for s in development.BOARD_STAGES), PIPELINE_FIELDS, strict=True))
    for path, stage, n in development.open_stages_under(org):
        name = stage_field[stage]
        for f in _each(total, places.org(path)):
            setattr(f, name, getattr(f, name) + n)
    # Team coverage and pioneer posts: production's own roll-up (per enterprise, or per county).
    prod_rows, _prod_total = production.rollup(org, today)
    for r in prod_rows:
        target = places.enterprise(r.enterprise_id) if r.enterprise_id is not None else None
        if target is None and r.org is not None:
            target = places.org(r.org.path)
        for f in _each(total, target):
            f.teams += r.teams
            f.teams_covered += r.covered
            f.posts += r.posts
            f.posts_recognised += r.recognised
    if org.kind == OrgKind.PREFECTURE_COMMITTEE:
        # Production's prefecture rows are its counties only; an enterprise under none counts
        # in the total as production's total has it.
        total.teams, total.teams_covered = _prod_total.teams, _prod_total.covered
        total.posts, total.posts_recognised = _prod_total.posts, _prod_total.recognised
    # Instructors' visits and the follow-ups still open (per enterprise, as the committee's
    # table of instructors counts them).
    for eid, c in selectors.instructor_counts(org, today).items():
        for f in _each(total, places.enterprise(eid)):
            f.assignments += c.assignments
            f.assignments_behind += c.behind
            f.visits += c.visits
            f.follow_ups_open += c.open
            f.follow_ups_overdue += c.overdue
    # This year's branch ratings: the candidates and those awarded, by the candidate branch.
    for path, awarded in ratings.candidates_under(org, today.year):
        for f in _each(total, places.org(path)):
            f.rating_candidates += 1
            f.rated += awarded
    return Rollup(org.pk, org.display_name, org.kind, today, places.rows, total)


def cached(org: Organization, today: dt.date | None = None) -> Rollup:
    """The roll-up from the shared cache, or counted now and kept for DASHBOARD_SECONDS: the
    large screen polls it, and every reader of the same committee shares one count."""
    today = today or timezone.localdate()
    key = f"guidance:rollup:{CACHE_VERSION}:{org.pk}:{org.path}:{today.isoformat()}:{get_language()}"
    hit: Rollup | None = cache.get(key)
    if hit is None:
        hit = rollup(org, today)
        hit.counted_at = timezone.now()
        cache.set(key, hit, settings.DANGJIAN.get("DASHBOARD_SECONDS", 300))
    return hit


# --- the large screen's charts ---------------------------------------------------------------------


def screen_charts(r: Rollup) -> list[dict[str, Any]]:
    """The large screen's charts, as ui/charts.js-like specs for guidance/static/guidance/screen.js:
    coverage by row, meeting compliance by row, the development pipeline's stages."""
    names = [row.label for row in r.rows]
    return [
        {
            "id": "screen-coverage",
            "type": "bars",
            "title": _("Enterprises with a party organisation"),
            "categories": names,
            "series": [
                {"name": _("with a party organisation"), "data": [row.figures.covered for row in r.rows]},
                {
                    "name": _("without a party organisation"),
                    "data": [row.figures.enterprises - row.figures.covered for row in r.rows],
                },
            ],
        },
        {
            "id": "screen-meetings",
            "type": "percent",
            "title": _("Meetings held as required (%)"),
            "categories": names,
            "data": [row.figures.compliance_percent for row in r.rows],
        },
        {
            "id": "screen-pipeline",
            "type": "funnel",
            "title": _("Development pipeline"),
            "data": [
                {"name": str(development.STAGE_LABELS[stage]), "value": getattr(r.total, name)}
                for stage, name in zip(development.BOARD_STAGES, PIPELINE_FIELDS, strict=True)
            ],
        },
    ]
