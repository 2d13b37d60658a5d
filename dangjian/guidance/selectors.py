"""Reads of county guidance: an instructor's enterprises with their visits and follow-ups, a
committee's table of its instructors (who is behind, what is open or overdue), one enterprise's
visits, the people a follow-up may be put in the hands of, and the to-do items.

Lists are narrowed by access.scopes (the resource "visit", reached through the enterprise);
a committee's table is read for an organisation the user oversees (permissions)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Max, Q, QuerySet
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
from .models import Declaration, FollowUp, GuidanceConfig, OwnerRole, Topic, Visit

if TYPE_CHECKING:
    from dangjian.access.models import User

COMMITTEE_KINDS = (OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE, OrgKind.PARK_COMMITTEE)
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


def configs_for(enterprises: list[Enterprise]) -> dict[int, GuidanceConfig]:
    """Each enterprise's settings (its supervising committee's, nearest up the tree): one query."""
    supervisors = [e.supervising_org for e in enterprises]
    found = orgs.nearest_settings(supervisors, GuidanceConfig)
    return {e.pk: found[e.supervising_org_id] or GuidanceConfig() for e in enterprises}


def topic_label(topic: str) -> str:
    """A built-in topic by its label in the user's language; a county's own as it wrote it."""
    return str(Topic(topic).label) if topic in Topic.values else topic


def topic_choices(config: GuidanceConfig) -> list[tuple[str, str]]:
    return [(t, topic_label(t)) for t in config.topics]


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


def committee_orgs(user: User) -> QuerySet[Organization]:
    """The committees whose instructors the user oversees (their organisation department's
    subtree), for the organisation picker of the overview."""
    paths = permissions.guidance_committee_paths(user)
    if not paths:
        return Organization.objects.none()
    q = Q()
    for p in paths:
        q |= Q(path__startswith=p)
    return Organization.objects.filter(q, kind__in=COMMITTEE_KINDS).order_by("path")


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


def behind_under(committee: Organization, today: dt.date | None = None) -> int:
    """How many of the instructors on the enterprises under a committee are behind with their
    visits (what its table marks), without building the table: three queries of plain values."""
    today = today or timezone.localdate()
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


def visits_of(user: User, enterprise: Enterprise, limit: int = 50) -> QuerySet[Visit]:
    return visible_visits(user).filter(enterprise=enterprise).annotate(n_follow_ups=Count("follow_ups"))[:limit]


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


# --- to-do ------------------------------------------------------------------------------------------


def todo(user: User, today: dt.date | None = None) -> list[Todo]:
    """For an instructor: an assignment without its declaration, a visit due this period; for
    whoever a follow-up is in the hands of: each overdue or due within a week; for a committee's
    organisation department: the overdue follow-ups and the instructors behind under it."""
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
        behind = behind_under(committee, today)
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
    return items
