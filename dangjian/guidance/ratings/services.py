"""Writes of branch ratings: a committee's scheme (its criteria and weights), a yearly round, its
candidates (their counted criteria read as of the round's date and kept), the reviewers'
scores, the closing with the results, and the printing of a certificate.

Every function is keyword-only, runs in one audited transaction and explains a refusal with a
ValidationError in the user's language, naming what to change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.access.models import Role, RoleAssignment
from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.notifications import services as notifications
from dangjian.notifications.models import Kind
from dangjian.organizations.models import PARTY_UNIT_KINDS, Organization
from dangjian.text import refuse_nul

from ..models import (
    PERCENT_MEASURES,
    Candidate,
    Criterion,
    Measure,
    Method,
    RatingRound,
    RatingScheme,
    Reviewer,
    Score,
)
from . import measures, selectors

if TYPE_CHECKING:
    from dangjian.access.models import User

TOTAL_WEIGHT = 100
MAX_CRITERIA = 20


def _field(name: str, message: str) -> ValidationError:
    return ValidationError({name: [message]})


# --- schemes ----------------------------------------------------------------------------------------


def _clean_criteria(criteria: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The criteria checked, in order: a name, a whole positive weight, a way of scoring and, for a
    counted one, what it counts and its full-marks figure; the weights add up to 100."""
    rows: list[dict[str, Any]] = []
    for i, raw in enumerate(criteria, start=1):
        name = str(raw.get("name") or "").strip()
        if not name:
            continue
        refuse_nul(name=name, group=str(raw.get("group") or ""))
        try:
            weight = int(raw.get("weight") or 0)
        except (TypeError, ValueError):
            weight = 0
        if weight <= 0:
            raise _field(
                "criteria", _("Criterion %(n)d (%(name)s) needs a weight of 1 point or more.") % {"n": i, "name": name}
            )
        method = str(raw.get("method") or "")
        if method not in Method.values:
            raise _field("criteria", _("Say how criterion %(n)d (%(name)s) is scored.") % {"n": i, "name": name})
        measure = str(raw.get("measure") or "") if method == Method.COUNTED else ""
        target: int | None = None
        if method == Method.COUNTED:
            if measure not in Measure.values:
                raise _field(
                    "criteria",
                    _("Criterion %(n)d (%(name)s) is counted from the records: choose what it counts.")
                    % {"n": i, "name": name},
                )
            try:
                target = int(raw.get("target") or (100 if measure in PERCENT_MEASURES else 0))
            except (TypeError, ValueError):
                target = 0
            if target <= 0 or (measure in PERCENT_MEASURES and target > 100):
                raise _field(
                    "criteria",
                    _(
                        "Criterion %(n)d (%(name)s): give the figure that earns full marks (a percentage up to 100, or a count of 1 or more)."
                    )
                    % {"n": i, "name": name},
                )
        rows.append(
            {
                "order": len(rows) + 1,
                "group": str(raw.get("group") or "").strip()[:40],
                "name": name[:120],
                "weight": weight,
                "method": method,
                "measure": measure,
                "target": target,
            }
        )
    if not rows:
        raise _field("criteria", _("A scheme needs at least one criterion."))
    if len(rows) > MAX_CRITERIA:
        raise _field("criteria", _("A scheme has at most %(n)d criteria.") % {"n": MAX_CRITERIA})
    total = sum(r["weight"] for r in rows)
    if total != TOTAL_WEIGHT:
        raise _field(
            "criteria",
            _("The weights add up to %(sum)d points; they must add up to %(total)d. Change them by %(diff)+d.")
            % {"sum": total, "total": TOTAL_WEIGHT, "diff": TOTAL_WEIGHT - total},
        )
    return rows


