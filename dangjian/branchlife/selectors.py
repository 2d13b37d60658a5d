"""Reads of branch life: the meetings a user may see, the compliance calendar of one branch and
the roll-up of every branch under a committee. The calendar and the roll-up are built by the
same function from the same counts, so a branch's row in the county's table always agrees with
its own calendar."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dangjian.access import permissions
from dangjian.access import selectors as roles
from dangjian.access.scopes import (
    CHANGE,
    MEETING,
    NOTHING,
    VIEW,
    anchor_orgs_q,
    home_org,
    scope,
)
from dangjian.organizations import selectors as orgs
from dangjian.organizations.models import Organization, OrgKind
from dangjian.organizations.selectors import orgs_under
from dangjian.people.models import Person
from dangjian.ui.todo import Todo

from . import rules, services
from .models import Attendance, Meeting, MeetingKind

if TYPE_CHECKING:
    from dangjian.access.models import User

MEETING_ORG_KINDS = sorted(rules.CALENDAR_ORG_KINDS | rules.GROUP_KINDS)
# The committees that set local meeting frequencies (not development's LOCAL_PRACTICE_KINDS).
FREQUENCY_RULE_KINDS = (OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE, OrgKind.PARK_COMMITTEE)
SECRETARY_LECTURE = "secretary_lecture"


def visible_meetings(user: User) -> QuerySet[Meeting]:
    return scope(user, Meeting.objects.select_related("organization", "host"))


def _anchored(user: User, action: str, qs: QuerySet[Organization]) -> QuerySet[Organization]:
    where = anchor_orgs_q(user, MEETING, action)
    if where is None:
        return qs
    return qs.filter(where) if where != NOTHING else qs.none()


def meeting_orgs(user: User) -> QuerySet[Organization]:
    """Where the user may plan and record meetings: branches and party groups they keep."""
    return _anchored(user, CHANGE, orgs.orgs_of_kinds(MEETING_ORG_KINDS).order_by("path"))


def calendar_orgs(user: User) -> QuerySet[Organization]:
    """Organisations whose calendar (or, for a committee, roll-up) the user may open: through
    their meeting roles, not their view of the tree (an employer's HR sees the tree, not the
    branch's meetings)."""
    return _anchored(user, VIEW, orgs.orgs_except_kind(OrgKind.PARTY_GROUP).order_by("path"))


def default_org(user: User) -> Organization | None:
    """The organisation the user's meeting role is anchored on; for a party group's member, the
    group's branch (groups have no calendar of their own)."""
    org: Organization | None = home_org(user, MEETING, _anchored(user, VIEW, orgs.all_orgs().order_by("path")))
    return org.parent if org is not None and org.kind == OrgKind.PARTY_GROUP else org


def invitable(user: User, meeting: Meeting) -> QuerySet[Person]:
    """Non-members the user may invite to the meeting: people of the enterprises its organisation
    covers whom the user may see, not already on the list."""
    qs = scope(user, services.invitable_people(meeting.organization))
    return qs.exclude(pk__in=meeting.attendances.values("person_id")).select_related("employer").order_by("name", "pk")


def attendance_of(meeting: Meeting, reasons: bool = True) -> tuple[list[Attendance], list[Attendance]]:
    """The meeting's expected members and its invited non-members, apart. Leave reasons (夜班,
    病假 …) are for those who keep the meeting (`may_keep`): without `reasons` they are blank."""
    rows = list(meeting.attendances.select_related("person__party_org").order_by("person__name", "pk"))
    if not reasons:
        for a in rows:
            a.reason = ""
    return [a for a in rows if not a.invited], [a for a in rows if a.invited]


@dataclass(frozen=True)
class Tally:
    expected: int
    present: int
    leave: int
    absent: int
    invited: int
    invited_present: int

    @property
    def rate(self) -> int | None:
        return round(100 * self.present / self.expected) if self.expected else None


def _tally(counts: dict[tuple[bool, str], int]) -> Tally:
    """Counts per (invited, state) as a meeting's tally: invited non-members apart, always."""
    S = Attendance.State
    return Tally(
        expected=sum(n for (invited, _s), n in counts.items() if not invited),
        present=counts.get((False, S.PRESENT), 0),
        leave=counts.get((False, S.LEAVE), 0),
        absent=counts.get((False, S.ABSENT), 0),
        invited=sum(n for (invited, _s), n in counts.items() if invited),
        invited_present=counts.get((True, S.PRESENT), 0),
    )


def tally(members: list[Attendance], invited: list[Attendance]) -> Tally:
    """The tally of attendance rows already loaded (the meeting page)."""
    return _tally(Counter((a.invited, a.state) for a in (*members, *invited)))


def tallies(meetings: QuerySet[Meeting] | list[Meeting]) -> dict[int, Tally]:
    """Each meeting's tally in one query (lists, the register, the API)."""
    ids = [m.pk for m in meetings]
    rows = (
        Attendance.objects.filter(meeting_id__in=ids)
        .values("meeting_id", "invited", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[tuple[bool, str], int]] = defaultdict(dict)
    for r in rows:
        counts[r["meeting_id"]][(r["invited"], r["state"])] = r["n"]
    return {pk: _tally(counts.get(pk, {})) for pk in ids}


# --- the compliance calendar -------------------------------------------------------------------


@dataclass
class Requirement:
    key: str
    label: str
    org: Organization  # whose meetings count: the branch, or one of its party groups
    rule: rules.Rule
    cells: list[rules.Cell]

    def current(self, today: dt.date) -> rules.Cell | None:
        return next((c for c in self.cells if today in c.span), None)


@dataclass
class Calendar:
    org: Organization
    year: int
    today: dt.date
    requirements: list[Requirement]
    last_held: dt.date | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def overdue(self) -> list[tuple[Requirement, rules.Cell]]:
        return [(r, c) for r in self.requirements for c in r.cells if c.state == rules.OVERDUE]

    @property
    def now(self) -> list[tuple[Requirement, rules.Cell]]:
        """This month's, quarter's and year's cells: what is due now and what is done."""
        out = []
        for r in self.requirements:
            cell = r.current(self.today)
            if cell is not None and cell.state != rules.NOT_REQUIRED:
                out.append((r, cell))
        return out

    @property
    def due_now(self) -> list[tuple[Requirement, rules.Cell]]:
        return [(r, c) for r, c in self.now if c.state == rules.DUE]

    @property
    def met(self) -> int:
        return sum(
            1 for r in self.requirements for c in r.cells if c.state == rules.HELD and c.span.last_day < self.today
        )

    @property
    def ended(self) -> int:
        return sum(
            1
            for r in self.requirements
            for c in r.cells
            if c.state in (rules.HELD, rules.OVERDUE) and c.span.last_day < self.today
        )


SECRETARY_LECTURE_LABEL = _("Party lecture by the secretary")

# (organisation id, meeting kind) → month → meetings
Counts = dict[tuple[int, str], dict[int, int]]


def _counts(root_path: str | None, org_ids: list[int] | None, year: int) -> tuple[Counts, Counts, dict[str, Any]]:
    """Held (quorate) and planned meetings per (organisation, kind, month), the latest held date
    per organisation, and the organisations whose secretary gave a lecture this year."""
    qs = Meeting.objects.filter(held_on__year=year)
    qs = (
        qs.filter(organization__in_ids=orgs_under(root_path))
        if root_path
        else qs.filter(organization_id__in=org_ids or [])
    )
    held: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    planned: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    rows = (
        qs.exclude(status=Meeting.Status.CANCELLED)
        .values("organization_id", "kind", "status", month=ExtractMonth("held_on"))
        .annotate(n=Count("pk", filter=Q(quorate=True) | Q(status=Meeting.Status.PLANNED)), last=Max("held_on"))
        .order_by()
    )
    last: dict[int, dt.date] = {}
    for r in rows:
        target = held if r["status"] == Meeting.Status.HELD else planned
        target[(r["organization_id"], r["kind"])][r["month"]] = r["n"]
        if r["status"] == Meeting.Status.HELD:
            org_id = r["organization_id"]
            last[org_id] = max(last.get(org_id, r["last"]), r["last"])
    lectures = list(
        qs.filter(status=Meeting.Status.HELD, kind=MeetingKind.LECTURE, host__isnull=False)
        .values("organization_id", "host_id")
        .annotate(d=Max("held_on"))
        .values_list("organization_id", "host_id", "d")
        .order_by()
    )
    secretaries = roles.secretary_pairs(host for _, host, _ in lectures)
    by_secretary: dict[int, dt.date] = {}
    for org_id, host, day in lectures:
        if (host, org_id) in secretaries:
            by_secretary[org_id] = max(by_secretary.get(org_id, day), day)
    return held, planned, {"last": last, "secretary": by_secretary}


def _build(
    org: Organization,
    groups: list[Organization],
    committee: bool,
    org_rules: dict[str, rules.Rule],
    held: Counts,
    planned: Counts,
    extra: dict[str, Any],
    year: int,
    today: dt.date,
    labels: dict[str, str] | None = None,
) -> Calendar:
    since = org.founded_on
    labels = labels or _labels()
    reqs: list[Requirement] = []
    for kind in rules.SCHEDULED_KINDS:
        rule = org_rules[kind]
        if kind == MeetingKind.GROUP:
            for g in groups:
                reqs.append(
                    Requirement(
                        f"group:{g.pk}",
                        f"{labels[kind]} · {g.display_name}",
                        g,
                        rule,
                        rules.cells(
                            rule,
                            year,
                            held.get((g.pk, kind), {}),
                            planned.get((g.pk, kind), {}),
                            today,
                            g.founded_on or since,
                        ),
                    )
                )
            continue
        if kind == MeetingKind.COMMITTEE and not committee:
            continue
        reqs.append(
            Requirement(
                kind,
                labels[kind],
                org,
                rule,
                rules.cells(rule, year, held.get((org.pk, kind), {}), planned.get((org.pk, kind), {}), today, since),
            )
        )
    # The secretary gives a party lecture at least once a year (DOMAIN.md §3).
    lecture = extra["secretary"].get(org.pk)
    yearly = rules.Rule(MeetingKind.LECTURE, "year")
    reqs.append(
        Requirement(
            SECRETARY_LECTURE,
            labels[SECRETARY_LECTURE],
            org,
            yearly,
            rules.cells(yearly, year, {lecture.month: 1} if lecture else {}, {}, today, since),
        )
    )
    last = [extra["last"].get(o.pk) for o in (org, *groups)]
    return Calendar(org, year, today, reqs, max((d for d in last if d), default=None))


def _labels() -> dict[str, str]:
    """The requirements' labels in the current language, made once per calendar or roll-up (a
    prefecture's roll-up builds 1,569 calendars; translating each label each time cost a fifth of it)."""
    return {
        **{k: str(MeetingKind(k).label) for k in MeetingKind.values},
        SECRETARY_LECTURE: str(SECRETARY_LECTURE_LABEL),
    }


def calendar(org: Organization, year: int, today: dt.date | None = None) -> Calendar:
    today = today or timezone.localdate()
    groups = list(org.children.filter(kind=OrgKind.PARTY_GROUP).order_by("pk"))
    held, planned, extra = _counts(None, [org.pk, *(g.pk for g in groups)], year)
    return _build(
        org, groups, services.has_committee(org), services.rules_for([org])[org.pk], held, planned, extra, year, today
    )


def rollup(root: Organization, year: int, today: dt.date | None = None) -> list[Calendar]:
    """Every branch under `root` with its calendar, the furthest behind first."""
    today = today or timezone.localdate()
    under = list(orgs.subtree_of_kinds(root, MEETING_ORG_KINDS).order_by("pk"))
    branches = [o for o in under if o.kind in rules.CALENDAR_ORG_KINDS]
    groups: dict[int | None, list[Organization]] = defaultdict(list)
    for o in under:
        if o.kind == OrgKind.PARTY_GROUP:
            groups[o.parent_id].append(o)
    committees = roles.orgs_with_committee(orgs_under(root.path))
    held, planned, extra = _counts(root.path, None, year)
    org_rules = services.rules_for(branches)
    labels = _labels()
    out = [
        _build(b, groups[b.pk], b.pk in committees, org_rules[b.pk], held, planned, extra, year, today, labels)
        for b in branches
    ]
    out.sort(key=lambda c: (-len(c.overdue), c.org.path))
    return out


# --- the to-do list (本月待办) --------------------------------------------------------------------


def todo(user: User, today: dt.date | None = None) -> list[Todo]:
    """The meetings this user must hold or record. For the organisations whose meetings they
    keep as its own officer: what is due in the current month, quarter or year (from the
    calendar), one line for what the year has left overdue, and a meeting of today still to
    record. (A department's view of its branches is the roll-up page: counting it for every home
    page would build every branch's calendar.)"""
    today = today or timezone.localdate()
    items: list[Todo] = []
    own = orgs.orgs_of_kinds(sorted(rules.CALENDAR_ORG_KINDS)).filter(path__in=permissions.own_meeting_org_paths(user))
    for org in own.order_by("path")[:10]:
        cal = calendar(org, today.year, today)
        for req, cell in cal.due_now:
            items.append(
                Todo(
                    kind="meetings",
                    title=f"{req.label} · {cell.span.label}",
                    url=reverse("branchlife:new") + f"?org={req.org.pk}&kind={req.rule.kind}",
                    due_by=cell.span.last_day,
                    detail=org.display_name,
                )
            )
        if cal.overdue:
            items.append(
                Todo(
                    kind="meetings",
                    title=_n_overdue(len(cal.overdue)),
                    url=reverse("branchlife:calendar") + f"?org={org.pk}&year={today.year}",
                    overdue=True,
                    detail=org.display_name,
                )
            )
    for m in Meeting.objects.filter(
        organization__in=meeting_orgs(user).filter(path__in=permissions.own_meeting_org_paths(user)),
        held_on=today,
        status=Meeting.Status.PLANNED,
    ).select_related("organization")[:10]:
        items.append(
            Todo(
                kind="meetings",
                title=str(_("Today: %(topic)s: mark who came") % {"topic": m.topic}),
                url=reverse("branchlife:detail", args=[m.pk]),
                due_by=today,
                detail=m.organization.display_name,
            )
        )
    return items


def _n_overdue(n: int) -> str:
    return ngettext(
        "%(n)d required meeting this year was not held: see the calendar",
        "%(n)d required meetings this year were not held: see the calendar",
        n,
    ) % {"n": n}


# --- for dues: the six-month flag (added for issue 20) ------------------------------------------


def absent_without_reason(person_ids: Iterable[int], first: dt.date, last: dt.date) -> set[int]:
    """Those of `person_ids` expected at meetings held between `first` and `last` who came to
    none of them and asked leave for none (a member absent from organisational life without a
    reason, DOMAIN.md §3). Nobody is counted where no meeting was held."""
    rows = (
        Attendance.objects.filter(
            person_id__in=list(person_ids),
            invited=False,
            meeting__status=Meeting.Status.HELD,
            meeting__held_on__gte=first,
            meeting__held_on__lte=last,
        )
        .values("person_id")
        .annotate(expected=Count("pk"), excused=Count("pk", filter=~Q(state=Attendance.State.ABSENT)))
    )
    return {r["person_id"] for r in rows if r["expected"] and not r["excused"]}
