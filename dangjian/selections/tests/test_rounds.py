"""A pacesetter round as its organiser, nominees and voters live it: phases in order and never
back, eligibility, the count into results, the committee's review, objections, announcement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.selections import selectors, services
from dangjian.selections.models import Builtin, Decision, Phase
from dangjian.testing.factories import PersonFactory
from dangjian.testing.selections import category, in_vote, nominated, round_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The refusals are asserted in English (the services speak the active language)."""
    with translation.override("en"):
        yield


def _vote(r, person, choices_by_builtin):
    questions = {q.ref: q for q in ballot_selectors.questions(r.poll)}
    choices = {}
    for builtin, nomination in choices_by_builtin.items():
        q = questions[str(category(r, builtin).pk)]
        choices[q.pk] = next(o.pk for o in q.options.all() if o.ref == str(nomination.pk))
    return ballots.cast(actor=None, voter=ballot_selectors.voter_line(r.poll, person.pk), choices=choices)


def test_a_round_runs_from_nomination_to_announcement(world):
    a = world.a
    r = in_vote(a)
    assert r.poll is not None
    roll, voted = ballot_selectors.roll_size(r.poll)
    assert (roll, voted) == (3, 0)  # the side's employees: member, worker, secretary
    learning = r.nominations.get(category__builtin=Builtin.LEARNING)
    income = r.nominations.get(category__builtin=Builtin.INCOME)
    _vote(r, a.member, {Builtin.LEARNING: learning, Builtin.INCOME: income})
    _vote(r, a.worker, {Builtin.LEARNING: learning})
    [(found_round, _line)] = selectors.open_ballots(a.secretary.person.pk)
    assert found_round == r
    services.advance(actor=None, round=r, today=r.vote_until + dt.timedelta(days=1))
    r.refresh_from_db()
    assert r.phase == Phase.REVIEW
    res = {x.nomination_id: x for x in selectors.results(r)}
    assert (res[learning.pk].votes, res[learning.pk].elected) == (2, True)
    assert (res[income.pk].votes, res[income.pk].elected) == (1, True)
    with pytest.raises(ValidationError, match="await the committee"):
        services.advance(actor=None, round=r)
    services.decide(actor=a.secretary, result=res[learning.pk], decision=Decision.CONFIRMED)
    with pytest.raises(ValidationError, match="Say why"):
        services.decide(actor=a.secretary, result=res[income.pk], decision=Decision.SET_ASIDE)
    services.decide(actor=a.secretary, result=res[income.pk], decision=Decision.CONFIRMED)
    services.advance(actor=None, round=r, today=r.notice_on)
    objection = services.raise_objection(actor=a.manager, round=r, text="请核实增收数据")
    with pytest.raises(ValidationError, match="runs until"):
        services.advance(actor=None, round=r, today=r.notice_on)
    late = r.notice_on + dt.timedelta(days=r.notice_days)
    with pytest.raises(ValidationError, match="not answered"):
        services.advance(actor=None, round=r, today=late)
    services.answer_objection(actor=a.secretary, objection=objection, answer="已核实工资流水")
    services.advance(actor=None, round=r, today=late)
    r.refresh_from_db()
    assert r.phase == Phase.ANNOUNCED and r.announced_on == late
    assert [h.category for h in selectors.honours_of(a.member.pk)] == [str(Builtin.LEARNING.label)]
    with pytest.raises(ValidationError, match="no further phase"):
        services.advance(actor=None, round=r)


def test_the_daily_task_moves_rounds_on_their_dates_and_holds_an_unfinished_review(world):
    r = nominated(world.a)
    assert services.advance_due(today=r.opens_on) == {"moved": 0, "held": 0}
    services.advance_due(today=r.vote_on)
    r.refresh_from_db()
    assert r.phase == Phase.VOTE
    _vote(r, world.a.worker, {Builtin.LEARNING: r.nominations.get(category__builtin=Builtin.LEARNING)})
    out = services.advance_due(today=r.notice_on)
    r.refresh_from_db()
    assert r.phase == Phase.REVIEW and out == {"moved": 1, "held": 1}  # counted, then held by the review
    assert services.blocked(r) is not None and "await the committee" in services.blocked(r)


def test_eligibility_and_the_nomination_rules(world):
    a, b = world.a, world.b
    r = round_of(a, nominees="members")
    with pytest.raises(ValidationError, match="open to"):
        services.nominate(actor=None, category=category(r), nominee=a.worker, kind="self", reason="x")
    with pytest.raises(ValidationError, match="open to"):
        services.nominate(actor=None, category=category(r), nominee=b.member, kind="self", reason="x")
    stranger = PersonFactory(employer=b.enterprise)
    with pytest.raises(ValidationError, match="Only those who may vote"):
        services.nominate(
            actor=None, category=category(r), nominee=a.member, kind="peer", reason="x", nominated_by=stranger
        )
    colleague = PersonFactory(employer=a.enterprise)  # another team
    with pytest.raises(ValidationError, match="own team"):
        services.nominate(
            actor=None, category=category(r), nominee=a.member, kind="team_leader", reason="x", nominated_by=colleague
        )
    services.nominate(
        actor=None, category=category(r), nominee=a.member, kind="peer", reason="好", nominated_by=a.worker
    )
    with pytest.raises(ValidationError, match="already"):
        services.nominate(actor=None, category=category(r), nominee=a.member, kind="self", reason="x")


