"""Reads for membership development: scoped candidacies, the branch board, the county pipeline,
a candidacy's timeline and the ledger (发展党员台账).

What is due comes from `development.rules.due` — the rule implementation behind
`services.due_for` — fed with steps prefetched once and the local settings read once for all the
organisations on a page, so a board of 300 candidacies costs the same queries as one of 3.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.access import permissions
from dangjian.access.models import User
from dangjian.access.scopes import CANDIDACY, VIEW, home_org, scope
from dangjian.choices import PARTY_MEMBER_STATUSES
from dangjian.organizations.models import PARTY_UNIT_KINDS, Organization, OrgKind
from dangjian.organizations.selectors import orgs_of_kinds, orgs_with_pks, visible_orgs
from dangjian.people.models import Person
from dangjian.people.selectors import people_with_pks, visible_people

from . import rules, services
from .models import LIVE_STAGES, OPEN_STAGES, Candidacy, Stage, Step, StepDocument

BOARD_STAGES = LIVE_STAGES
# The board's columns: an admitted candidate is a probationary member until conversion.
STAGE_LABELS = {
    Stage.APPLICANT: Stage.APPLICANT.label,
    Stage.ACTIVIST: Stage.ACTIVIST.label,
    Stage.TARGET: Stage.TARGET.label,
    Stage.ADMITTED: gettext_lazy("Probationary members"),
}
# Local settings are kept by committees: counties, parks and townships, and enterprise committees.
LOCAL_PRACTICE_KINDS = {
    OrgKind.PREFECTURE_COMMITTEE,
    OrgKind.COUNTY_COMMITTEE,
    OrgKind.PARK_COMMITTEE,
    OrgKind.ENTERPRISE_COMMITTEE,
}
RECOMMENDED_BY = {
    "members": gettext_lazy("Party members"),
    "league": gettext_lazy("Communist Youth League (推优)"),
    "union": gettext_lazy("Trade union (推优)"),
}
DECISIONS = {
    rules.ON_TIME: gettext_lazy("Convert on time"),
    rules.EXTEND: gettext_lazy("Extend the probation"),
    rules.CANCEL: gettext_lazy("Cancel the probation"),
}


# --- who may see what -----------------------------------------------------------------------


def visible_candidacies(user: User, action: str = VIEW) -> QuerySet[Candidacy]:
    return scope(user, Candidacy.objects.select_related("person", "person__employer", "organization"), action).order_by(
        "-applied_on", "-pk"
    )


def board_orgs(user: User) -> QuerySet[Organization]:
    """The party organisations whose board the user may open (party groups hold no candidacies)."""
    return visible_orgs(user, VIEW).exclude(kind=OrgKind.PARTY_GROUP).order_by("path")


def default_org(user: User) -> Organization | None:
    """The user's own organisation: the one their development role is anchored on."""
    org: Organization | None = home_org(user, CANDIDACY, board_orgs(user))
    return org


def party_units() -> QuerySet[Organization]:
    """The organisations an application can be recorded in: branches and committees."""
    return orgs_of_kinds(PARTY_UNIT_KINDS).order_by("path")


def application_orgs(user: User) -> QuerySet[Organization]:
    """Where the user may record applications: branches and committees they keep candidacies in."""
    return permissions.application_units(user, party_units())


def applicable_people(user: User) -> QuerySet[Person]:
    """People a secretary may record an application for: employees of an enterprise covered by a
    party organisation, in the user's scope, not members, with no application in progress."""
    return (
        visible_people(user)
        .filter(employer__party_org__isnull=False)
        .exclude(political_status__in=PARTY_MEMBER_STATUSES)
        .exclude(candidacies__stage__in=OPEN_STAGES)
        .order_by("name", "pk")
    )


# --- local settings, read once per page -------------------------------------------------------


def with_due(candidacies: Sequence[Candidacy], today: dt.date) -> list[Candidacy]:
    """Set `.due` (what may be recorded next, by deadline) and `.overdue` on each candidacy, whose
    steps must be prefetched."""
    configs = services.configs_for(c.organization for c in candidacies)
    for c in candidacies:
        c.due = services.due_for(c, today, steps=list(c.steps.all()), config=configs[c.organization_id])
        c.overdue = sum(1 for d in c.due if d.overdue)
    return list(candidacies)


def stage_since(c: Candidacy) -> dt.date | None:
    since: dict[str, dt.date | None] = {
        Stage.APPLICANT: c.applied_on,
        Stage.ACTIVIST: c.activist_on,
        Stage.TARGET: c.target_on,
        Stage.ADMITTED: c.admitted_on,
    }
    return since.get(c.stage, c.closed_on)


