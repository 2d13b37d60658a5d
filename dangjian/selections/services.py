"""Writes of pacesetter selections: opening a round, nominations and their evidence, declining,
moving the round through its phases (by the organiser, or by the daily task on their dates),
the committee's review, objections during the public notice and their answers.

Every function is keyword-only, runs in one audited transaction and explains a refusal with a
ValidationError in the user's language naming what to change. Who may call which is decided by
access.permissions; these functions enforce the round's own rules (its phase, its eligibility,
its quotas).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.access.models import User as UserModel
from dangjian.audit import services as audit
from dangjian.ballots import rules as ballot_rules
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.files import Upload, store_sealed
from dangjian.notifications import services as notifications
from dangjian.notifications.models import Kind
from dangjian.organizations.models import Enterprise, Organization
from dangjian.people.models import Person
from dangjian.text import refuse_nul

from . import rules, selectors
from .models import (
    Builtin,
    Category,
    Decision,
    Eligible,
    Evidence,
    EvidenceFile,
    Nomination,
    NominationKind,
    NominationStatus,
    Objection,
    Phase,
    Result,
    Round,
)

if TYPE_CHECKING:
    from dangjian.access.models import User

MAX_FIGURES = 12
MAX_FILES = 6


@dataclass(frozen=True)
class CategorySpec:
    name: str
    quota: int = 1
    description: str = ""
    builtin: str = ""


def four_pacesetters() -> list[CategorySpec]:
    """The default categories: the four pacesetters, one place each."""
    return [CategorySpec(name=str(b.label), builtin=b.value) for b in Builtin]


def _field(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _phase_refusal(r: Round, allowed: Sequence[str], doing: str) -> None:
    if r.phase not in allowed:
        raise ValidationError(
            _("%(doing)s is not possible now: the round is in its %(phase)s phase.")
            % {"doing": doing, "phase": r.get_phase_display()}
        )


# --- a round --------------------------------------------------------------------------------------


@audit.write_transaction
def open_round(
    *,
    actor: User | None,
    enterprise: Enterprise,
    organization: Organization,
    title: str,
    opens_on: dt.date,
    evidence_on: dt.date,
    vote_on: dt.date,
    vote_until: dt.date,
    notice_on: dt.date,
    notice_days: int = 5,
    nominees: str = Eligible.EMPLOYEES,
    voters: str = Eligible.EMPLOYEES,
    categories: Sequence[CategorySpec] | None = None,
) -> Round:
    """A round in its nomination phase, with its categories (the four pacesetters by default)."""
    refuse_nul(title=title)
    title = title.strip()
    if not title:
        raise _field("title", _("Give the round a title, e.g. “Four pacesetters, second round 2026”."))
    party_org = enterprise.party_org
    if party_org is None or not party_org.path.startswith(organization.path):
        raise _field(
            "organization",
            _("%(org)s does not cover %(enterprise)s: a round is organised by the enterprise's own party organisation.")
            % {"org": organization, "enterprise": enterprise.display_name},
        )
    problems = rules.plan_problems(opens_on, evidence_on, vote_on, vote_until, notice_on)
    if problems:
        raise ValidationError({k: [v] for k, v in problems.items()})
    if not 1 <= notice_days <= rules.MAX_NOTICE_DAYS:
        raise _field("notice_days", _("The public notice lasts from 1 to %(n)d days.") % {"n": rules.MAX_NOTICE_DAYS})
    for name, value in (("nominees", nominees), ("voters", voters)):
        if value not in Eligible.values:
            raise _field(name, _("Choose one of the listed groups."))
    specs = list(categories) if categories is not None else four_pacesetters()
    _check_categories(specs)
    r = Round.objects.create(
        enterprise=enterprise,
        organization=organization,
        title=title[:200],
        opens_on=opens_on,
        evidence_on=evidence_on,
        vote_on=vote_on,
        vote_until=vote_until,
        notice_on=notice_on,
        notice_days=notice_days,
        nominees=nominees,
        voters=voters,
    )
    audit.record_create(actor, r)
    for i, spec in enumerate(specs):
        c = Category.objects.create(
            round=r,
            order=i,
            name=spec.name.strip(),
            quota=spec.quota,
            description=spec.description.strip(),
            builtin=spec.builtin,
        )
        audit.record_create(actor, c)
    return r


def _check_categories(specs: Sequence[CategorySpec]) -> None:
    if not specs:
        raise _field("categories", _("A round needs at least one category."))
    seen: set[str] = set()
    for spec in specs:
        refuse_nul(name=spec.name, description=spec.description)
        name = spec.name.strip()
        if not name:
            raise _field("categories", _("Every category needs a name."))
        if name in seen:
            raise _field("categories", _("“%(name)s” is listed twice: each category once.") % {"name": name})
        seen.add(name)
        if not 1 <= spec.quota <= rules.MAX_QUOTA:
            raise _field(
                "categories",
                _("“%(name)s” has %(n)d places: give from 1 to %(max)d.")
                % {"name": name, "n": spec.quota, "max": rules.MAX_QUOTA},
            )


# --- nominations and evidence ----------------------------------------------------------------------


@audit.write_transaction
def nominate(
    *,
    actor: User | None,
    category: Category,
    nominee: Person,
    kind: str,
    reason: str,
    nominated_by: Person | None = None,
) -> Nomination:
    """A nomination with its short reason: by the nominee themselves, a colleague, their team's
    leader (the nominator leads the nominee's team), or the organiser."""
    r = category.round
    _phase_refusal(r, [Phase.NOMINATION], _("Nominating"))
    refuse_nul(reason=reason)
    reason = reason.strip()
    if not reason:
        raise _field("reason", _("Say in a sentence or two why this person is nominated."))
    if kind not in NominationKind.values:
        raise _field("kind", _("Choose how the person is nominated."))
    if not selectors.eligible(r, r.nominees).filter(pk=nominee.pk).exists():
        raise _field(
            "nominee",
            _("%(name)s cannot be nominated in this round: it is open to %(who)s.")
            % {"name": nominee.name, "who": r.get_nominees_display()},
        )
    if kind == NominationKind.SELF:
        if nominated_by is not None and nominated_by.pk != nominee.pk:
            raise _field(
                "nominee", _("A self-nomination names yourself: for someone else, nominate them as a colleague.")
            )
        nominated_by = nominee
    elif kind in (NominationKind.PEER, NominationKind.TEAM_LEADER):
        if nominated_by is None or nominated_by.pk == nominee.pk:
            raise _field(
                "kind", _("A colleague's or team leader's nomination is made by someone other than the nominee.")
            )
        if not selectors.eligible(r, r.voters).filter(pk=nominated_by.pk).exists():
            raise _field("kind", _("Only those who may vote in this round nominate a colleague."))
        if kind == NominationKind.TEAM_LEADER and (nominee.team_id is None or nominee.team_id != nominated_by.team_id):
            raise _field(
                "kind",
                _("A team leader nominates someone of their own team: %(name)s is not.") % {"name": nominee.name},
            )
    if Nomination.objects.filter(category=category, nominee=nominee).exists():
        raise _field(
            "nominee",
            _("%(name)s is nominated for “%(category)s” already.") % {"name": nominee.name, "category": category},
        )
    n = Nomination.objects.create(
        round=r, category=category, nominee=nominee, nominated_by=nominated_by, kind=kind, reason=reason[:300]
    )
    audit.record_create(actor, n)
    if kind != NominationKind.SELF:
        name = str(category)

        def texts() -> tuple[str, str]:
            return (
                _("You are nominated: %(category)s") % {"category": name},
                _("Add your evidence before the vote, or decline if you do not wish to stand."),
            )

        notifications.notify_event(
            actor=actor,
            users=_users_of([nominee.pk]),
            kind=Kind.SELECTION,
            key=f"nomination:{n.pk}",
            url=reverse("selections:nomination", args=[r.pk, n.pk]),
            texts=texts,
            about=n,
        )
    return n


@audit.write_transaction
def decline(*, actor: User | None, nomination: Nomination, note: str = "") -> Nomination:
    """The nominee declines: they stand no more (before the vote opens)."""
    _phase_refusal(nomination.round, [Phase.NOMINATION, Phase.EVIDENCE], _("Declining a nomination"))
    refuse_nul(note=note)
    if nomination.status == NominationStatus.DECLINED:
        return nomination
    audit.update_model(
        actor=actor,
        instance=nomination,
        data={"status": NominationStatus.DECLINED, "declined_note": note.strip()[:300]},
        clean=False,
    )
    return nomination


def _figures(figures: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    out = []
    if len(figures) > MAX_FIGURES:
        raise _field("figures", _("Give at most %(n)d figures.") % {"n": MAX_FIGURES})
    for f in figures:
        label = str(f.get("label", "")).strip()
        value = str(f.get("value", "")).strip()
        refuse_nul(label=label, value=value)
        if not label or not value:
            raise _field(
                "figures", _("Each figure has a label and a value, e.g. “household savings” and “40,000 yuan”.")
            )
        out.append({"label": label[:100], "value": value[:100]})
    return out


@audit.write_transaction
def add_evidence(
    *,
    actor: User | None,
    nomination: Nomination,
    text: str,
    figures: Sequence[Mapping[str, Any]] = (),
    files: Sequence[Upload] = (),
) -> Evidence:
    """Evidence for a standing nomination, during nomination and evidence: text, figures and
    files (sealed at rest)."""
    _phase_refusal(nomination.round, [Phase.NOMINATION, Phase.EVIDENCE], _("Adding evidence"))
    if nomination.status != NominationStatus.STANDING:
        raise ValidationError(_("%(name)s has declined this nomination.") % {"name": nomination.nominee.name})
    refuse_nul(text=text)
    text = text.strip()
    if not text:
        raise _field("text", _("Describe the evidence: what the person did, when, and with what result."))
    if len(files) > MAX_FILES:
        raise _field("files", _("Attach at most %(n)d files at a time.") % {"n": MAX_FILES})
    ev = Evidence.objects.create(nomination=nomination, text=text[:4000], figures=_figures(figures), added_by=actor)
    audit.record_create(actor, ev)
    store_sealed(EvidenceFile, files, actor, evidence=ev)
    return ev


# --- the phases -----------------------------------------------------------------------------------


def _blocked(r: Round, target: str, today: dt.date) -> str | None:
    """Why the round cannot move to `target` now (None: it can)."""
    if target == Phase.VOTE and not r.nominations.filter(status=NominationStatus.STANDING).exists():
        return _("Nobody stands for election yet: the vote opens once there is at least one standing nomination.")
    if target == Phase.REVIEW and r.poll is not None:
        waiting = ballot_selectors.paper_waiting(r.poll)
        if waiting:
            return _(
                "%(n)d paper ballots handed in are not yet entered by two tellers who agree: enter them before the count."
            ) % {"n": waiting}
    if target == Phase.NOTICE:
        pending = selectors.pending_review(r)
        if pending:
            return _("%(n)d results await the committee's review: confirm or set aside each before the notice.") % {
                "n": pending
            }
    if target == Phase.ANNOUNCED:
        until = r.notice_until
        if until is not None and today <= until:
            return _("The public notice runs until %(day)s: announce after it.") % {"day": until.isoformat()}
        open_objections = r.objections.filter(answered_on__isnull=True).count()
        if open_objections:
            return _("%(n)d objections are not answered yet: answer each before the announcement.") % {
                "n": open_objections
            }
    return None


def blocked(r: Round, today: dt.date | None = None) -> str | None:
    """Why the round cannot move on to its next phase now, for the organiser's page."""
    target = rules.next_phase(r.phase)
    return None if target is None else _blocked(r, target, today or timezone.localdate())


@audit.write_transaction
def advance(*, actor: User | None, round: Round, today: dt.date | None = None) -> Round:
    """The round's next phase, never back: opening the vote builds its roll and ballot, closing
    it counts, and the committee's review and the notice must be complete to move on."""
    today = today or timezone.localdate()
    r = Round.objects.select_for_update().get(pk=round.pk)
    target = rules.next_phase(r.phase)
    if target is None:
        raise ValidationError(_("The round is announced: it has no further phase."))
    reason = _blocked(r, target, today)
    if reason:
        raise ValidationError(reason)
    data: dict[str, Any] = {"phase": target}
    if target == Phase.VOTE:
        data["poll"] = _open_vote(actor, r)
    elif target == Phase.REVIEW:
        _count(actor, r)
    elif target == Phase.NOTICE:
        data["noticed_on"] = today
    elif target == Phase.ANNOUNCED:
        data["announced_on"] = today
    audit.update_model(actor=actor, instance=r, data=data, clean=False)
    round.__dict__.update({k: getattr(r, k) for k in ("phase", "poll_id", "noticed_on", "announced_on")})
    if target == Phase.VOTE:
        _tell_voters(actor, r)
    elif target == Phase.ANNOUNCED:
        _tell_winners(actor, r)
    return r


def _users_of(person_ids: Any) -> list[UserModel]:
    return list(UserModel.objects.filter(person_id__in=person_ids, is_active=True))


def _tell_voters(actor: User | None, r: Round) -> None:
    """Everyone on the roll who has a login is told the vote is open (the to-do shows it too)."""
    assert r.poll is not None
    title, until = r.title, r.vote_until

    def texts() -> tuple[str, str]:
        return (
            _("Vote open: %(round)s") % {"round": title},
            _("Cast your ballot by %(day)s: one vote per category, secret.") % {"day": until.isoformat()},
        )

    notifications.notify_event(
        actor=actor,
        users=_users_of(ballot_selectors.roll_people(r.poll)),
        kind=Kind.SELECTION,
        key=f"round:{r.pk}:vote",
        url=reverse("selections:ballot", args=[r.pk]),
        texts=texts,
        about=r,
    )


def _tell_winners(actor: User | None, r: Round) -> None:
    title = r.title
    for res in selectors.winners(r):
        category = res.category.name

        def texts(category: str = category) -> tuple[str, str]:
            return (
                _("You are named %(category)s") % {"category": category},
                _("%(round)s is announced: congratulations.") % {"round": title},
            )

        notifications.notify_event(
            actor=actor,
            users=_users_of([res.nomination.nominee_id]),
            kind=Kind.SELECTION,
            key=f"round:{r.pk}:won:{res.pk}",
            url=reverse("selections:round", args=[r.pk]),
            texts=texts,
            about=res,
        )


def _open_vote(actor: User | None, r: Round) -> Any:
    standing = list(
        r.nominations.filter(status=NominationStatus.STANDING)
        .select_related("nominee", "category")
        .order_by("nominee__name", "pk")
    )
    questions = []
    for c in r.categories.all():
        options = [(n.nominee.name, str(n.pk)) for n in standing if n.category_id == c.pk]
        if options:
            questions.append(ballots.QuestionSpec(label=c.name, ref=str(c.pk), options=options, max_choices=1))
    voters = selectors.eligible(r, r.voters).values_list("pk", flat=True)
    return ballots.open_poll(
        actor=actor, title=r.title, org_path=r.organization.path, questions=questions, voters=voters
    )


def _count(actor: User | None, r: Round) -> None:
    """Count the vote and record each nominee's place per category."""
    assert r.poll is not None  # a round in its vote phase has its poll
    tally = ballots.count(actor=actor, poll=r.poll)
    by_category = {int(q.ref): q for q in ballot_selectors.questions(r.poll)}
    nominations = {n.pk: n for n in r.nominations.all()}
    for c in r.categories.all():
        q = by_category.get(c.pk)
        if q is None:
            continue
        option_nomination = {o.pk: int(o.ref) for o in q.options.all()}
        votes = {nid: 0 for nid in option_nomination.values()}
        for oid, n in tally.option_votes(q.pk).items():
            votes[option_nomination[oid]] = n
        for nid, n, rank, tied in ballot_rules.ranked(votes, c.quota):
            res = Result.objects.create(
                round=r,
                category=c,
                nomination=nominations[nid],
                votes=n,
                rank=rank,
                elected=n > 0 and rank <= c.quota and not tied,
                tied=tied,
            )
            audit.record_create(actor, res)


def advance_due(*, today: dt.date, actor: User | None = None) -> dict[str, int]:
    """The daily task: every round whose next phase's day has come moves on, as far as its
    dates and its state allow (a round held by an unfinished review stays, and the organiser's
    to-do says why)."""
    moved = held = 0
    for r in Round.objects.exclude(phase=Phase.ANNOUNCED).select_related("organization", "poll"):
        while (target := rules.next_phase(r.phase)) is not None:
            due = rules.due_on(r, target)
            if due is None or due > today:
                break
            try:
                r = advance(actor=actor, round=r, today=today)
            except ValidationError:  # held: the organiser's page and to-do say why (`blocked`)
                held += 1
                break
            moved += 1
    return {"moved": moved, "held": held}


# --- review, notice, announcement ------------------------------------------------------------------


@audit.write_transaction
def decide(
    *, actor: User | None, result: Result, decision: str, reason: str = "", today: dt.date | None = None
) -> Result:
    """The committee confirms a result or sets it aside; a set-aside, and a confirmation that
    breaks a tie, give their reason. At most the category's places are confirmed. `today` is the
    day of the decision (a record of a past review, as the demo writes, names its day)."""
    _phase_refusal(result.round, [Phase.REVIEW], _("Reviewing a result"))
    refuse_nul(reason=reason)
    reason = reason.strip()
    if decision not in (Decision.CONFIRMED, Decision.SET_ASIDE):
        raise _field("decision", _("Confirm the result or set it aside."))
    if decision == Decision.SET_ASIDE and not reason:
        raise _field("reason", _("Say why the result is set aside: the reason is published with the notice."))
    if decision == Decision.CONFIRMED:
        if result.votes == 0:
            raise _field("decision", _("A nominee with no votes cannot be confirmed."))
        if result.tied and not reason:
            raise _field(
                "reason", _("This nominee is tied for the last place: say why the committee gives it to them.")
            )
        if not result.elected and not result.tied:
            raise _field("decision", _("Only a nominee within the places, or tied for the last, can be confirmed."))
        confirmed = (
            Result.objects.filter(category=result.category, decision=Decision.CONFIRMED).exclude(pk=result.pk).count()
        )
        if confirmed >= result.category.quota:
            raise _field(
                "decision",
                _("“%(category)s” has %(quota)d places and %(n)d are confirmed: set one aside first.")
                % {"category": result.category, "quota": result.category.quota, "n": confirmed},
            )
    audit.update_model(
        actor=actor,
        instance=result,
        data={
            "decision": decision,
            "reason": reason[:300],
            "decided_by": actor,
            "decided_on": today or timezone.localdate(),
        },
        clean=False,
    )
    return result


@audit.write_transaction
def raise_objection(
    *, actor: User | None, round: Round, text: str, result: Result | None = None, today: dt.date | None = None
) -> Objection:
    """An objection during the public notice, recorded for the organiser to answer."""
    _phase_refusal(round, [Phase.NOTICE], _("Raising an objection"))
    refuse_nul(text=text)
    text = text.strip()
    if not text:
        raise _field("text", _("Write the objection: whom it concerns and what is wrong."))
    if result is not None and (result.round_id != round.pk or result.decision != Decision.CONFIRMED):
        raise _field("result", _("Choose one of the winners on the notice, or none."))
    o = Objection.objects.create(
        round=round, result=result, raised_by=actor, raised_on=today or timezone.localdate(), text=text[:2000]
    )
    audit.record_create(actor, o)
    return o


@audit.write_transaction
def answer_objection(
    *, actor: User | None, objection: Objection, answer: str, today: dt.date | None = None
) -> Objection:
    """The organiser's answer to an objection, during the notice (`today`: the day it was answered)."""
    _phase_refusal(objection.round, [Phase.NOTICE], _("Answering an objection"))
    refuse_nul(answer=answer)
    answer = answer.strip()
    if not answer:
        raise _field("answer", _("Write the answer: what was checked and what was decided."))
    audit.update_model(
        actor=actor,
        instance=objection,
        data={"answer": answer[:2000], "answered_by": actor, "answered_on": today or timezone.localdate()},
        clean=False,
    )
    return objection
