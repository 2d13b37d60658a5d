"""Writes of county guidance: an instructor's declaration of no business tie, their visits with
photos, the problems found as follow-up items put in someone's hands, their closing, a
committee's settings, the county's yearly appraisal of each instructor and the enterprise's
opinion of them.

Every function is keyword-only, runs in one audited transaction (audit.write_transaction) and
explains a refusal with a ValidationError in the user's language, naming what to change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.access import permissions
from dangjian.access.models import Role, RoleAssignment
from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.calendar import PeriodKind
from dangjian.files import Upload, store_sealed
from dangjian.notifications import services as notifications
from dangjian.notifications.models import Kind
from dangjian.organizations.models import Enterprise, Organization, OrgKind
from dangjian.text import refuse_nul

from . import rules, selectors
from .models import (
    Appraisal,
    Declaration,
    FollowUp,
    Grade,
    GuidanceConfig,
    Opinion,
    OpinionRole,
    Rating,
    Visit,
    VisitPhoto,
)

if TYPE_CHECKING:
    from dangjian.access.models import User

PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
MAX_PHOTOS = 6
MAX_TOPICS = 30
MAX_COMMENT = 1000
_UNCHANGED: Any = object()  # a keyword left out: the stored value stays

DECLARATION = gettext_lazy(
    "I declare that I have no business tie to %(enterprise)s: I hold no shares in it, am not employed"
    " or paid by it, have no contract with it, and no relative of mine is among its managers."
)


def _field(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _acting(actor: User | None, person: User | None) -> User:
    """Who does the thing: the person named (a command writing for them, as the demo does) or the actor."""
    found = person or actor
    if found is None:
        raise ValidationError(_("Say who does this: a visit, a problem or a closing has a person behind it."))
    return found


# --- the declaration ------------------------------------------------------------------------------


@audit.write_transaction
def declare(*, actor: User | None, assignment: RoleAssignment, declared_on: dt.date | None = None) -> Declaration:
    """The instructor's declaration for this assignment, once: it is the first thing they do."""
    if assignment.role != Role.INSTRUCTOR or assignment.enterprise is None:
        raise ValidationError(_("Only an instructor's assignment to an enterprise is declared."))
    if Declaration.objects.filter(assignment=assignment).exists():
        raise ValidationError(_("This assignment is declared already: a declaration is made once."))
    declaration = Declaration.objects.create(
        assignment=assignment,
        declared_on=declared_on or timezone.localdate(),
        statement=str(DECLARATION) % {"enterprise": assignment.enterprise.display_name},
    )
    audit.record_create(actor, declaration)
    return declaration


# --- visits -----------------------------------------------------------------------------------------


def _refuse_visit(
    assignment: RoleAssignment, allowed: Sequence[str], data: dict[str, Any], today: dt.date
) -> dict[str, Any]:
    """The visit's fields checked and cleaned, or a refusal naming the field and the fix. The
    topics come from `allowed`: the county's list (and, on a correction, those the visit had)."""
    refuse_nul(**{k: v for k, v in data.items() if isinstance(v, str)})
    visited_on: dt.date = data["visited_on"]
    if visited_on > today:
        raise _field(
            "visited_on",
            _("The visit is dated %(day)s, in the future: record a visit on or after the day it took place.")
            % {"day": visited_on.isoformat()},
        )
    if visited_on < assignment.started_on:
        raise _field(
            "visited_on",
            _("The visit is dated %(day)s, before you were assigned to the enterprise on %(start)s: check the date.")
            % {"day": visited_on.isoformat(), "start": assignment.started_on.isoformat()},
        )
    minutes = data["minutes"]
    if not 0 < minutes <= rules.MAX_VISIT_MINUTES:
        raise _field(
            "minutes", _("Give the visit's duration in minutes, from 1 to %(n)d.") % {"n": rules.MAX_VISIT_MINUTES}
        )
    met = data["met"].strip()
    if not met:
        raise _field("met", _("Say whom you met (names or roles)."))
    topics = list(dict.fromkeys(data.get("topics") or []))
    unknown = [t for t in topics if t not in allowed]
    if unknown:
        raise _field(
            "topics",
            _(
                "“%(topic)s” is not on the county's list of topics: choose from the list, or write it under other topics."
            )
            % {"topic": unknown[0]},
        )
    other = data.get("other_topics", "").strip()
    if not topics and not other:
        raise _field("topics", _("Choose at least one topic, or write one under other topics."))
    return {
        "visited_on": visited_on,
        "minutes": minutes,
        "met": met,
        "topics": topics,
        "other_topics": other,
        "notes": data.get("notes", "").strip(),
    }


