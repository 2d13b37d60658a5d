"""Reads of party building in production: what each user may see (through access.scopes), a
branch's page (coverage with its uncovered teams, pairings, posts, training), the committees'
roll-ups, coverage history, the 双培养 outcomes, the to-do items and the public page of a post.

Coverage is derived: a team is covered on a day when a charge spans that day and, for a charge
still open, its member is still a party member of the keeping organisation and an employee of
the team's enterprise. A member who left makes the team uncovered at once; the daily run
(services.release_lapsed) then closes the charge and tells the branch.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian import prepared
from dangjian.access import permissions
from dangjian.access.scopes import NOTHING, PAIRING, TEAM_CHARGE, VIEW, anchor_orgs_q, production_enterprises_q, scope
from dangjian.choices import PARTY_MEMBER_STATUSES
from dangjian.development import selectors as development
from dangjian.organizations import selectors as orgs
from dangjian.organizations.models import Enterprise, Organization, OrgKind, ProductionUnit, UnitKind, display_name
from dangjian.people.models import Person
from dangjian.ui.todo import Todo

from .models import (
    PASSING,
    Course,
    Pairing,
    PairingNote,
    Partner,
    Post,
    PostKind,
    PostStatus,
    ProductionConfig,
    Result,
    Session,
    SessionAttendance,
    TeamCharge,
    Trainee,
)

if TYPE_CHECKING:
    from dangjian.access.models import User

# The organisations a production page opens on: where work is kept (a branch, an enterprise's
# committee) and the committees that read roll-ups of it.
BRANCH_KINDS = (OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.ENTERPRISE_COMMITTEE)
COMMITTEE_KINDS = (OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE, OrgKind.PARK_COMMITTEE)


# --- settings ---------------------------------------------------------------------------------------


def config_for(org: Organization) -> ProductionConfig:
    """The nearest committee's settings up the tree, or the defaults."""
    found: ProductionConfig | None = orgs.nearest_settings([org], ProductionConfig)[org.pk]
    return found if found is not None else ProductionConfig(organization=org)


def own_config(org: Organization) -> ProductionConfig | None:
    return ProductionConfig.objects.filter(organization=org).first()


# --- the tree ---------------------------------------------------------------------------------------


def _kept_q(org: Organization) -> Q:
    """Enterprises whose party organisation is `org`, below it, or above it (a branch of an
    enterprise's party committee keeps the production work of that enterprise)."""
    return Q(party_org__path__startswith=org.path) | Q(party_org_id__in=org.path_ids())


def covers_enterprise(org: Organization, enterprise_id: int) -> bool:
    """Whether `org` keeps the enterprise's production work (see _kept_q)."""
    return Enterprise.objects.filter(_kept_q(org), pk=enterprise_id).exists()


def enterprises_kept(org: Organization) -> QuerySet[Enterprise]:
    """The enterprises whose party work `org` keeps (a branch) or oversees (a committee)."""
    if org.kind in COMMITTEE_KINDS:
        return Enterprise.objects.filter(pk__in=orgs.enterprises_under(org.path))
    return Enterprise.objects.filter(_kept_q(org))


def page_orgs(user: User) -> QuerySet[Organization]:
    """The organisations whose production page the user may open (branches and committees)."""
    where = anchor_orgs_q(user, TEAM_CHARGE, VIEW)
    qs = Organization.objects.filter(kind__in=[*BRANCH_KINDS, *COMMITTEE_KINDS]).order_by("path")
    if where is None:
        return qs
    return qs.filter(where) if where != NOTHING else qs.none()


def kept_orgs(user: User) -> QuerySet[Organization]:
    """Where the user keeps production work (takes teams in charge, pairs, proposes posts)."""
    return permissions.production_orgs(user, Organization.objects.filter(kind__in=BRANCH_KINDS).order_by("path"))


def default_org(user: User) -> Organization | None:
    kept = kept_orgs(user).first()
    if kept is not None:
        return kept
    return page_orgs(user).order_by("depth", "path").first()


# --- what a user sees -------------------------------------------------------------------------------


def visible_charges(user: User, action: str = VIEW) -> QuerySet[TeamCharge]:
    return scope(user, TeamCharge.objects.select_related("team__parent", "member", "group", "organization"), action)