@audit.write_transaction
def save_scheme(
    *,
    actor: User | None,
    organization: Organization | None,
    name: str,
    title: str,
    description: str = "",
    criteria: Sequence[Mapping[str, Any]],
    active: bool = True,
    scheme: RatingScheme | None = None,
) -> RatingScheme:
    """A committee's scheme, new or changed. A scheme a round has used keeps its criteria (the
    round's scores refer to them): copy it to change them."""
    refuse_nul(name=name, title=title, description=description)
    name, title = name.strip(), title.strip()
    if not name:
        raise _field("name", _("Give the scheme a name, e.g. “Three-good branch”."))
    if not title:
        raise _field("title", _("Say what a branch that passes is called, e.g. “Three-good branch”."))
    rows = _clean_criteria(criteria)
    data = {"name": name[:60], "title": title[:60], "description": description.strip(), "active": active}
    if scheme is None:
        scheme = RatingScheme.objects.create(organization=organization, **data)
        audit.record_create(actor, scheme)
    else:
        scheme = RatingScheme.objects.select_for_update().get(pk=scheme.pk)
        audit.update_model(actor=actor, instance=scheme, data=data, clean=False)
        current = [
            {k: getattr(c, k) for k in ("order", "group", "name", "weight", "method", "measure", "target")}
            for c in selectors.criteria_of(scheme)
        ]
        if current == rows:
            return scheme
        if scheme.rounds.exists():
            raise _field(
                "criteria",
                _("A round has used this scheme, so its criteria stay as they were: make a new scheme to change them."),
            )
        for c in selectors.criteria_of(scheme):
            audit.record_delete(actor, c, audit.snapshot(c), c.pk, scheme.audit_org_path())
            c.delete()
    for row in rows:
        audit.record_create(actor, Criterion.objects.create(scheme=scheme, **row))
    return scheme


# --- rounds ---------------------------------------------------------------------------------------


@audit.write_transaction
def open_round(
    *,
    actor: User | None,
    scheme: RatingScheme,
    organization: Organization,
    year: int,
    counted_on: dt.date,
    pass_mark: Decimal | int = 85,
    today: dt.date | None = None,
) -> RatingRound:
    """A committee's round of a scheme for a year. Its counted criteria read the records up to
    `counted_on`, which must have passed (figures are read once, when a branch is added)."""
    today = today or timezone.localdate()
    if not selectors.schemes_for(organization).filter(pk=scheme.pk).exists():
        raise _field("scheme", _("This scheme is not offered to %(org)s.") % {"org": organization.display_name})
    if counted_on > today:
        raise _field(
            "counted_on",
            _("The figures are counted as of a day that has come: choose %(today)s or earlier.")
            % {"today": today.isoformat()},
        )
    if counted_on.year != year:
        raise _field(
            "counted_on",
            _("The round rates %(year)d: count its figures as of a day in %(year)d.") % {"year": year},
        )
    try:
        mark = Decimal(pass_mark)
    except (InvalidOperation, TypeError, ValueError):
        mark = Decimal(-1)
    if not Decimal(0) < mark <= TOTAL_WEIGHT:
        raise _field("pass_mark", _("The pass mark is between 1 and %(total)d points.") % {"total": TOTAL_WEIGHT})
    if RatingRound.objects.filter(scheme=scheme, organization=organization, year=year).exists():
        raise _field(
            "year",
            _("%(org)s has a round of this scheme for %(year)d already.")
            % {"org": organization.display_name, "year": year},
        )
    rnd = RatingRound.objects.create(
        scheme=scheme, organization=organization, year=year, counted_on=counted_on, pass_mark=mark
    )
    audit.record_create(actor, rnd)
    return rnd


def _refuse_closed(rnd: RatingRound) -> None:
    if rnd.status == RatingRound.Status.CLOSED:
        raise ValidationError(
            _("This round was closed on %(day)s: its candidates and scores no longer change.")
            % {"day": rnd.closed_on.isoformat() if rnd.closed_on else ""}
        )


def _counted_scores(candidate: Candidate, criteria: list[Criterion]) -> list[Score]:
    day = candidate.round.counted_on
    out = []
    memo: dict[str, Any] = {}
    for c in criteria:
        if c.method != Method.COUNTED:
            continue
        reading = measures.read(c.measure, candidate.organization, day, memo)
        out.append(
            Score(
                candidate=candidate,
                criterion=c,
                reviewer="",
                points=measures.points(c.weight, c.target, reading),
                figure=reading.figure,
                basis={**reading.basis, "as_of": day.isoformat()},
            )
        )
    return out


