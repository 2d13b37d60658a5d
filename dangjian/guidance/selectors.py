"""Reads of county guidance: an instructor's enterprises with their visits and follow-ups, a
committee's table of its instructors (who is behind, what is open or overdue), one enterprise's
visits, the people a follow-up may be put in the hands of, the yearly appraisals with the figures
and opinions they rest on, and the to-do items.

Lists are narrowed by access.scopes (the resource "visit", reached through the enterprise);
a committee's table is read for an organisation the user oversees (permissions)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.access import permissions
from dangjian.access.models import Role, RoleAssignment
from dangjian.access.scopes import VIEW, scope
from dangjian.calendar import Period, period_of
from dangjian.organizations import selectors as orgs
from dangjian.organizations.models import Enterprise, Organization, OrgKind
from dangjian.ui.todo import Todo

from . import rules
from .models import (
    Appraisal,
    Declaration,
    FollowUp,
    Grade,
    GuidanceConfig,
    Opinion,
    OpinionRole,
    OwnerRole,
    Topic,
    Visit,
)

if TYPE_CHECKING:
    from dangjian.access.models import User

COMMITTEE_KINDS = (OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE, OrgKind.PARK_COMMITTEE)
APPRAISAL_MONTHS = 3  # last year's appraisals and opinions are on the to-do lists until the end of March
DUE_SOON_DAYS = 7  # a follow-up due within this many days is on its owner's to-do list


# --- settings -------------------------------------------------------------------------------------


def config_for(org: Organization | None) -> GuidanceConfig:
    """The nearest committee's settings up the tree, or the defaults."""
    if org is None:
        return GuidanceConfig()
    found: GuidanceConfig | None = orgs.nearest_settings([org], GuidanceConfig)[org.pk]
    return found if found is not None else GuidanceConfig(organization=org)


def own_config(org: Organization) -> GuidanceConfig | None:
    return GuidanceConfig.objects.filter(organization=org).first()


def topic_label(topic: str) -> str:
    """A built-in topic by its label in the user's language; a county's own as it wrote it."""
    return str(Topic(topic).label) if topic in Topic.values else topic


# --- what the user sees ---------------------------------------------------------------------------


def visible_visits(user: User, action: str = VIEW) -> QuerySet[Visit]:
    return scope(user, Visit.objects.select_related("enterprise", "instructor__person"), action)