def visible_pairings(user: User, action: str = VIEW) -> QuerySet[Pairing]:
    return scope(user, Pairing.objects.select_related("member", "organization", "enterprise"), action)


def visible_posts(user: User, action: str = VIEW) -> QuerySet[Post]:
    return scope(user, Post.objects.select_related("holder", "unit", "enterprise", "organization"), action)


def visible_courses(user: User, action: str = VIEW) -> QuerySet[Course]:
    return scope(user, Course.objects.select_related("trainer", "enterprise", "organization"), action)


# --- coverage ---------------------------------------------------------------------------------------


def _held() -> Q:
    """An open charge whose member still is what took it: a party member of the keeping
    organisation (or below) and an employee of the team's enterprise."""
    return Q(
        member__political_status__in=PARTY_MEMBER_STATUSES,
        member__employer_id=F("enterprise_id"),
        member__party_org__path__startswith=F("organization__path"),
    )


def effective_on(day: dt.date) -> Q:
    """Charges that cover their team on `day` (an open one only while its member still holds it)."""
    return Q(started_on__lte=day) & (Q(ended_on__gte=day) | (Q(ended_on__isnull=True) & _held()))


def lapsed_charges() -> QuerySet[TeamCharge]:
    """Open charges whose member left the branch or the enterprise (the daily run closes them)."""
    held = TeamCharge.objects.filter(ended_on__isnull=True).filter(_held()).values("pk")
    return (
        TeamCharge.objects.filter(ended_on__isnull=True)
        .exclude(pk__in=held)
        .select_related("team", "member", "enterprise", "organization")
        .order_by("pk")
    )


@dataclass
class TeamRow:
    team: ProductionUnit
    charge: TeamCharge | None  # the charge covering it today
    covered_since: dt.date | None  # the start of the unbroken run of charges up to today
    lapsed: TeamCharge | None = None  # an open charge whose member left


@dataclass
class Coverage:
    rows: list[TeamRow]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def covered(self) -> int:
        return sum(1 for r in self.rows if r.charge is not None)

    @property
    def uncovered(self) -> list[TeamRow]:
        return [r for r in self.rows if r.charge is None]

    @property
    def percent(self) -> int | None:
        return round(100 * self.covered / self.total) if self.total else None


def _run_start(periods: Sequence[tuple[dt.date, dt.date | None]], today: dt.date) -> dt.date | None:
    """The first day of the unbroken stretch of periods that reaches `today` (None if none does)."""
    start: dt.date | None = None
    reach: dt.date | None = None
    # An open period (None) sorts last among those beginning the same day; and reach may be
    # date.max (an open period), so the gap is measured from `begin`, never past `reach`.
    for begin, end in sorted(periods, key=lambda p: (p[0], p[1] or dt.date.max)):
        if begin > today:
            break
        if reach is None or begin - dt.timedelta(days=1) > reach:
            start = begin
        reach = max(reach or begin, end or dt.date.max)
    return start if reach is not None and reach >= today else None


def coverage(org: Organization, today: dt.date | None = None, user: User | None = None) -> Coverage:
    """Every team of the enterprises `org` keeps — of those `user`, if given, reads
    (access.scopes.production_enterprises_q) — with who has it in charge today and since when it
    has been covered without a break (three queries however many teams)."""
    today = today or timezone.localdate()
    enterprises = enterprises_kept(org)
    where = production_enterprises_q(user) if user is not None else None
    if where is not None:
        enterprises = enterprises.filter(where)
    teams = list(
        orgs.teams_of(enterprises)
        .select_related("parent", "enterprise")
        .order_by("enterprise__name", "parent__name_key", "name_key", "name")
    )
    charges = TeamCharge.objects.filter(team__in=[t.pk for t in teams]).select_related("member", "group")
    held = set(
        TeamCharge.objects.filter(team__in=[t.pk for t in teams], ended_on__isnull=True)
        .filter(_held())
        .values_list("pk", flat=True)
    )
    by_team: dict[int, list[TeamCharge]] = defaultdict(list)
    for c in charges:
        by_team[c.team_id].append(c)
    rows = []
    for team in teams:
        own = by_team.get(team.pk, [])
        valid = [c for c in own if c.ended_on is not None or c.pk in held]
        current = next(
            (c for c in valid if c.started_on <= today and (c.ended_on is None or c.ended_on >= today)), None
        )
        since = _run_start([(c.started_on, c.ended_on) for c in valid], today) if current else None
        lapsed = next((c for c in own if c.ended_on is None and c.pk not in held), None)
        rows.append(TeamRow(team=team, charge=current, covered_since=since, lapsed=lapsed))
    return Coverage(rows)