def _photos(photos: Sequence[Upload]) -> Sequence[Upload]:
    if len(photos) > MAX_PHOTOS:
        raise _field("photos", _("A visit keeps at most %(n)d photos; choose fewer.") % {"n": MAX_PHOTOS})
    for name, _data, content_type in photos:
        if content_type not in PHOTO_TYPES:
            raise _field("photos", _("“%(name)s” is not a JPEG, PNG or WebP picture.") % {"name": name})
    return photos


@audit.write_transaction
def record_visit(
    *,
    actor: User | None,
    enterprise: Enterprise,
    visited_on: dt.date,
    minutes: int,
    met: str,
    topics: Sequence[str] = (),
    other_topics: str = "",
    notes: str = "",
    photos: Sequence[Upload] = (),
    today: dt.date | None = None,
    instructor: User | None = None,
) -> Visit:
    """A visit by `instructor` (the actor, unless a command writes it for them), an instructor
    assigned to the enterprise who has made their declaration."""
    today = today or timezone.localdate()
    instructor = _acting(actor, instructor)
    assignment = selectors.assignment_of(instructor, enterprise)
    if assignment is None:
        raise ValidationError(
            _("You are not an instructor of %(enterprise)s: visits are recorded by its own instructors.")
            % {"enterprise": enterprise.display_name}
        )
    if getattr(assignment, "declaration", None) is None:
        raise ValidationError(
            _("Make your declaration of no business tie to %(enterprise)s first; then record the visit.")
            % {"enterprise": enterprise.display_name}
        )
    config = selectors.config_for(enterprise.supervising_org)
    data = _refuse_visit(
        assignment,
        config.topics,
        {
            "visited_on": visited_on,
            "minutes": minutes,
            "met": met,
            "topics": topics,
            "other_topics": other_topics,
            "notes": notes,
        },
        today,
    )
    visit = Visit.objects.create(instructor=instructor, enterprise=enterprise, **data)
    audit.record_create(actor, visit)
    store_sealed(VisitPhoto, _photos(photos), actor, visit=visit)
    return visit


VISIT_EDITABLE = ("visited_on", "minutes", "met", "topics", "other_topics", "notes")


@audit.write_transaction
def update_visit(
    *, actor: User, visit: Visit, photos: Sequence[Upload] = (), today: dt.date | None = None, **changes: Any
) -> Visit:
    """Correct a visit (its instructor), adding photos if any."""
    today = today or timezone.localdate()
    visit = Visit.objects.select_for_update().select_related("enterprise__supervising_org").get(pk=visit.pk)
    assignment = selectors.assignment_of(actor, visit.enterprise)
    if assignment is None or visit.instructor_id != actor.pk:
        raise ValidationError(_("Only the instructor who wrote a visit corrects it."))
    unknown = set(changes) - set(VISIT_EDITABLE)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    config = selectors.config_for(visit.enterprise.supervising_org)
    current = {f: getattr(visit, f) for f in VISIT_EDITABLE}
    data = _refuse_visit(assignment, [*config.topics, *visit.topics], {**current, **changes}, today)
    if visit.follow_ups.filter(due_on__lt=data["visited_on"]).exists():
        raise _field("visited_on", _("A problem found on this visit is due before that day: check the date."))
    existing = visit.photos.count()
    if existing + len(photos) > MAX_PHOTOS:
        raise _field(
            "photos", _("A visit keeps at most %(n)d photos; it has %(k)d.") % {"n": MAX_PHOTOS, "k": existing}
        )
    audit.update_model(actor=actor, instance=visit, data=data, clean=False)
    store_sealed(VisitPhoto, _photos(photos), actor, visit=visit)
    return visit


# --- follow-ups -------------------------------------------------------------------------------------

_ASSIGNED = (
    gettext_lazy("Follow up after a visit to %(enterprise)s, by %(day)s"),
    gettext_lazy("%(instructor)s found on a visit to %(enterprise)s: %(problem)s — due by %(day)s."),
)