def _retotal(candidate: Candidate) -> None:
    total = selectors.sheet(candidate).total()
    if candidate.total != total:
        Candidate.objects.filter(pk=candidate.pk).update(total=total)
        candidate.total = total


@audit.write_transaction
def add_candidates(*, actor: User | None, round: RatingRound, branches: Sequence[Organization]) -> list[Candidate]:
    """Branches under the round's committee stand in it; their counted criteria are read now, as
    of the round's date, and kept as they are."""
    rnd = RatingRound.objects.select_for_update().select_related("scheme", "organization").get(pk=round.pk)
    _refuse_closed(rnd)
    if not branches:
        raise _field("branches", _("Choose the branches that stand in the round."))
    criteria = selectors.criteria_of(rnd.scheme)
    added = []
    for branch in branches:
        if branch.kind not in PARTY_UNIT_KINDS or not branch.path.startswith(rnd.organization.path):
            raise _field(
                "branches",
                _("%(branch)s is not a party organisation under %(org)s.")
                % {"branch": branch.display_name, "org": rnd.organization.display_name},
            )
        if Candidate.objects.filter(round=rnd, organization=branch).exists():
            raise _field("branches", _("%(branch)s stands in this round already.") % {"branch": branch.display_name})
        candidate = Candidate(round=rnd, organization=branch)
        scores = _counted_scores(candidate, criteria)
        # A new candidate's total is its counted points: nobody has scored it yet.
        candidate.total = sum((s.points for s in scores), Decimal(0))
        candidate.save()
        audit.record_create(actor, candidate)
        for s in scores:
            s.candidate = candidate
            s.save()
            audit.record_create(actor, s)
        added.append(candidate)
    return added


@audit.write_transaction
def score(
    *,
    actor: User | None,
    candidate: Candidate,
    reviewer: str,
    scores: Mapping[int, tuple[Any, str]],
    by: User | None = None,
) -> Candidate:
    """A reviewer's points and note for the reviewed criteria (criterion id → (points, note)):
    from 0 to the criterion's weight, each with a note saying why. Counted criteria are not
    scored by hand. A closed round's scores no longer change."""
    candidate = Candidate.objects.select_related("round__scheme", "organization").get(pk=candidate.pk)
    # The round read under its lock: a closing that committed a moment ago is seen.
    _refuse_closed(RatingRound.objects.select_for_update().get(pk=candidate.round_id))
    if reviewer not in Reviewer.values:
        raise ValidationError(_("Unknown reviewer: %(r)s.") % {"r": reviewer})
    by = by or actor
    criteria = {c.pk: c for c in selectors.criteria_of(candidate.round.scheme)}
    errors: dict[str, list[str]] = {}
    clean: list[tuple[Criterion, Decimal, str]] = []
    for pk, (raw, note) in scores.items():
        c = criteria.get(int(pk))
        if c is None:
            raise _field("scores", _("Criterion %(pk)s is not in this scheme.") % {"pk": pk})
        if c.method != Method.REVIEWED:
            errors[f"c{c.pk}"] = [
                _("“%(name)s” is counted from the records; it is not scored by hand.") % {"name": c.name}
            ]
            continue
        refuse_nul(note=note)
        try:
            points = Decimal(str(raw)).quantize(Decimal("0.1"))
        except (InvalidOperation, TypeError, ValueError):
            errors[f"c{c.pk}"] = [_("Enter the points for “%(name)s” as a number.") % {"name": c.name}]
            continue
        if not Decimal(0) <= points <= c.weight:
            errors[f"c{c.pk}"] = [
                _("“%(name)s” is scored from 0 to %(weight)d points; %(points)s is outside.")
                % {"name": c.name, "weight": c.weight, "points": points}
            ]
            continue
        if not note.strip():
            errors[f"c{c.pk}"] = [
                _("Say why “%(name)s” earns %(points)s points: a score has a note.")
                % {"name": c.name, "points": points}
            ]
            continue
        clean.append((c, points, note.strip()))
    if errors:
        raise ValidationError(errors)
    for c, points, note in clean:
        existing = Score.objects.filter(candidate=candidate, criterion=c, reviewer=reviewer).first()
        if existing is None:
            audit.record_create(
                actor,
                Score.objects.create(
                    candidate=candidate, criterion=c, reviewer=reviewer, points=points, note=note, scored_by=by
                ),
            )
        else:
            audit.update_model(
                actor=actor, instance=existing, data={"points": points, "note": note, "scored_by": by}, clean=False
            )
    _retotal(candidate)
    return candidate