def coverage_history(enterprise: Enterprise) -> dict[int, list[tuple[dt.date, dt.date | None]]]:
    """For each team of the enterprise, the periods it was covered (for comparing indicators
    before and after): the charges' spans, an open one ending where its member left (today)."""
    today = timezone.localdate()
    lapsed = set(lapsed_charges().filter(enterprise=enterprise).values_list("pk", flat=True))
    spans: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for c in TeamCharge.objects.filter(enterprise=enterprise).order_by("team_id", "started_on"):
        spans[c.team_id].append((c.started_on, today if c.pk in lapsed else c.ended_on))
    return dict(spans)


COVERAGE_VERSION = "team_coverage"  # versions group of the charges (apps.ready)


def coverage_starts(enterprise_ids: QuerySet[Any] | Iterable[int]) -> dict[int, dt.date]:
    """The day each team of these enterprises first came into a member's charge, in one statement:
    where a comparison of indicators before and after coverage (indicators.analysis) counts a team
    as covered from. A team never in anyone's charge is not in it."""
    rows = (
        TeamCharge.objects.filter(enterprise_id__in=enterprise_ids)
        .values("team_id")
        .annotate(first=Min("started_on"))
        .values_list("team_id", "first")
    )
    return dict(rows)


@dataclass
class RollupRow:
    label: str
    org: Organization | None
    enterprise_id: int | None  # a county's row: the enterprise, with the organisation keeping it
    party_org_id: int | None = None
    teams: int = 0
    covered: int = 0
    pairings: int = 0
    posts: int = 0
    recognised: int = 0
    trained: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.covered / self.teams) if self.teams else None


def coverage_counts(enterprise_ids: QuerySet[Any], today: dt.date) -> dict[int, tuple[int, int]]:
    """(teams, covered) per enterprise, counted by the database in one statement."""
    effective = TeamCharge.objects.filter(effective_on(today), team_id=OuterRef("pk"))
    rows = (
        ProductionUnit.objects.filter(kind=UnitKind.TEAM, enterprise_id__in=enterprise_ids)
        .values("enterprise_id")
        .annotate(n_teams=Count("pk"), n_covered=Count("pk", filter=Exists(effective)))
        .order_by()
    )
    return {r["enterprise_id"]: (r["n_teams"], r["n_covered"]) for r in rows}