@audit.write_transaction
def add_follow_up(
    *,
    actor: User | None,
    visit: Visit,
    problem: str,
    owner: User,
    due_on: dt.date,
    today: dt.date | None = None,
    instructor: User | None = None,
) -> FollowUp:
    """A problem found on the visit, put in the hands of the enterprise's secretary or manager,
    or of the instructor, due by a day; its owner is told."""
    today = today or timezone.localdate()
    instructor = _acting(actor, instructor)
    refuse_nul(problem=problem)
    if visit.instructor_id != instructor.pk or selectors.assignment_of(instructor, visit.enterprise) is None:
        raise ValidationError(_("Only the instructor who wrote a visit adds the problems found on it."))
    problem = problem.strip()
    if not problem:
        raise _field("problem", _("Describe the problem found."))
    role = selectors.owner_role(visit.enterprise, owner)
    if role is None:
        raise _field(
            "owner",
            _("%(name)s is not the secretary, a manager or an instructor of %(enterprise)s: choose one of them.")
            % {"name": selectors.user_name(owner), "enterprise": visit.enterprise.display_name},
        )
    if due_on < visit.visited_on:
        raise _field(
            "due_on",
            _("The due day %(day)s is before the visit (%(visit)s): give a day on or after it.")
            % {"day": due_on.isoformat(), "visit": visit.visited_on.isoformat()},
        )
    item = FollowUp.objects.create(
        visit=visit, enterprise=visit.enterprise, problem=problem, owner=owner, owner_role=role, due_on=due_on
    )
    audit.record_create(actor, item)

    def texts() -> tuple[str, str]:
        values = {
            "enterprise": visit.enterprise.display_name,
            "day": due_on.isoformat(),
            "instructor": selectors.user_name(instructor),
            "problem": problem[:200],
        }
        return str(_ASSIGNED[0]) % values, str(_ASSIGNED[1]) % values

    notifications.notify_event(
        actor=actor,
        users=[owner],
        kind=Kind.GUIDANCE,
        key=f"follow-up:{item.pk}",
        url=reverse("guidance:visit", args=[visit.pk]) + f"#f{item.pk}",
        texts=texts,
        about=item,
    )
    return item


@audit.write_transaction
def close_follow_up(
    *,
    actor: User | None,
    item: FollowUp,
    note: str,
    closed_on: dt.date | None = None,
    today: dt.date | None = None,
    by: User | None = None,
) -> FollowUp:
    """Closed by its owner or the visit's instructor (`by`: the actor, unless a command closes it
    for them), with a note of how it was resolved."""
    today = today or timezone.localdate()
    by = _acting(actor, by)
    item = FollowUp.objects.select_for_update().select_related("visit").get(pk=item.pk)
    refuse_nul(note=note)
    if item.status == FollowUp.Status.CLOSED:
        raise ValidationError(
            _("This item was closed on %(day)s already.")
            % {"day": item.closed_on.isoformat() if item.closed_on else ""}
        )
    note = note.strip()
    if not note:
        raise _field("note", _("Say how the problem was resolved: an item is closed with a note."))
    closed_on = closed_on or today
    if closed_on > today:
        raise _field("closed_on", _("The closing day %(day)s is in the future.") % {"day": closed_on.isoformat()})
    if closed_on < item.visit.visited_on:
        raise _field(
            "closed_on",
            _("The closing day %(day)s is before the visit that found the problem (%(visit)s).")
            % {"day": closed_on.isoformat(), "visit": item.visit.visited_on.isoformat()},
        )
    audit.update_model(
        actor=actor,
        instance=item,
        data={"status": FollowUp.Status.CLOSED, "closed_on": closed_on, "closing_note": note, "closed_by": by},
        clean=False,
    )
    return item


# --- settings -----------------------------------------------------------------------------------------