# --- the branch board -------------------------------------------------------------------------


@dataclass
class Column:
    stage: str
    label: Any
    cards: list[Candidacy] = field(default_factory=list)


@dataclass
class Board:
    org: Organization
    columns: list[Column]
    this_month: int
    first_month: int | None  # None: the founding date is not known
    first_month_ends: dt.date | None
    overdue: int

    @property
    def total(self) -> int:
        return sum(len(c.cards) for c in self.columns)


def under(org: Organization) -> Q:
    return Q(organization__path__startswith=org.path)


def open_stages_under(org: Organization) -> list[tuple[str, str, int]]:
    """(organisation path, stage, candidacies) of the open candidacies on the board's stages
    under `org`: the committees' roll-ups (guidance.rollups). One grouped count."""
    rows = (
        Candidacy.objects.filter(under(org), stage__in=BOARD_STAGES)
        .order_by()
        .values_list("organization__path", "stage")
        .annotate(n=Count("pk"))
    )
    return [(p, s, int(n)) for p, s, n in rows]


def board(user: User, org: Organization, today: dt.date | None = None) -> Board:
    today = today or timezone.localdate()
    mine = scope(user, Candidacy.objects.filter(under(org)), VIEW)
    cards = with_due(
        list(
            mine.filter(stage__in=BOARD_STAGES)
            .select_related("person", "organization")
            .prefetch_related(Prefetch("steps", queryset=Step.objects.order_by("done_on", "number", "pk")))
            .order_by("applied_on", "pk")
        ),
        today,
    )
    columns = [Column(s.value, STAGE_LABELS[s]) for s in BOARD_STAGES]
    by_stage = {c.stage: c for c in columns}
    for c in cards:
        c.since = stage_since(c)
        by_stage[c.stage].cards.append(c)
    month_start = today.replace(day=1)
    figures: dict[str, Any] = {"this_month": Count("pk", filter=Q(applied_on__gte=month_start, applied_on__lte=today))}
    first_month_ends = None
    if org.founded_on:
        # "7 applications in the first month": from the founding day to the same day a month on.
        first_month_ends = rules.add_months(org.founded_on, 1)
        figures["first_month"] = Count("pk", filter=Q(applied_on__gte=org.founded_on, applied_on__lt=first_month_ends))
    counted = mine.aggregate(**figures)
    return Board(
        org=org,
        columns=columns,
        this_month=counted["this_month"],
        first_month=counted.get("first_month"),
        first_month_ends=first_month_ends,
        overdue=sum(c.overdue for c in cards),
    )


# --- the county pipeline ----------------------------------------------------------------------


@dataclass
class PipelineRow:
    org: Organization
    stages: Counter[str] = field(default_factory=Counter)
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.stages.values())

    def counts(self) -> list[int]:
        return [self.stages.get(s.value, 0) for s in BOARD_STAGES]


def pipeline(user: User, root: Organization, today: dt.date | None = None) -> list[PipelineRow]:
    """Every branch (and general branch, joint branch, enterprise committee) under `root` that
    the user may see, with its candidacies per stage and its overdue items; overdue first."""
    today = today or timezone.localdate()
    orgs = visible_orgs(user, VIEW).filter(path__startswith=root.path, kind__in=PARTY_UNIT_KINDS).order_by("path")
    rows = {o.pk: PipelineRow(o) for o in orgs}
    open_ = with_due(
        list(
            scope(user, Candidacy.objects.filter(under(root), stage__in=BOARD_STAGES), VIEW)
            .select_related("organization", "person")
            .prefetch_related("steps")
        ),
        today,
    )
    for c in open_:
        row = rows.get(c.organization_id)
        if row is None:  # a candidacy the user sees through its person, in a branch they do not
            continue
        row.stages[c.stage] += 1
        row.overdue += c.overdue
    return sorted(rows.values(), key=lambda r: (-r.overdue, -r.total, r.org.path))


# --- one candidacy --------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    step: Step
    label: Any
    details: list[tuple[Any, str]]
    documents: list[Any]


def _names(ids: Iterable[int]) -> dict[int, str]:
    ids = {int(i) for i in ids}
    return dict(people_with_pks(ids).values_list("pk", "name")) if ids else {}


def _people(ids: Iterable[Any] | None, names: dict[int, str]) -> str:
    return "、".join(names.get(int(i), "?") for i in ids or [])


def _number(value: Any) -> str:
    return f"{float(value):g}"