def with_photo_counts(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    return visits.annotate(n_photos=Count("photos", distinct=True))


def visible_follow_ups(user: User, action: str = VIEW) -> QuerySet[FollowUp]:
    return scope(
        user, FollowUp.objects.select_related("enterprise", "owner__person", "visit__instructor__person"), action
    )


def user_name(user: Any) -> str:
    person = getattr(user, "person", None)
    return str(person.name if person is not None else (user.get_full_name() or user.username))


def under_paths(paths: list[str], kinds: Any = None) -> QuerySet[Organization]:
    """The organisations in the subtrees at `paths` (of `kinds`, if given), by path."""
    if not paths:
        return Organization.objects.none()
    q = Q()
    for p in paths:
        q |= Q(path__startswith=p)
    found = Organization.objects.filter(q)
    return (found.filter(kind__in=kinds) if kinds is not None else found).order_by("path")


def committee_orgs(user: User) -> QuerySet[Organization]:
    """The committees whose instructors the user oversees (their organisation department's
    subtree), for the organisation picker of the overview."""
    return under_paths(permissions.guidance_committee_paths(user), COMMITTEE_KINDS)


# --- an instructor's assignments ------------------------------------------------------------------


@dataclass
class AssignmentRow:
    """An instructor at an enterprise: their declaration, the year's visits against the required
    frequency, the open and overdue follow-ups."""

    assignment: RoleAssignment
    enterprise: Enterprise
    instructor: Any
    declaration: Declaration | None
    cadence: rules.Cadence
    period: str
    visits: int
    last_visit: dt.date | None
    open: int
    overdue: int

    @property
    def instructor_name(self) -> str:
        return user_name(self.instructor)


# What a row shows of the assignment, its instructor and its enterprise: the rest (an
# enterprise's address and codes, a user's password, a person's sealed ID number and phone, the
# supervising committee beyond its path) is never loaded, so a prefecture's table of 1,500 rows
# builds small objects and decrypts nothing.
ROW_FIELDS = (
    "role",
    "started_on",
    "user__username",
    "user__first_name",
    "user__last_name",
    "user__person__name",
    "enterprise__name",
    "enterprise__name_en",
    "enterprise__supervising_org_id",
    "declaration__declared_on",
)


def _visit_periods(supervisors: dict[int, str]) -> dict[int, str]:
    """The required frequency of visits (GuidanceConfig.visit_period) at the enterprises each
    supervising committee oversees, by the committee's id and path: one query for any number."""
    found = orgs.nearest_settings([Organization(pk=pk, path=path) for pk, path in supervisors.items()], GuidanceConfig)
    default = GuidanceConfig.visit_period.field.get_default()
    return {pk: found[pk].visit_period if found[pk] is not None else default for pk in supervisors}


def _visit_days(
    assignments: QuerySet[RoleAssignment], today: dt.date, *, last: bool = True
) -> tuple[dict[tuple[int, int], list[dt.date]], dict[tuple[int, int], dt.date]]:
    """Per (instructor, enterprise) of the assignments: this year's visit days up to today and,
    with `last`, the latest visit up to today. One query, which reads this year's visits and one
    row per pair for the years before (not every visit ever made); the enterprises go in as a
    subquery, not as a list of ids to bind one by one."""
    year_start = dt.date(today.year, 1, 1)
    visits = Visit.objects.filter(enterprise_id__in=assignments.order_by().values("enterprise_id")).order_by()
    rows = visits.filter(visited_on__gte=year_start, visited_on__lte=today).values_list(
        "instructor_id", "enterprise_id", "visited_on"
    )
    if last:
        before = (
            visits.filter(visited_on__lt=year_start)
            .values("instructor_id", "enterprise_id")
            .annotate(day=Max("visited_on"))
            .values_list("instructor_id", "enterprise_id", "day")
        )
        rows = rows.union(before, all=True)
    days: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    latest: dict[tuple[int, int], dt.date] = {}
    for uid, eid, day in rows:
        key = (uid, eid)
        if day >= year_start:
            days[key].append(day)
        if key not in latest or day > latest[key]:
            latest[key] = day
    return days, latest


class _Cadences:
    """`rules.cadence` of many assignments, worked out once per distinct input: assignments that
    began on the same day, with the same frequency and as many visits in each period counted,
    have the same cadence (a frozen value, shared). A committee's table of 1,500 assignments
    holds a few dozen distinct ones."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.year_start = dt.date(today.year, 1, 1)
        self.periods: dict[tuple[dt.date, str], Period] = {}
        self.known: dict[tuple[dt.date, str, tuple[Period, ...]], rules.Cadence] = {}

    def __call__(self, started_on: dt.date, days: list[dt.date], kind: str) -> rules.Cadence:
        start = max(started_on, self.year_start)
        counted: list[Period] = []
        for day in days:
            if start <= day <= self.today:  # the days rules.cadence counts
                p = self.periods.get((day, kind))
                if p is None:
                    p = self.periods[(day, kind)] = period_of(day, kind)
                counted.append(p)
        key = (started_on, kind, tuple(sorted(counted)))
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = rules.cadence(started_on, days, self.today, kind)
        return found


def _assignment_rows(assignments: QuerySet[RoleAssignment], today: dt.date) -> list[AssignmentRow]:
    """The rows of these instructor assignments, in four queries whatever their number."""
    ras = list(
        assignments.select_related("user__person", "enterprise", "declaration")
        .only(*ROW_FIELDS)
        .annotate(supervisor_path=F("enterprise__supervising_org__path"))
        .order_by("enterprise__name", "user__username", "pk")
    )
    if not ras:
        return []
    visits, last = _visit_days(assignments, today)
    follow: dict[int, tuple[int, int]] = {
        row["enterprise_id"]: (row["open"], row["overdue"])
        for row in FollowUp.objects.filter(
            enterprise_id__in=assignments.order_by().values("enterprise_id"), status=FollowUp.Status.OPEN
        )
        .values("enterprise_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    }
    periods = _visit_periods({ra.enterprise.supervising_org_id: ra.supervisor_path for ra in ras if ra.enterprise})
    cadence = _Cadences(today)
    rows = []
    for ra in ras:
        assert ra.enterprise is not None  # an instructor's role is held on an enterprise
        key = (ra.user_id, ra.enterprise.pk)
        kind = periods[ra.enterprise.supervising_org_id]
        days = visits.get(key, [])
        n_open, n_overdue = follow.get(ra.enterprise.pk, (0, 0))
        rows.append(
            AssignmentRow(
                assignment=ra,
                enterprise=ra.enterprise,
                instructor=ra.user,
                declaration=getattr(ra, "declaration", None),
                cadence=cadence(ra.started_on, days, kind),
                period=kind,
                visits=len(days),
                last_visit=last.get(key),
                open=n_open,
                overdue=n_overdue,
            )
        )
    return rows


def _assignment_values(committee: Organization) -> tuple[QuerySet[RoleAssignment], list[tuple[Any, ...]]]:
    """The instructor assignments on the enterprises under a committee, as plain values (user,
    enterprise, held from, supervising committee and its path): one query."""
    assignments = RoleAssignment.objects.filter(
        role=Role.INSTRUCTOR, enterprise_id__in=orgs.enterprises_under(committee.path)
    )
    ras = list(
        assignments.order_by().values_list(
            "user_id",
            "enterprise_id",
            "started_on",
            "enterprise__supervising_org_id",
            "enterprise__supervising_org__path",
        )
    )
    return assignments, ras


def behind_under(
    committee: Organization,
    today: dt.date | None = None,
    values: tuple[QuerySet[RoleAssignment], list[tuple[Any, ...]]] | None = None,
) -> int:
    """How many of the instructors on the enterprises under a committee are behind with their
    visits (what its table marks), without building the table: three queries of plain values
    (two when the assignments' `values` are given)."""
    today = today or timezone.localdate()
    assignments, ras = values if values is not None else _assignment_values(committee)
    if not ras:
        return 0
    periods = _visit_periods({sup: path for _u, _e, _s, sup, path in ras})
    visits, _last = _visit_days(assignments, today, last=False)
    cadence = _Cadences(today)
    return sum(
        1
        for uid, eid, started_on, sup, _path in ras
        if cadence(started_on, visits.get((uid, eid), []), periods[sup]).behind
    )


def my_assignments(user: User, today: dt.date | None = None) -> list[AssignmentRow]:
    """The enterprises the user is assigned to as an instructor."""
    today = today or timezone.localdate()
    if not getattr(user, "is_authenticated", False):
        return []
    return _assignment_rows(RoleAssignment.objects.filter(user=user, role=Role.INSTRUCTOR), today)


def assignment_of(user: User, enterprise: Enterprise) -> RoleAssignment | None:
    return (
        RoleAssignment.objects.filter(user=user, role=Role.INSTRUCTOR, enterprise=enterprise)
        .select_related("declaration")
        .first()
    )


def instructors_of(committee: Organization, today: dt.date | None = None) -> list[AssignmentRow]:
    """Every instructor assignment on the enterprises a committee's subtree supervises or covers."""
    today = today or timezone.localdate()
    ras = RoleAssignment.objects.filter(role=Role.INSTRUCTOR, enterprise_id__in=orgs.enterprises_under(committee.path))
    return _assignment_rows(ras, today)


@dataclass
class EnterpriseCounts:
    """An enterprise's instructors, how many are behind, this year's visits, its open and overdue
    follow-ups: the committees' roll-ups (guidance.rollups), without the rows' people."""

    assignments: int = 0
    behind: int = 0
    visits: int = 0
    open: int = 0
    overdue: int = 0


def instructor_counts(committee: Organization, today: dt.date | None = None) -> dict[int, EnterpriseCounts]:
    """instructors_of's figures per enterprise, as plain values (no user, person or enterprise
    loaded): at prefecture scale the rows' objects were most of the roll-up's time. Four queries."""
    today = today or timezone.localdate()
    ents = orgs.enterprises_under(committee.path)
    ras = list(
        RoleAssignment.objects.filter(role=Role.INSTRUCTOR, enterprise_id__in=ents).values_list(
            "user_id", "enterprise_id", "started_on", "enterprise__supervising_org_id"
        )
    )
    out: dict[int, EnterpriseCounts] = defaultdict(EnterpriseCounts)
    if not ras:
        return out
    days: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    for uid, eid, day in Visit.objects.filter(
        enterprise_id__in=ents, visited_on__gte=dt.date(today.year, 1, 1), visited_on__lte=today
    ).values_list("instructor_id", "enterprise_id", "visited_on"):
        days[(uid, eid)].append(day)
    supervisors = Organization.objects.filter(pk__in={sup for *_, sup in ras}).only("pk", "path")
    configs = orgs.nearest_settings(supervisors, GuidanceConfig)
    default = GuidanceConfig()
    cadence = _Cadences(today)
    for uid, eid, started_on, sup in ras:
        kind = (configs.get(sup) or default).visit_period
        mine = days.get((uid, eid), [])
        counts = out[eid]
        counts.assignments += 1
        counts.behind += cadence(started_on, mine, kind).behind
        counts.visits += len(mine)
    for eid, n_open, n_overdue in (
        FollowUp.objects.filter(
            enterprise_id__in=RoleAssignment.objects.filter(role=Role.INSTRUCTOR, enterprise_id__in=ents).values(
                "enterprise_id"
            ),
            status=FollowUp.Status.OPEN,
        )
        .order_by()
        .values("enterprise_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
        .values_list("enterprise_id", "n", "late")
    ):
        out[eid].open, out[eid].overdue = n_open, n_overdue
    return out


@dataclass(frozen=True)
class Overview:
    assignments: int
    behind: int
    undeclared: int
    visits: int
    open: int
    overdue: int


def overview(rows: list[AssignmentRow]) -> Overview:
    by_enterprise = {r.enterprise.pk: r for r in rows}
    return Overview(
        assignments=len(rows),
        behind=sum(1 for r in rows if r.cadence.behind),
        undeclared=sum(1 for r in rows if r.declaration is None),
        visits=sum(r.visits for r in rows),
        open=sum(r.open for r in by_enterprise.values()),
        overdue=sum(r.overdue for r in by_enterprise.values()),
    )


# --- visits and follow-ups ------------------------------------------------------------------------


def follow_ups_of(visit: Visit) -> QuerySet[FollowUp]:
    return visit.follow_ups.select_related("owner__person", "closed_by__person").order_by("status", "due_on", "pk")


def photos_of(visit: Visit) -> QuerySet[Any]:
    return visit.photos.only("pk", "file_name", "size", "visit_id")


def open_follow_ups(user: User, *, committee: Organization | None = None) -> QuerySet[FollowUp]:
    """The open follow-ups the user may see (under `committee`, if given), the overdue first."""
    qs = visible_follow_ups(user).filter(status=FollowUp.Status.OPEN)
    if committee is not None:
        qs = qs.filter(enterprise_id__in=orgs.enterprises_under(committee.path))
    return qs.order_by("due_on", "pk")


def owned_follow_ups(user: User) -> QuerySet[FollowUp]:
    """The open follow-ups in the user's hands."""
    return visible_follow_ups(user).filter(owner=user, status=FollowUp.Status.OPEN).order_by("due_on", "pk")


def owners_for(enterprise: Enterprise) -> list[tuple[Any, str]]:
    """Who a problem found at the enterprise may be put in the hands of, with their role: the
    secretary of its party organisation, its managers, its instructors."""
    q = Q(role=Role.MANAGER, enterprise=enterprise) | Q(role=Role.INSTRUCTOR, enterprise=enterprise)
    if enterprise.party_org_id is not None:
        q |= Q(role=Role.SECRETARY, organization_id=enterprise.party_org_id)
    order = {Role.SECRETARY: 0, Role.MANAGER: 1, Role.INSTRUCTOR: 2}
    found = [
        (ra.user, ra.role)
        for ra in RoleAssignment.objects.filter(q, user__is_active=True).select_related("user__person")
    ]
    found.sort(key=lambda x: (order[Role(x[1])], x[0].username))
    return found


def owner_role(enterprise: Enterprise, user: Any) -> str | None:
    """The role in which `user` may own a follow-up at the enterprise, None if they may not."""
    for u, role in owners_for(enterprise):
        if u.pk == user.pk:
            return str(OwnerRole(role).value)
    return None


def visit_enterprise(user: User, pk: int | None) -> Enterprise | None:
    """The enterprise whose visits the user reads, if it is in their reach (the list of its
    visits is narrowed to theirs besides)."""
    return orgs.visible_enterprises(user).filter(pk=pk).first() if pk is not None else None


def instructor_enterprises(user: User) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(pk__in=permissions.instructor_enterprise_ids(user)).order_by("name")


# --- the yearly appraisal ---------------------------------------------------------------------------


def appraisal_committees(user: User) -> QuerySet[Organization]:
    """The county committees whose instructors the user appraises (or reads the appraisals of)."""
    return committee_orgs(user).filter(kind=OrgKind.COUNTY_COMMITTEE)


def default_appraisal_year(today: dt.date) -> int:
    """The year a page opens on: last year in the first quarter, when it is appraised (and on the
    to-do lists), this year after."""
    return today.year - 1 if today.month <= APPRAISAL_MONTHS else today.year


def appraisal_year(raw: str, today: dt.date) -> int:
    """The year a page asks for (?year=): four digits naming a year that can be appraised, or
    else the default year."""
    year = int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else 0
    return year if rules.appraisal_year_ok(year, today) else default_appraisal_year(today)


def oversees_instructor(user: User, instructor_id: int) -> bool:
    """Whether the user's organisation department oversees an enterprise the instructor is
    assigned to now."""
    q = Q()
    for path in permissions.guidance_committee_paths(user):
        q |= Q(enterprise__supervising_org__path__startswith=path) | Q(enterprise__party_org__path__startswith=path)
    if not q:
        return False
    return RoleAssignment.objects.filter(q, user_id=instructor_id, role=Role.INSTRUCTOR).exists()


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def visible_appraisals(user: User) -> QuerySet[Appraisal]:
    return Appraisal.objects.filter(permissions.appraisals_q(user)).select_related(
        "instructor__person", "committee", "appraised_by__person"
    )


def visible_opinions(user: User) -> QuerySet[Opinion]:
    return Opinion.objects.filter(permissions.opinions_q(user)).select_related(
        "instructor__person", "enterprise__party_org", "author__person"
    )


@dataclass(frozen=True)
class YearFigures:
    """An instructor's year at a committee's enterprises: the visits they recorded in it, and the
    follow-ups of those visits closed and still open."""

    visits: int = 0
    closed: int = 0
    open: int = 0


def year_figures(instructor_ids: list[int], committee: Organization, year: int) -> dict[int, YearFigures]:
    """Each instructor's figures for the year at the enterprises under the committee: two queries."""
    ents = orgs.enterprises_under(committee.path)
    span = (dt.date(year, 1, 1), _year_end(year))
    visits = dict(
        Visit.objects.filter(instructor_id__in=instructor_ids, enterprise_id__in=ents, visited_on__range=span)
        .values("instructor_id")
        .annotate(n=Count("pk"))
        .values_list("instructor_id", "n")
    )
    follow = {
        row["visit__instructor_id"]: (row["closed"], row["open"])
        for row in FollowUp.objects.filter(
            visit__instructor_id__in=instructor_ids, enterprise_id__in=ents, visit__visited_on__range=span
        )
        .values("visit__instructor_id")
        .annotate(
            closed=Count("pk", filter=Q(status=FollowUp.Status.CLOSED)),
            open=Count("pk", filter=Q(status=FollowUp.Status.OPEN)),
        )
    }
    return {uid: YearFigures(visits.get(uid, 0), *follow.get(uid, (0, 0))) for uid in instructor_ids}


def _year_assignments(committee: Organization, year: int) -> QuerySet[RoleAssignment]:
    """The instructors' assignments under the committee that had begun by the end of the year."""
    return RoleAssignment.objects.filter(
        role=Role.INSTRUCTOR,
        enterprise_id__in=orgs.enterprises_under(committee.path),
        started_on__lte=_year_end(year),
    )


def appraised_instructor_ids(committee: Organization, year: int) -> set[int]:
    """Whom the committee appraises for the year: the instructors assigned under it by the end of
    the year, and any it has appraised already (whose assignment has since ended). Its size is
    the base of the cap on Excellent."""
    ids = set(_year_assignments(committee, year).values_list("user_id", flat=True))
    ids |= set(Appraisal.objects.filter(committee=committee, year=year).values_list("instructor_id", flat=True))
    return ids


@dataclass
class AppraisalRow:
    """An instructor on the committee's list for the year: their enterprises, the year's figures,
    the enterprise's opinions and the appraisal, if made."""

    instructor: Any
    enterprises: list[Enterprise]
    figures: YearFigures
    appraisal: Appraisal | None
    opinions: list[Opinion]

    @property
    def instructor_name(self) -> str:
        return user_name(self.instructor)


def appraisal_rows(committee: Organization, year: int, *, instructor_id: int | None = None) -> list[AppraisalRow]:
    """The committee's instructors for the year (or the one asked for), in five queries however
    many they are."""
    ras = _year_assignments(committee, year).select_related("user__person", "enterprise")
    done = Appraisal.objects.filter(committee=committee, year=year).select_related(
        "instructor__person", "appraised_by__person"
    )
    if instructor_id is not None:
        ras, done = ras.filter(user_id=instructor_id), done.filter(instructor_id=instructor_id)
    users: dict[int, Any] = {}
    enterprises: dict[int, list[Enterprise]] = defaultdict(list)
    for ra in ras.order_by("enterprise__name", "user__username", "pk"):
        users.setdefault(ra.user_id, ra.user)
        if ra.enterprise is not None:
            enterprises[ra.user_id].append(ra.enterprise)
    appraisals = {a.instructor_id: a for a in done}
    for uid, a in appraisals.items():
        users.setdefault(uid, a.instructor)
    if not users:
        return []
    ids = list(users)
    figures = year_figures(ids, committee, year)
    opinions: dict[int, list[Opinion]] = defaultdict(list)
    for o in (
        Opinion.objects.filter(
            instructor_id__in=ids, year=year, enterprise_id__in=orgs.enterprises_under(committee.path)
        )
        .select_related("enterprise", "author__person")
        .order_by("enterprise__name", "author_role")
    ):
        opinions[o.instructor_id].append(o)
    return [
        AppraisalRow(
            instructor=users[uid],
            enterprises=enterprises.get(uid, []),
            figures=figures[uid],
            appraisal=appraisals.get(uid),
            opinions=opinions.get(uid, []),
        )
        for uid in ids
    ]


@dataclass(frozen=True)
class AppraisalSummary:
    instructors: int
    appraised: int
    by_grade: dict[str, int]
    cap: int | None  # percent
    limit: int | None  # how many may be rated Excellent

    @property
    def excellent(self) -> int:
        return self.by_grade.get(Grade.EXCELLENT, 0)


def appraisal_summary(committee: Organization, rows: list[AppraisalRow]) -> AppraisalSummary:
    cap = config_for(committee).excellent_cap
    grades = [r.appraisal.grade for r in rows if r.appraisal is not None]
    return AppraisalSummary(
        instructors=len(rows),
        appraised=len(grades),
        by_grade={g: grades.count(g) for g in Grade.values},
        cap=cap,
        limit=rules.excellent_limit(len(rows), cap),
    )


def appraisal_history(user: User, instructor_id: int) -> QuerySet[Appraisal]:
    """An instructor's appraisals of every year that the user may read, newest first."""
    return visible_appraisals(user).filter(instructor_id=instructor_id).order_by("-year", "committee__path")


def instructor_user(instructor_id: int) -> Any:
    """The instructor of a history page, if they ever held the role or were appraised."""
    ra = RoleAssignment.objects.filter(user_id=instructor_id, role=Role.INSTRUCTOR).select_related("user__person")
    found = ra.first()
    if found is not None:
        return found.user
    a = Appraisal.objects.filter(instructor_id=instructor_id).select_related("instructor__person").first()
    return a.instructor if a is not None else None


# --- the enterprise's opinion --------------------------------------------------------------------


@dataclass
class OpinionRow:
    """An instructor of an enterprise the user gives its opinion of, in one of the user's roles
    there, with the opinion given for the year (None: not yet)."""

    instructor: Any
    enterprise: Enterprise
    role: str
    opinion: Opinion | None

    @property
    def instructor_name(self) -> str:
        return user_name(self.instructor)

    @property
    def role_label(self) -> str:
        return str(OpinionRole(self.role).label)


def _opinion_assignments(user: User, year: int) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(
        role=Role.INSTRUCTOR,
        enterprise__in=Enterprise.objects.filter(permissions.opinion_enterprises_q(user)),
        started_on__lte=_year_end(year),
    ).select_related("user__person", "enterprise__party_org")


def opinion_rows(user: User, year: int) -> list[OpinionRow]:
    """The instructors the user gives their opinion of for the year (two queries)."""
    if not permissions.gives_opinions(user):
        return []
    ras = list(_opinion_assignments(user, year).order_by("enterprise__name", "user__username"))
    given = {
        (o.instructor_id, o.enterprise_id, o.author_role): o
        for o in Opinion.objects.filter(
            year=year,
            instructor_id__in={ra.user_id for ra in ras},
            enterprise_id__in={ra.enterprise_id for ra in ras},
        )
    }
    rows = []
    for ra in ras:
        assert ra.enterprise is not None  # an instructor's role is held on an enterprise
        for role in permissions.opinion_roles(user, ra.enterprise):
            rows.append(OpinionRow(ra.user, ra.enterprise, role, given.get((ra.user_id, ra.enterprise.pk, role))))
    return rows


def opinions_missing(user: User, year: int) -> list[OpinionRow]:
    """The instructors the user has not yet given their opinion of for the year: one query."""
    if not permissions.gives_opinions(user):
        return []

    def given(role: str) -> Exists:
        return Exists(
            Opinion.objects.filter(
                instructor_id=OuterRef("user_id"), enterprise_id=OuterRef("enterprise_id"), year=year, author_role=role
            )
        )

    rows = []
    for ra in _opinion_assignments(user, year).annotate(
        by_secretary=given(OpinionRole.SECRETARY), by_manager=given(OpinionRole.MANAGER)
    ):
        assert ra.enterprise is not None
        done = {OpinionRole.SECRETARY: ra.by_secretary, OpinionRole.MANAGER: ra.by_manager}
        for role in permissions.opinion_roles(user, ra.enterprise):
            if not done[OpinionRole(role)]:
                rows.append(OpinionRow(ra.user, ra.enterprise, role, None))
    return rows


def opinion_instructor(user: User, enterprise: Enterprise, instructor_id: int, year: int) -> Any:
    """The instructor of the enterprise whose opinion the user gives for the year, or None."""
    ra = _opinion_assignments(user, year).filter(enterprise=enterprise, user_id=instructor_id).first()
    return ra.user if ra is not None else None


def opinion_enterprise(user: User, pk: int | None) -> Enterprise | None:
    """An enterprise whose opinion of its instructors the user gives."""
    if pk is None:
        return None
    return (
        Enterprise.objects.filter(permissions.opinion_enterprises_q(user), pk=pk)
        .select_related("party_org", "supervising_org")
        .first()
    )


def opinion_of(instructor_id: int, enterprise: Enterprise, year: int, role: str) -> Opinion | None:
    return Opinion.objects.filter(
        instructor_id=instructor_id, enterprise=enterprise, year=year, author_role=role
    ).first()


# --- to-do ------------------------------------------------------------------------------------------


def todo(user: User, today: dt.date | None = None) -> list[Todo]:
    """For an instructor: an assignment without its declaration, a visit due this period; for
    whoever a follow-up is in the hands of: each overdue or due within a week; for a committee's
    organisation department: the overdue follow-ups and the instructors behind under it; in the
    first quarter, last year's opinions not yet given (a secretary, a manager) and the
    instructors not yet appraised (a county's organisation department). Those are asked all
    year, so that a dashboard costs the same queries in every month."""
    today = today or timezone.localdate()
    if not getattr(user, "is_authenticated", False) or not permissions.may_see_guidance(user):
        return []
    items: list[Todo] = []
    page = reverse("guidance:page")
    if permissions.instructor_enterprise_ids(user):
        for row in my_assignments(user, today):
            url = f"{reverse('guidance:visit_new')}?enterprise={row.enterprise.pk}"
            if row.declaration is None:
                items.append(
                    Todo(
                        kind="guidance",
                        title=_("Declare that you have no business tie to %(enterprise)s")
                        % {"enterprise": row.enterprise.display_name},
                        url=f"{reverse('guidance:declare')}?enterprise={row.enterprise.pk}",
                        overdue=True,
                    )
                )
            elif row.cadence.due_by is not None:
                items.append(
                    Todo(
                        kind="guidance",
                        title=_("Visit %(enterprise)s") % {"enterprise": row.enterprise.display_name},
                        url=url,
                        due_by=row.cadence.due_by,
                        overdue=row.cadence.behind,
                        detail=ngettext(
                            "%(n)d period without a visit this year",
                            "%(n)d periods without a visit this year",
                            len(row.cadence.missed),
                        )
                        % {"n": len(row.cadence.missed)}
                        if row.cadence.behind
                        else "",
                    )
                )
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    for item in owned_follow_ups(user).filter(due_on__lte=soon)[:10]:
        items.append(
            Todo(
                kind="guidance",
                title=_("Follow up: %(problem)s") % {"problem": item.problem[:60]},
                url=reverse("guidance:visit", args=[item.visit_id]) + f"#f{item.pk}",
                due_by=item.due_on,
                overdue=item.due_on < today,
                detail=item.enterprise.display_name,
            )
        )
    last_year = today.year - 1
    appraising = today.month <= APPRAISAL_MONTHS
    for missing in opinions_missing(user, last_year):
        if appraising:
            items.append(
                Todo(
                    kind="guidance",
                    title=_("Give your opinion of %(instructor)s, instructor of %(enterprise)s, for %(year)d")
                    % {
                        "instructor": missing.instructor_name,
                        "enterprise": missing.enterprise.display_name,
                        "year": last_year,
                    },
                    url=f"{reverse('guidance:opinion')}?enterprise={missing.enterprise.pk}"
                    f"&instructor={missing.instructor.pk}&year={last_year}",
                    due_by=dt.date(today.year, APPRAISAL_MONTHS, 31),
                    detail=missing.role_label,
                )
            )
    own = Organization.objects.filter(
        path__in=permissions.guidance_committee_paths(user), kind=OrgKind.COUNTY_COMMITTEE
    ).order_by("path")
    for committee in own[:5]:
        overdue = open_follow_ups(user, committee=committee).filter(due_on__lt=today).count()
        if overdue:
            items.append(
                Todo(
                    kind="guidance",
                    title=ngettext(
                        "%(n)d follow-up of instructors' visits is overdue",
                        "%(n)d follow-ups of instructors' visits are overdue",
                        overdue,
                    )
                    % {"n": overdue},
                    url=f"{page}?org={committee.pk}&show=overdue#follow-ups",
                    overdue=True,
                    detail=committee.display_name,
                )
            )
        values = _assignment_values(committee)
        behind = behind_under(committee, today, values)
        if behind:
            items.append(
                Todo(
                    kind="guidance",
                    title=ngettext(
                        "%(n)d instructor is behind with visits",
                        "%(n)d instructors are behind with visits",
                        behind,
                    )
                    % {"n": behind},
                    url=f"{page}?org={committee.pk}&show=behind#instructors",
                    detail=committee.display_name,
                )
            )
        # Those assigned by the end of last year and not yet appraised for it (one query more).
        due = {uid for uid, _e, started_on, _s, _p in values[1] if started_on <= _year_end(last_year)}
        due -= set(
            Appraisal.objects.filter(committee=committee, year=last_year).values_list("instructor_id", flat=True)
        )
        if due and appraising:
            items.append(
                Todo(
                    kind="guidance",
                    title=ngettext(
                        "%(n)d instructor not yet appraised for %(year)d",
                        "%(n)d instructors not yet appraised for %(year)d",
                        len(due),
                    )
                    % {"n": len(due), "year": last_year},
                    url=f"{reverse('guidance:appraisals')}?org={committee.pk}&year={last_year}",
                    due_by=dt.date(today.year, APPRAISAL_MONTHS, 31),
                    detail=committee.display_name,
                )
            )
    return items