_AWARDED = (
    gettext_lazy("%(branch)s is rated “%(title)s” for %(year)d"),
    gettext_lazy(
        "%(org)s closed its %(year)d round of “%(scheme)s”: %(branch)s scored %(total)s points and is rated “%(title)s”."
    ),
)


@audit.write_transaction
def close_round(
    *, actor: User | None, round: RatingRound, closed_on: dt.date | None = None, today: dt.date | None = None
) -> RatingRound:
    """Close the round: every candidate has the county's score on every reviewed criterion; each
    gets its total and its result (awarded at the pass mark or above, with a certificate
    number); the branches' secretaries are told."""
    today = today or timezone.localdate()
    rnd = RatingRound.objects.select_for_update().select_related("scheme", "organization").get(pk=round.pk)
    _refuse_closed(rnd)
    closed_on = closed_on or today
    if closed_on > today or closed_on < rnd.counted_on:
        raise _field(
            "closed_on",
            _("Close the round between %(start)s and today.") % {"start": rnd.counted_on.isoformat()},
        )
    sheets = selectors.round_sheets(rnd)
    if not sheets:
        raise ValidationError(_("The round has no candidates: add the branches that stand in it first."))
    unscored = [sh.candidate.organization.display_name for sh in sheets if sh.missing(Reviewer.COUNTY)]
    if unscored:
        raise ValidationError(
            _("The county has yet to score %(n)d candidates: %(names)s.")
            % {"n": len(unscored), "names": "、".join(unscored[:10])}
        )
    seq = 0
    awarded = []
    for sh in sorted(sheets, key=lambda sh: sh.candidate.organization.path):
        c, total = sh.candidate, sh.total()
        result = Candidate.Result.AWARDED if total >= rnd.pass_mark else Candidate.Result.NOT_AWARDED
        number = ""
        if result == Candidate.Result.AWARDED:
            seq += 1
            number = f"{rnd.year}-{rnd.pk:03d}-{seq:03d}"
            awarded.append(c)
        audit.update_model(
            actor=actor, instance=c, data={"total": total, "result": result, "certificate_no": number}, clean=False
        )
    audit.update_model(
        actor=actor, instance=rnd, data={"status": RatingRound.Status.CLOSED, "closed_on": closed_on}, clean=False
    )
    for c in awarded:
        _tell_awarded(actor, rnd, c)
    return rnd


def _tell_awarded(actor: User | None, rnd: RatingRound, candidate: Candidate) -> None:
    officers = [
        ra.user
        for ra in RoleAssignment.objects.filter(
            role__in=(Role.SECRETARY, Role.COMMITTEE_MEMBER), organization=candidate.organization, user__is_active=True
        ).select_related("user")
    ]
    if not officers:
        return

    def texts() -> tuple[str, str]:
        values = {
            "branch": candidate.organization.display_name,
            "title": rnd.scheme.title,
            "year": rnd.year,
            "org": rnd.organization.display_name,
            "scheme": rnd.scheme.name,
            "total": candidate.total,
        }
        return str(_AWARDED[0]) % values, str(_AWARDED[1]) % values

    notifications.notify_event(
        actor=actor,
        users=officers,
        kind=Kind.GUIDANCE,
        key=f"rating:{candidate.pk}",
        url=reverse("guidance:candidate", args=[candidate.pk]),
        texts=texts,
        about=candidate,
    )


def certificate_printed(*, actor: User | None, candidate: Candidate) -> None:
    """Printing a certificate is recorded like any export."""
    audit.record(actor=actor, action=Action.EXPORT, obj=candidate, changes={"certificate": candidate.certificate_no})