def step_details(step: Step, names: dict[int, str], see_review: bool = True) -> list[tuple[Any, str]]:
    """The step's recorded details, labelled for a reader (the conclusion is not among them; the
    political review's note only for those who may see its conclusion)."""
    d = step.data or {}
    out: list[tuple[Any, str]] = []
    if d.get("recommended_by"):
        out.append((_("Recommended by"), str(RECOMMENDED_BY.get(d["recommended_by"], d["recommended_by"]))))
    if d.get("contacts"):
        out.append((_("Cultivation contacts"), _people(d["contacts"], names)))
    if d.get("sponsors"):
        out.append((_("Sponsors"), _people(d["sponsors"], names)))
    if d.get("days") or d.get("hours"):
        parts = []
        if d.get("days"):
            parts.append(_("%(n)s days") % {"n": _number(d["days"])})
        if d.get("hours"):
            parts.append(_("%(n)s class hours") % {"n": _number(d["hours"])})
        out.append((_("Training"), " · ".join(parts)))
    if d.get("notice_from") or d.get("notice_to"):
        out.append((_("Public notice"), f"{d.get('notice_from', '')} – {d.get('notice_to', '')}"))
    if "entitled" in d:
        out.append(
            (
                _("Tally"),
                _("entitled %(entitled)s · present %(present)s · yes %(yes)s · written yes %(written)s")
                % {
                    "entitled": d.get("entitled"),
                    "present": d.get("present"),
                    "yes": d.get("yes"),
                    "written": d.get("written_yes") or 0,
                },
            )
        )
        if d.get("fewer_reason"):
            out.append((_("Fewer entitled than full members, because"), str(d["fewer_reason"])))
    if d.get("decision"):
        text = str(DECISIONS.get(d["decision"], d["decision"]))
        if d["decision"] == rules.EXTEND and d.get("months"):
            text += " · " + _("%(n)s months") % {"n": d["months"]}
        out.append((_("Decision"), text))
    if step.note and (see_review or step.number != 10):
        out.append((_("Note"), step.note))
    return out


def people_named(steps: Iterable[Step]) -> dict[int, str]:
    ids: list[int] = []
    for s in steps:
        for key in ("contacts", "sponsors"):
            ids += [int(i) for i in (s.data or {}).get(key) or []]
    return _names(ids)


def timeline(steps: Sequence[Step], *, see_review: bool) -> list[TimelineEntry]:
    """The steps in order with their details and documents. Without `see_review` (the right to
    see the political review's conclusion, access.permissions.may_see_conclusion) step 10 shows neither
    its note nor its documents."""
    names = people_named(steps)
    return [
        TimelineEntry(
            s,
            rules.STEPS[s.number].label,
            step_details(s, names, see_review),
            list(s.documents.all()) if see_review or s.number != 10 else [],
        )
        for s in sorted(steps, key=lambda s: (s.done_on, s.number, s.pk))
    ]


def steps_of(candidacy: Candidacy) -> list[Step]:
    documents = Prefetch("documents", queryset=StepDocument.objects.defer("sealed_file").order_by("pk"))
    return list(candidacy.steps.prefetch_related(documents).order_by("done_on", "number", "pk"))


def full_members(org: Organization) -> QuerySet[Person]:
    """Who may sponsor or cultivate: the branch's full members (services decides who they are)."""
    return people_with_pks(services.full_members_of(org)).order_by("name", "pk")


def document_candidacy(user: User, document_pk: int) -> Candidacy | None:
    return visible_candidacies(user).filter(steps__documents__pk=document_pk).first()


# --- the ledger (发展党员台账) -------------------------------------------------------------------


def ledger(user: User, org: Organization | None = None) -> QuerySet[Candidacy]:
    qs = scope(user, Candidacy.objects.all(), VIEW)
    if org is not None:
        qs = qs.filter(under(org))
    return qs