def _rollup_query(org: Organization, today: dt.date) -> QuerySet[Any, Any]:
    """Per enterprise `org` oversees, by name: id, name, English name, its party organisation,
    its supervising committee's path, then teams, covered, open pairings, live posts, recognised
    posts, trainees who passed this year. One statement: each figure a correlated count through
    its enterprise index (as the enterprise list counts its people)."""
    year = (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
    teams = ProductionUnit.objects.filter(kind=UnitKind.TEAM, enterprise_id=OuterRef("pk"))
    live_posts = Post.objects.filter(enterprise_id=OuterRef("pk")).exclude(status=PostStatus.ENDED)
    effective = TeamCharge.objects.filter(effective_on(today), team_id=OuterRef("pk"))
    passed = Trainee.objects.filter(course__enterprise_id=OuterRef("pk"), result__in=PASSING, assessed_on__range=year)
    return (
        enterprises_kept(org)
        .annotate(
            n_teams=orgs.count_of(teams),
            n_covered=orgs.count_of(teams.filter(Exists(effective))),
            n_pairings=orgs.count_of(Pairing.objects.filter(enterprise_id=OuterRef("pk"), ended_on__isnull=True)),
            n_posts=orgs.count_of(live_posts),
            n_recognised=orgs.count_of(live_posts.filter(status=PostStatus.RECOGNISED)),
            n_trained=orgs.count_of(passed),
        )
        .order_by("name", "pk")
        .values_list(
            "pk",
            "name",
            "name_en",
            "party_org_id",
            "supervising_org__path",
            "n_teams",
            "n_covered",
            "n_pairings",
            "n_posts",
            "n_recognised",
            "n_trained",
        )  # fmt: skip
    )


def rollup(org: Organization, today: dt.date | None = None) -> tuple[list[RollupRow], RollupRow]:
    """A committee's figures per enterprise it oversees (a county) or per committee below it (a
    prefecture: each county), with the total: teams covered, active pairings, posts (recognised),
    trainees who passed this year. A fixed number of queries whatever the size."""
    today = today or timezone.localdate()
    per_ent: list[RollupRow] = []
    paths: dict[int, str] = {}
    # Built once per committee and day, then only run (dangjian.prepared): at county size the
    # ORM took longer to build this statement than the database to answer it.
    rows = prepared.rows(("production.rollup", org.pk, org.path, org.kind, today), lambda: _rollup_query(org, today))
    for pk, name, name_en, party_org_id, path, *n in rows:
        paths[pk] = path
        per_ent.append(
            RollupRow(
                label=display_name(name, name_en),
                org=None,
                enterprise_id=pk,
                party_org_id=party_org_id,
                teams=n[0],
                covered=n[1],
                pairings=n[2],
                posts=n[3],
                recognised=n[4],
                trained=n[5],
            )
        )
    total = RollupRow(label=_("Total"), org=org, enterprise_id=None)
    for r in per_ent:
        _add(total, r)
    if org.kind != OrgKind.PREFECTURE_COMMITTEE:
        return per_ent, total
    # A prefecture reads its counties: each enterprise counts under the county above it.
    counties = {c.path: c for c in Organization.objects.filter(parent=org).order_by("path")}
    grouped = {path: RollupRow(label=c.display_name, org=c, enterprise_id=None) for path, c in counties.items()}
    for r in per_ent:
        assert r.enterprise_id is not None
        path = paths[r.enterprise_id]
        county = next((p for p in grouped if path.startswith(p)), None)
        if county is not None:
            _add(grouped[county], r)
    return list(grouped.values()), total


def _add(total: RollupRow, r: RollupRow) -> None:
    total.teams += r.teams
    total.covered += r.covered
    total.pairings += r.pairings
    total.posts += r.posts
    total.recognised += r.recognised
    total.trained += r.trained


def post_registry(user: User, org: Organization) -> QuerySet[Post]:
    """The posts of the enterprises a committee oversees (the county's registry)."""
    return (
        visible_posts(user)
        .filter(enterprise__in=enterprises_kept(org))
        .defer("photo", *_SEALED("holder"))
        .order_by("enterprise__name", "kind", "title")
    )


def posts_by_kind(posts: QuerySet[Post]) -> list[tuple[str, int, int]]:
    """(kind label, posts, recognised) for the registry's summary."""
    rows = {
        r["kind"]: (r["n"], r["rec"])
        for r in posts.exclude(status=PostStatus.ENDED)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"), rec=Count("pk", filter=Q(status=PostStatus.RECOGNISED)))
    }
    return [(str(label), *rows.get(kind, (0, 0))) for kind, label in PostKind.choices]


# --- pairing ----------------------------------------------------------------------------------------


def overlapping(started_on: dt.date, ended_on: dt.date | None, via: str = "") -> Q:
    """Rows (through the relation `via`, e.g. "pairing__") whose period shares a day with
    `started_on`–`ended_on` (None: open-ended)."""
    return Q(**{f"{via}started_on__lte": ended_on or dt.date.max}) & (
        Q(**{f"{via}ended_on__isnull": True}) | Q(**{f"{via}ended_on__gte": started_on})
    )


def busy_partners(
    person_ids: Sequence[int], purposes: Sequence[str], started_on: dt.date, ended_on: dt.date | None
) -> list[tuple[int, str, str]]:
    """(person id, member's name, purpose) for each of these people already in another pairing
    for one of `purposes` over the same days."""
    clashes = (
        Partner.objects.filter(overlapping(started_on, ended_on, "pairing__"), person_id__in=person_ids)
        .select_related("pairing__member")
        .order_by("person_id", "pairing_id")
    )
    found = []
    for p in clashes:
        for purpose in p.pairing.purposes:
            if purpose in purposes:
                found.append((p.person_id, p.pairing.member.name, purpose))
    return found


def partners_of(member: Person, started_on: dt.date, ended_on: dt.date | None) -> int:
    """How many employees the member is already paired with over any of these days."""
    return (
        Partner.objects.filter(overlapping(started_on, ended_on, "pairing__"), pairing__member=member)
        .values("person_id")
        .distinct()
        .count()
    )


def _SEALED(relation: str) -> list[str]:  # noqa: N802 (reads as the constant it stands for)
    """A related person's sealed fields, which a list never shows: deferred, not decrypted per row."""
    return [f"{relation}__{name}" for name in Person.SENSITIVE_FIELDS]


def with_partners(pairings: QuerySet[Pairing]) -> QuerySet[Pairing]:
    """Each pairing with its employees and its latest note's date (`last_note_on`)."""
    return pairings.prefetch_related(
        Prefetch(
            "partners",
            queryset=Partner.objects.select_related("person").defer(*_SEALED("person")).order_by("person__name"),
        )
    ).annotate(last_note_on=Max("notes__written_on"))


def last_note_on(pairing: Pairing) -> dt.date | None:
    """The date of a pairing's latest note, as `with_partners` annotates it."""
    day: dt.date | None = getattr(pairing, "last_note_on", None)
    return day


def notes_of(pairing: Pairing) -> QuerySet[PairingNote]:
    return pairing.notes.select_related("author")


def quiet_pairings(pairings: QuerySet[Pairing], today: dt.date, days: int) -> QuerySet[Pairing]:
    """Open pairings older than `days` with no note in the last `days` days."""
    since = today - dt.timedelta(days=days)
    recent = PairingNote.objects.filter(pairing_id=OuterRef("pk"), written_on__gt=since)
    return pairings.filter(ended_on__isnull=True, started_on__lte=since).exclude(Exists(recent))


@dataclass
class Outcomes:
    """双培养, read from the records: paired employees who later applied to join, became
    activists, development targets or members; paired members who later passed an assessment."""

    applied: list[Person] = field(default_factory=list)
    activists: list[Person] = field(default_factory=list)
    targets: list[Person] = field(default_factory=list)
    admitted: list[Person] = field(default_factory=list)
    skilled_members: list[Person] = field(default_factory=list)


def outcomes(pairings: QuerySet[Pairing]) -> Outcomes:
    """The outcomes of these pairings (three queries)."""
    started: dict[int, dt.date] = {}
    for person_id, start in Partner.objects.filter(pairing__in=pairings).values_list(
        "person_id", "pairing__started_on"
    ):
        started[person_id] = min(start, started.get(person_id, start))
    members: dict[int, dt.date] = {}
    for person_id, start in pairings.values_list("member_id", "started_on"):
        members[person_id] = min(start, members.get(person_id, start))
    result = Outcomes()
    steps = development.stages_reached(started)
    people = {p.pk: p for p in Person.objects.filter(pk__in=[*steps, *members]).order_by("name")}
    for person_id, reached in steps.items():
        since = started[person_id]
        for stage, day in reached.items():
            if day is not None and day >= since:
                getattr(
                    result,
                    {"applicant": "applied", "activist": "activists", "target": "targets", "admitted": "admitted"}[
                        stage
                    ],
                ).append(people[person_id])
    passed = Trainee.objects.filter(person_id__in=list(members), result__in=PASSING).values_list(
        "person_id", "assessed_on"
    )
    skilled = {pid for pid, day in passed if day is not None and day >= members[pid]}
    result.skilled_members = [people[pid] for pid in sorted(skilled, key=lambda i: people[i].name)]
    return result


# --- training ---------------------------------------------------------------------------------------


def with_counts(courses: QuerySet[Course]) -> QuerySet[Course]:
    return courses.annotate(
        n_trainees=Count("trainees", distinct=True),
        n_passed=Count("trainees", filter=Q(trainees__result__in=PASSING), distinct=True),
    )


def trainees_of(course: Course) -> QuerySet[Trainee]:
    return course.trainees.select_related("person").order_by("person__name", "pk")


def sessions_of(course: Course) -> list[Any]:
    sessions = list(course.sessions.annotate(n_present=Count("attendances", filter=Q(attendances__present=True))))
    return sessions


def attendance_sheet(session: Session) -> QuerySet[SessionAttendance]:
    return session.attendances.select_related("trainee__person").order_by("trainee__person__name")


def training_of(person: Person) -> QuerySet[Trainee]:
    """A trainee's own record: each course and its assessment."""
    return Trainee.objects.filter(person=person).select_related("course__trainer").order_by("-course__starts_on")


def trained_by(person: Person) -> dict[str, int]:
    """A trainer's record: the employees trained on their courses and how many passed."""
    figures = Trainee.objects.filter(course__trainer=person).aggregate(
        trainees=Count("pk"), passed=Count("pk", filter=Q(result__in=PASSING))
    )
    return {k: int(v or 0) for k, v in figures.items()}


# --- the branch page --------------------------------------------------------------------------------


@dataclass
class BranchView:
    org: Organization
    coverage: Coverage
    pairings: list[Pairing]
    quiet: set[int]
    posts: list[Post]
    courses: list[Course]
    outcomes: Outcomes | None
    may_see_pairings: bool


def branch_view(user: User, org: Organization, today: dt.date | None = None) -> BranchView:
    """What the page "in production" shows for a branch: a fixed number of queries whatever the
    number of teams, pairings, posts and courses (pinned by a test)."""
    today = today or timezone.localdate()
    under = Q(organization__path__startswith=org.path)
    may_pair = permissions.may_see_production(user, PAIRING)
    pairings = (
        list(
            with_partners(
                visible_pairings(user).filter(under, ended_on__isnull=True).defer(*_SEALED("member"))
            ).order_by("member__name", "pk")
        )
        if may_pair
        else []
    )
    days = config_for(org).quiet_days
    since = today - dt.timedelta(days=days)
    quiet = {p.pk for p in pairings if p.started_on <= since and (last_note_on(p) or since) <= since}
    posts = list(
        visible_posts(user)
        .filter(under)
        .exclude(status=PostStatus.ENDED)
        .defer("photo", *_SEALED("holder"))
        .order_by("unit__name", "title")
    )
    courses = list(
        with_counts(
            visible_courses(user).filter(under, ends_on__year__gte=today.year - 1).defer(*_SEALED("trainer"))
        ).order_by("-starts_on")
    )
    pairing_qs = visible_pairings(user).filter(under)
    return BranchView(
        org=org,
        coverage=coverage(org, today, user),
        pairings=pairings,
        quiet=quiet,
        posts=posts,
        courses=courses,
        outcomes=outcomes(pairing_qs) if may_pair else None,
        may_see_pairings=may_pair,
    )


@dataclass
class Mine:
    """A person's own records: teams in their charge, pairings, posts held, courses led and taken."""

    charges: list[TeamCharge]
    pairings: list[Pairing]
    posts: list[Post]
    led: list[Course]
    taken: list[Trainee]

    @property
    def any(self) -> bool:
        return bool(self.charges or self.pairings or self.posts or self.led or self.taken)


def mine(person: Person | None) -> Mine:
    if person is None:
        return Mine([], [], [], [], [])
    return Mine(
        charges=list(TeamCharge.objects.filter(member=person, ended_on__isnull=True).select_related("team")),
        pairings=list(
            with_partners(
                Pairing.objects.filter(
                    Q(member=person) | Q(pk__in=Partner.objects.filter(person=person).values("pairing_id"))
                )
                .filter(ended_on__isnull=True)
                .select_related("member")
            )
        ),
        posts=list(Post.objects.filter(holder=person).exclude(status=PostStatus.ENDED)),
        led=list(with_counts(Course.objects.filter(trainer=person)).order_by("-starts_on")),
        taken=list(training_of(person)),
    )


# --- the to-do list ---------------------------------------------------------------------------------


def todo(user: User, today: dt.date | None = None) -> list[Todo]:
    """For a branch's own officers: uncovered teams, pairings gone quiet; for the department of
    a committee: posts awaiting recognition; for a member of a quiet pairing: write a note."""
    today = today or timezone.localdate()
    items: list[Todo] = []
    page = reverse("production:page")
    own = permissions.own_production_org_paths(user)
    for org in Organization.objects.filter(path__in=own, kind__in=BRANCH_KINDS).order_by("path")[:10]:
        cov = coverage_counts(enterprises_kept(org).values("pk"), today)
        uncovered = sum(t - c for t, c in cov.values())
        if uncovered:
            items.append(
                Todo(
                    kind="production",
                    title=ngettext(
                        "%(n)d production team has no member in charge",
                        "%(n)d production teams have no member in charge",
                        uncovered,
                    )
                    % {"n": uncovered},
                    url=f"{page}?org={org.pk}#coverage",
                    overdue=True,
                    detail=org.display_name,
                )
            )
        days = config_for(org).quiet_days
        n_quiet = quiet_pairings(Pairing.objects.filter(organization__path__startswith=org.path), today, days).count()
        if n_quiet:
            items.append(
                Todo(
                    kind="production",
                    title=ngettext(
                        "%(n)d pairing has had no note for %(days)d days",
                        "%(n)d pairings have had no note for %(days)d days",
                        n_quiet,
                    )
                    % {"n": n_quiet, "days": days},
                    url=f"{page}?org={org.pk}#pairings",
                    detail=org.display_name,
                )
            )
    for path in permissions.recognising_org_paths(user)[:10]:
        waiting = (
            Post.objects.filter(status=PostStatus.PROPOSED, organization__path__startswith=path)
            .exclude(organization__path=path)
            .count()
        )
        if waiting:
            committee = Organization.objects.filter(path=path).first()
            if committee is None:
                continue
            items.append(
                Todo(
                    kind="production",
                    title=ngettext("%(n)d post awaits recognition", "%(n)d posts await recognition", waiting)
                    % {"n": waiting},
                    url=reverse("production:posts") + f"?org={committee.pk}&status={PostStatus.PROPOSED}",
                    detail=committee.display_name,
                )
            )
    person = getattr(user, "person", None)
    if person is not None:
        # The days are the person's organisation's setting (a worker's: their employer's branch's).
        home = person.party_org or (person.employer.party_org if person.employer is not None else None)
        days = config_for(home).quiet_days if home is not None else ProductionConfig().quiet_days
        mine_quiet = quiet_pairings(
            Pairing.objects.filter(
                Q(member=person) | Q(pk__in=Partner.objects.filter(person=person).values("pairing_id"))
            ),
            today,
            days,
        ).select_related("member")[:5]
        for p in mine_quiet:
            items.append(
                Todo(
                    kind="production",
                    title=_("Write a note on your pairing with %(name)s") % {"name": p.member.name}
                    if p.member_id != person.pk
                    else _("Write a note on how your pairing goes"),
                    url=reverse("production:pairing", args=[p.pk]),
                )
            )
    return items


# --- the public page of a post ----------------------------------------------------------------------


def public_post(key: str) -> Post | None:
    """The post behind a sign's QR code, while it is recognised or proposed (not suspended or ended)."""
    return (
        Post.objects.filter(public_key=key, status__in=[PostStatus.PROPOSED, PostStatus.RECOGNISED])
        .select_related("holder", "unit", "enterprise")
        .first()
    )


def result_counts(trainees: QuerySet[Trainee]) -> dict[str, int]:
    rows = dict(trainees.order_by().values_list("result").annotate(n=Count("pk")))
    return {r: int(rows.get(r, 0)) for r in Result.values}


def rating_figures(org: Organization, day: dt.date) -> dict[str, int]:
    """What a branch rating counts of the branch's production work as of `day`: the posts it
    keeps that stood recognised that day, and the workers its members trained who passed in
    `day`'s year up to that day (two queries)."""
    year_start = dt.date(day.year, 1, 1)
    posts = (
        Post.objects.filter(organization__path__startswith=org.path, recognised_on__lte=day, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .exclude(status=PostStatus.PROPOSED)
        .count()
    )
    trained = Trainee.objects.filter(
        course__organization__path__startswith=org.path,
        result__in=PASSING,
        assessed_on__range=(year_start, day),
    ).count()
    return {"posts": posts, "trained": trained}