@audit.write_transaction
def save_config(
    *,
    actor: User | None,
    organization: Organization,
    visit_period: str,
    topics: Sequence[str],
    excellent_cap: int | None = _UNCHANGED,
) -> GuidanceConfig:
    """A committee's visit frequency, list of topics (the built-in ones by key, its own as text)
    and the share of its instructors that may be rated Excellent in a year (None: no limit; left
    out: as it was)."""
    if organization.kind not in selectors.COMMITTEE_KINDS:
        raise ValidationError(
            _("%(org)s is not a committee: the county or prefecture keeps these settings.")
            % {"org": organization.display_name}
        )
    if visit_period not in PeriodKind.values:
        raise _field("visit_period", _("Choose a month, a quarter or a year."))
    clean: list[str] = []
    for t in topics:
        refuse_nul(topics=t)
        t = t.strip()
        if t and t not in clean:
            if len(t) > 60:
                raise _field("topics", _("“%(topic)s…” is longer than 60 characters.") % {"topic": t[:20]})
            clean.append(t)
    if not clean:
        raise _field("topics", _("Keep at least one topic on the list."))
    if len(clean) > MAX_TOPICS:
        raise _field("topics", _("Keep at most %(n)d topics.") % {"n": MAX_TOPICS})
    existing = selectors.own_config(organization)
    data: dict[str, Any] = {"visit_period": visit_period, "topics": clean}
    if excellent_cap is not _UNCHANGED:
        if excellent_cap is not None and not 0 <= excellent_cap <= 100:
            raise _field("excellent_cap", _("Give the share as a whole percent from 0 to 100, or leave it empty."))
        data["excellent_cap"] = excellent_cap
    if existing is None:
        config = GuidanceConfig.objects.create(organization=organization, **data)
        audit.record_create(actor, config)
        return config
    audit.update_model(actor=actor, instance=existing, data=data, clean=False)
    return existing


# --- the yearly appraisal -------------------------------------------------------------------------

_APPRAISED = (
    gettext_lazy("Your appraisal for %(year)d: %(grade)s"),
    gettext_lazy("%(committee)s appraised your work as an instructor in %(year)d: %(grade)s."),
)


def _refuse_year(year: int, today: dt.date) -> None:
    if not rules.appraisal_year_ok(year, today):
        raise _field(
            "year",
            _("%(year)d is not a year that can be appraised: give a year from 2000 up to this one (%(now)d).")
            % {"year": year, "now": today.year},
        )


def _comment(comment: str) -> str:
    refuse_nul(comment=comment)
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise _field("comment", _("Keep the comment within %(n)d characters.") % {"n": MAX_COMMENT})
    return comment


def _refuse_cap(committee: Organization, year: int, instructor: User, grade: str) -> None:
    """An Excellent that would pass the county's cap is refused, saying the limit and how many
    have it already. The cap's settings row is locked first, so two appraisals saved at once
    are counted one after the other."""
    if grade != Grade.EXCELLENT:
        return
    config = selectors.config_for(committee)
    cap = config.excellent_cap
    if cap is None:
        return
    if config.pk is not None:
        GuidanceConfig.objects.select_for_update().filter(pk=config.pk).first()
    n = len(selectors.appraised_instructor_ids(committee, year))
    limit = rules.excellent_limit(n, cap)
    assert limit is not None  # a cap is set
    others = (
        Appraisal.objects.filter(committee=committee, year=year, grade=Grade.EXCELLENT)
        .exclude(instructor=instructor)
        .count()
    )
    if others + 1 > limit:
        raise _field(
            "grade",
            _(
                "At most %(limit)d of the %(n)d instructors appraised for %(year)d may be rated Excellent"
                " (the county's limit of %(cap)d%%, rounded down), and %(k)d already are."
                " Choose another grade, or change one of theirs first."
            )
            % {"limit": limit, "n": n, "year": year, "cap": cap, "k": others},
        )


@audit.write_transaction
def appraise(
    *,
    actor: User | None,
    committee: Organization,
    instructor: User,
    year: int,
    grade: str,
    comment: str = "",
    today: dt.date | None = None,
) -> Appraisal:
    """The county committee's appraisal of an instructor for a year, made or changed (the audit
    record keeps what it was), with the year's figures as they stand now; the instructor is told
    of a new grade. The actor is its organisation department (None: a command)."""
    today = today or timezone.localdate()
    if committee.kind != OrgKind.COUNTY_COMMITTEE:
        raise ValidationError(
            _("%(org)s is not a county committee: instructors are appraised by the county.")
            % {"org": committee.display_name}
        )
    if actor is not None and not permissions.may_appraise(actor, committee):
        raise ValidationError(_("Instructors are appraised by the county's organisation department."))
    _refuse_year(year, today)
    if grade not in Grade.values:
        raise _field("grade", _("Choose a grade: Excellent, Competent, Basically competent or Not competent."))
    comment = _comment(comment)
    current = (
        Appraisal.objects.select_for_update().filter(committee=committee, instructor=instructor, year=year).first()
    )
    if current is None and instructor.pk not in selectors.appraised_instructor_ids(committee, year):
        raise ValidationError(
            _(
                "%(name)s was not an instructor at an enterprise under %(org)s in %(year)d: there is nothing to appraise."
            )
            % {"name": selectors.user_name(instructor), "org": committee.display_name, "year": year}
        )
    _refuse_cap(committee, year, instructor, grade)
    figures = selectors.year_figures([instructor.pk], committee, year)[instructor.pk]
    data: dict[str, Any] = {
        "grade": grade,
        "comment": comment,
        "visits": figures.visits,
        "follow_ups_closed": figures.closed,
        "follow_ups_open": figures.open,
    }
    if current is None:
        appraisal = Appraisal.objects.create(
            committee=committee,
            instructor=instructor,
            year=year,
            appraised_by=actor,
            appraised_at=timezone.now(),
            **data,
        )
        audit.record_create(actor, appraisal)
    else:
        appraisal = current
        if all(getattr(current, k) == v for k, v in data.items()):
            return current  # nothing changed: nothing written
        told = current.grade
        audit.update_model(
            actor=actor,
            instance=current,
            data={**data, "appraised_by": actor, "appraised_at": timezone.now()},
            clean=False,
        )
        if told == grade:
            return appraisal
    _tell_appraised(actor, appraisal)
    return appraisal