def test_phases_never_go_back_and_each_step_is_refused_outside_its_phase(world):
    r = in_vote(world.a)
    with pytest.raises(ValidationError, match="vote phase"):
        services.nominate(actor=None, category=category(r), nominee=world.a.worker, kind="self", reason="x")
    nomination = r.nominations.first()
    with pytest.raises(ValidationError, match="vote phase"):
        services.decline(actor=None, nomination=nomination)
    with pytest.raises(ValidationError, match="vote phase"):
        services.add_evidence(actor=None, nomination=nomination, text="x")


def test_a_round_plan_out_of_order_is_refused_field_by_field(world):
    with pytest.raises(ValidationError) as e:
        round_of(world.a, vote_until=dt.date(2026, 3, 1))
    assert "vote_until" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.open_round(
            actor=None,
            enterprise=world.a.enterprise,
            organization=world.b.branch,
            title="x",
            opens_on=dt.date(2026, 3, 2),
            evidence_on=dt.date(2026, 3, 2),
            vote_on=dt.date(2026, 3, 3),
            vote_until=dt.date(2026, 3, 4),
            notice_on=dt.date(2026, 3, 5),
        )
    assert "organization" in e.value.message_dict


def test_paper_ballots_waiting_for_the_tellers_hold_the_count_and_the_daily_task_goes_on(world):
    r = in_vote(world.a)
    line = ballot_selectors.voter_line(r.poll, world.a.worker.pk)
    ballots.hand_in_paper(actor=world.a.secretary, voter=line)
    with translation.override("en"):
        assert "1 paper ballots handed in" in services.blocked(r, r.vote_until + dt.timedelta(days=1))
        with pytest.raises(ValidationError, match="enter them before the count"):
            services.advance(actor=None, round=r, today=r.vote_until + dt.timedelta(days=1))
    other = nominated(world.b)
    out = services.advance_due(today=r.vote_until + dt.timedelta(days=1))
    r.refresh_from_db()
    other.refresh_from_db()
    assert r.phase == Phase.VOTE and other.phase == Phase.REVIEW and out == {"moved": 3, "held": 1}


def test_people_are_told_when_named_when_the_vote_opens_and_when_they_win(world):
    from dangjian.notifications.models import Notification
    from dangjian.testing.factories import UserFactory

    a = world.a
    member_login = UserFactory(person=a.member)
    r = round_of(a)
    services.nominate(
        actor=a.secretary, category=category(r), nominee=a.member, kind="organiser", reason="带头学习新工艺"
    )
    assert Notification.objects.filter(user=member_login, kind="selection", key__startswith="nomination:").count() == 1
    services.advance(actor=a.secretary, round=r, today=r.evidence_on)
    services.advance(actor=a.secretary, round=r, today=r.vote_on)
    r.refresh_from_db()
    told = set(Notification.objects.filter(key=f"round:{r.pk}:vote").values_list("user_id", flat=True))
    assert told == {member_login.pk}  # the secretary opened it; the worker has no login; B's people are not on the roll
    _vote(r, a.member, {Builtin.LEARNING: r.nominations.get()})
    services.advance(actor=a.secretary, round=r, today=r.vote_until + dt.timedelta(days=1))
    services.decide(actor=a.secretary, result=r.results.get(), decision=Decision.CONFIRMED)
    services.advance(actor=a.secretary, round=r, today=r.notice_on)
    services.advance(actor=a.secretary, round=r, today=r.notice_on + dt.timedelta(days=r.notice_days))
    won = Notification.objects.get(user=member_login, key__contains=":won:")
    assert won.url == f"/selections/{r.pk}/"
    assert not Notification.objects.filter(user__in=[world.b.secretary, world.b.manager]).exists()


def test_the_daily_command_moves_rounds_for_cron(world):
    from io import StringIO

    from django.core.management import call_command

    from dangjian.audit.models import AuditEvent

    r = nominated(world.a)
    out = StringIO()
    call_command("advance_rounds", "--today", r.vote_on.isoformat(), stdout=out)
    r.refresh_from_db()
    assert r.phase == Phase.VOTE
    assert out.getvalue().strip() == f"Pacesetter rounds on {r.vote_on.isoformat()}: 2 phases begun, 0 rounds held."
    moved = AuditEvent.objects.filter(object_type="selections.Round", object_id=str(r.pk), action="update")
    assert {e.source for e in moved} == {"command"}


def test_an_objection_names_a_winner_on_the_notice_or_none(world):
    a = world.a
    r = in_vote(a)
    learning = r.nominations.get(category__builtin=Builtin.LEARNING)
    _vote(r, a.member, {Builtin.LEARNING: learning})
    services.advance(actor=None, round=r, today=r.vote_until + dt.timedelta(days=1))
    won = r.results.get(nomination=learning)
    services.decide(actor=a.secretary, result=won, decision=Decision.CONFIRMED)
    services.advance(actor=None, round=r, today=r.notice_on)
    no_votes = r.results.exclude(pk=won.pk).get()  # the income model's nominee, not on the notice
    with pytest.raises(ValidationError, match="one of the winners on the notice"):
        services.raise_objection(actor=a.manager, round=r, text="请核实", result=no_votes)
    assert services.raise_objection(actor=a.manager, round=r, text="请核实", result=won).result == won


def test_a_self_nomination_names_oneself(world):
    r = round_of(world.a)
    with pytest.raises(ValidationError, match="names yourself"):
        services.nominate(
            actor=None,
            category=category(r),
            nominee=world.a.member,
            kind="self",
            reason="x",
            nominated_by=world.a.worker,
        )
    assert not r.nominations.exists()