def ledger_rows(qs: QuerySet[Candidacy]) -> Iterable[list[Any]]:
    """One row per candidacy, in the columns of `LEDGER_COLUMNS` (ledger)."""
    candidacies = list(
        qs.select_related("person", "person__employer", "organization")
        .prefetch_related("steps")
        .order_by("organization__path", "applied_on", "pk")
    )
    names = people_named(s for c in candidacies for s in c.steps.all())
    for c in candidacies:
        steps: dict[int, Step] = {}
        for s in sorted(c.steps.all(), key=lambda s: (s.done_on, s.pk)):
            steps[s.number] = s  # the latest of a repeated step
        p = c.person

        def on(n: int, steps: dict[int, Step] = steps) -> dt.date | None:
            return steps[n].done_on if n in steps else None

        def data(n: int, steps: dict[int, Step] = steps) -> dict[str, Any]:
            return steps[n].data or {} if n in steps else {}

        training = data(11)
        training_text = " · ".join(
            t
            for t in (
                _("%(n)s days") % {"n": _number(training["days"])} if training.get("days") else "",
                _("%(n)s class hours") % {"n": _number(training["hours"])} if training.get("hours") else "",
            )
            if t
        )
        notice = data(13)
        decision: str = data(24).get("decision") or ""
        decision_text = str(DECISIONS.get(decision, decision))
        if decision == rules.EXTEND and data(24).get("months"):
            decision_text += " · " + _("%(n)s months") % {"n": data(24)["months"]}
        yield [
            p.name,
            p.get_gender_display(),
            p.get_ethnicity_display(),
            p.birth_date,
            p.get_education_display(),
            p.employer.display_name if p.employer is not None else "",
            p.post,
            c.organization.display_name,
            c.applied_on,
            on(2),
            c.activist_on or on(3),
            _people(data(5).get("contacts"), names),
            c.target_on or on(7),
            _people(data(9).get("sponsors"), names),
            on(10),
            training_text,
            f"{notice.get('notice_from', '')} – {notice.get('notice_to', '')}" if notice else "",
            c.admitted_on or on(15),
            on(17),
            on(20),
            c.probation_ends_on,
            on(24),
            decision_text,
            c.get_stage_display(),
            c.get_outcome_display(),
        ]


# --- the daily reminders ----------------------------------------------------------------------

# Candidacies with deadlines still ahead: closed ones have none (step 25 has no deadline).
REMINDED_STAGES = LIVE_STAGES


def own_open_candidacy(person: Person | None) -> Candidacy | None:
    """The person's application in progress, for their menu's "My application"."""
    if person is None:
        return None
    return Candidacy.objects.filter(person=person, stage__in=LIVE_STAGES).order_by("-applied_on", "-pk").first()


def open_candidacies() -> QuerySet[Candidacy]:
    return (
        Candidacy.objects.filter(stage__in=REMINDED_STAGES)
        .select_related("person", "person__user", "organization")
        .prefetch_related("steps")
        .order_by("pk")
    )


def organizations_of_list(candidacies: Sequence[Candidacy]) -> QuerySet[Organization]:
    """The organisations of candidacies already loaded."""
    return Organization.objects.filter(pk__in={c.organization_id for c in candidacies})


def organizations_of(candidacies: QuerySet[Candidacy]) -> QuerySet[Organization]:
    """The organisations the candidacies belong to, in one query."""
    return orgs_with_pks(candidacies.order_by().values("organization_id"))


# --- for the API (added for issue 13) ---------------------------------------------------------


def candidacies_with_person() -> QuerySet[Candidacy]:
    """Every candidacy with its person and organisation (to be scoped by the caller)."""
    return Candidacy.objects.select_related("person", "organization")


# --- Applicants of an organisation (added by the demo, issue 13) ---------------------------------


def applicants_of(org: Organization, *, applied_before: dt.date) -> list[Person]:
    """The people whose application to `org` was received before the date and who are still
    applicants, by date of application."""
    candidacies = (
        Candidacy.objects.filter(organization=org, stage=Stage.APPLICANT, applied_on__lt=applied_before)
        .select_related("person")
        .order_by("applied_on", "person_id")
    )
    return [c.person for c in candidacies]


# --- for production's 双培养 outcomes (issue 16) ---------------------------------------------------


def stages_reached(person_ids: Iterable[int]) -> dict[int, dict[str, dt.date | None]]:
    """For each of these people with a candidacy, the day of each stage they reached (their
    latest candidacy): "applicant" (application received), "activist", "target", "admitted"."""
    reached: dict[int, dict[str, dt.date | None]] = {}
    rows = Candidacy.objects.filter(person_id__in=list(person_ids)).order_by("person_id", "applied_on")
    for person_id, applied, activist, target, admitted in rows.values_list(
        "person_id", "applied_on", "activist_on", "target_on", "admitted_on"
    ):
        days = {"applicant": applied, "activist": activist, "target": target, "admitted": admitted}
        reached[person_id] = {stage: day for stage, day in days.items() if day is not None}
    return reached


MILESTONES = ("applied_on", "activist_on", "target_on", "admitted_on")


def milestones(org: Organization, start: dt.date, end: dt.date) -> dict[str, int]:
    """The development milestones reached in the organisation's subtree between two days, by
    kind: applications received, activists and development targets designated, members admitted
    (one query; what a branch rating counts as development progress)."""
    qs = Candidacy.objects.filter(under(org))
    found = qs.aggregate(**{m: Count("pk", filter=Q(**{f"{m}__range": (start, end)})) for m in MILESTONES})
    return {m: int(found[m] or 0) for m in MILESTONES}