def _tell_appraised(actor: User | None, appraisal: Appraisal) -> None:
    def texts() -> tuple[str, str]:
        values = {
            "year": appraisal.year,
            "grade": str(Grade(appraisal.grade).label),
            "committee": appraisal.committee.display_name,
        }
        return str(_APPRAISED[0]) % values, str(_APPRAISED[1]) % values

    notifications.notify_event(
        actor=actor,
        users=[appraisal.instructor],
        kind=Kind.GUIDANCE,
        key=f"appraisal:{appraisal.pk}:{appraisal.grade}",
        url=reverse("guidance:appraisal_history", args=[appraisal.instructor_id]),
        texts=texts,
        about=appraisal,
    )


# --- the enterprise's opinion of its instructor ------------------------------------------------------


@audit.write_transaction
def give_opinion(
    *,
    actor: User | None,
    enterprise: Enterprise,
    instructor: User,
    year: int,
    rating: str,
    comment: str = "",
    role: str | None = None,
    author: User | None = None,
    today: dt.date | None = None,
) -> Opinion:
    """The enterprise's opinion of its instructor for a year, given or changed by `author` (the
    actor, unless a command writes it for them) as its branch secretary or one of its managers
    (`role`; the first they hold if left out). One opinion per role: a manager's replaces the
    management's earlier one, and the audit record keeps it."""
    today = today or timezone.localdate()
    author = _acting(actor, author)
    roles = permissions.opinion_roles(author, enterprise)
    role = role or (roles[0] if roles else None)
    if role is None or role not in roles:
        raise ValidationError(
            _(
                "Only the branch secretary and the managers of %(enterprise)s give its opinion of its instructors,"
                " each in their own role."
            )
            % {"enterprise": enterprise.display_name}
        )
    _refuse_year(year, today)
    if rating not in Rating.values:
        raise _field("rating", _("Choose Satisfied, Basically satisfied or Not satisfied."))
    comment = _comment(comment)
    assignment = selectors.assignment_of(instructor, enterprise)
    if assignment is None or assignment.started_on > dt.date(year, 12, 31):
        raise ValidationError(
            _("%(name)s was not an instructor of %(enterprise)s in %(year)d.")
            % {"name": selectors.user_name(instructor), "enterprise": enterprise.display_name, "year": year}
        )
    current = (
        Opinion.objects.select_for_update()
        .filter(instructor=instructor, enterprise=enterprise, year=year, author_role=role)
        .first()
    )
    data = {"rating": rating, "comment": comment, "author": author}
    if current is None:
        opinion = Opinion.objects.create(
            instructor=instructor, enterprise=enterprise, year=year, author_role=OpinionRole(role), **data
        )
        audit.record_create(actor, opinion)
        return opinion
    audit.update_model(actor=actor, instance=current, data=data, clean=False)
    return current


def rollup_exported(*, actor: User, name: str, rows: int, org: Organization) -> None:
    """A committee's roll-up left the platform as a file (counts, no person): recorded as the
    other roll-ups' downloads are, so it shows in the committee's log."""
    audit.record(
        actor=actor,
        action=Action.EXPORT,
        object_type="guidance.rollup",
        object_id=org.pk,
        object_repr=name,
        changes={"rows": rows},
        org_path=org.path,
    )
