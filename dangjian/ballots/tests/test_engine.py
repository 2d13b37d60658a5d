"""The ballot engine as a voter and a teller meet it: one vote each, a receipt that checks, sheet
codes used once, paper through two tellers, a count anyone can make again."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from dangjian.audit.models import AuditEvent
from dangjian.ballots import rules, selectors, services
from dangjian.ballots.models import Ballot, Mark, PollState, Voter
from dangjian.testing.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The refusals are asserted in English (the services speak the active language)."""
    with translation.override("en"):
        yield


def _poll(voters):
    return services.open_poll(
        actor=None,
        title="学习型标兵",
        org_path="/1/",
        questions=[
            services.QuestionSpec("学习型", "1", [("李小燕", "10"), ("霍秀全", "11")]),
            services.QuestionSpec("增收型", "2", [("阿依古丽", "12")]),
        ],
        voters=[v.pk for v in voters],
    )


def _ids(poll):
    qs = selectors.questions(poll)
    return qs[0].pk, [o.pk for o in qs[0].options.all()], qs[1].pk, [o.pk for o in qs[1].options.all()]


def test_one_person_one_vote_and_the_receipt_checks_after_the_count():
    people = PersonFactory.create_batch(3)
    poll = _poll(people)
    q1, (li, huo), q2, (ayi,) = _ids(poll)
    line = selectors.voter_line(poll, people[0].pk)
    receipt = services.cast(actor=None, voter=line, choices={q1: li, q2: ayi})
    with pytest.raises(ValidationError, match="one person, one vote"):
        services.cast(actor=None, voter=selectors.voter_line(poll, people[0].pk), choices={q1: huo, q2: None})
    services.cast(actor=None, voter=selectors.voter_line(poll, people[1].pk), choices={q1: huo, q2: None})
    assert not selectors.receipt_counted(poll, receipt)  # not before the count
    tally = services.count(actor=None, poll=poll)
    assert (tally.roll, tally.turnout, tally.ballots) == (3, 2, 2)
    assert tally.option_votes(q1) == {li: 1, huo: 1}
    assert tally.option_votes(q2) == {ayi: 1}
    assert selectors.receipt_counted(poll, receipt.lower().replace("-", " "))
    assert not selectors.receipt_counted(poll, rules.new_code(rules.RECEIPT_LENGTH))
    with pytest.raises(ValidationError, match="closed"):
        services.cast(actor=None, voter=selectors.voter_line(poll, people[2].pk), choices={q1: li})


def test_a_choice_of_another_question_is_refused_and_nothing_is_stored():
    people = PersonFactory.create_batch(1)
    poll = _poll(people)
    q1, (li, _huo), q2, _ = _ids(poll)
    with pytest.raises(ValidationError, match="not one of its nominees"):
        services.cast(actor=None, voter=selectors.voter_line(poll, people[0].pk), choices={q2: li})
    assert Ballot.objects.count() == 0 and not Voter.objects.get().voted


def test_a_sheet_code_votes_once_and_a_reprint_voids_the_old_sheet():
    people = PersonFactory.create_batch(2)
    poll = _poll(people)
    q1, (li, _huo), _q2, _ = _ids(poll)
    lines = list(Voter.objects.filter(poll=poll).order_by("person__pk"))
    [(_, old)] = services.issue_sheets(actor=None, poll=poll, voters=lines[:1])
    [(_, new)] = services.issue_sheets(actor=None, poll=poll, voters=list(Voter.objects.filter(pk=lines[0].pk)))
    with pytest.raises(ValidationError, match="not valid or has been used"):
        services.cast_by_sheet(code=old, choices={q1: li})
    services.cast_by_sheet(code=new, choices={q1: li})
    with pytest.raises(ValidationError, match="not valid or has been used"):
        services.cast_by_sheet(code=new, choices={q1: li})
    assert Voter.objects.get(pk=lines[0].pk).voted


def test_paper_ballots_count_only_when_two_tellers_agree():
    people = PersonFactory.create_batch(2)
    poll = _poll(people)
    q1, (li, huo), q2, (ayi,) = _ids(poll)
    a, b = UserFactory(), UserFactory()
    for line in Voter.objects.filter(poll=poll):
        services.hand_in_paper(actor=a, voter=line)
    assert services.enter_paper(actor=a, poll=poll, sheet_no=1, choices={q1: li, q2: ayi}).state == "waiting"
    assert services.enter_paper(actor=b, poll=poll, sheet_no=1, choices={q1: huo, q2: ayi}).state == "differs"
    assert Ballot.objects.count() == 0
    assert services.enter_paper(actor=b, poll=poll, sheet_no=1, choices={q1: li, q2: ayi}).state == "agreed"
    services.enter_paper(actor=a, poll=poll, sheet_no=2, choices={q1: huo})
    with pytest.raises(ValidationError, match="enter the other 1"):
        services.count(actor=None, poll=poll)
    services.enter_paper(actor=b, poll=poll, sheet_no=2, choices={q1: huo})
    with pytest.raises(ValidationError, match="as many are entered already"):
        services.enter_paper(actor=a, poll=poll, sheet_no=3, choices={q1: huo})
        services.enter_paper(actor=b, poll=poll, sheet_no=3, choices={q1: huo})
    tally = services.count(actor=None, poll=poll)
    assert tally.option_votes(q1) == {li: 1, huo: 1} and tally.ballots == 2


def test_the_count_is_reproducible_and_a_changed_ballot_shows():
    people = PersonFactory.create_batch(4)
    poll = _poll(people)
    q1, (li, huo), q2, (ayi,) = _ids(poll)
    for person, choice in zip(people, [li, li, huo, None], strict=True):
        services.cast(actor=None, voter=selectors.voter_line(poll, person.pk), choices={q1: choice, q2: ayi})
    services.count(actor=None, poll=poll)
    poll.refresh_from_db()
    assert poll.state == PollState.COUNTED
    same, stored, again = selectors.recount_agrees(poll)
    assert same and stored.option_votes(q1) == {li: 2, huo: 1}
    Mark.objects.filter(question_id=q1, option_id=huo).update(option_id=li)  # a ballot altered behind our back
    same, stored, again = selectors.recount_agrees(poll)
    assert not same and again.option_votes(q1) == {li: 3, huo: 0}


def test_the_audit_log_says_who_voted_never_what():
    people = PersonFactory.create_batch(1)
    poll = _poll(people)
    q1, (li, _huo), _q2, _ = _ids(poll)
    user = UserFactory(person=people[0])
    receipt = services.cast(actor=user, voter=selectors.voter_line(poll, people[0].pk), choices={q1: li})
    ballot = Ballot.objects.get()
    events = AuditEvent.objects.filter(actor=user)
    assert [e.changes for e in events] == [{"voted": [False, True]}]
    text = " ".join(str(e.__dict__) for e in AuditEvent.objects.all())
    for secret in (str(ballot.pk), ballot.pk.hex, receipt, ballot.receipt, "李小燕"):
        assert secret not in text


def test_tied_nominees_at_the_last_place_are_reported():
    assert rules.ranked({1: 5, 2: 3, 3: 3, 4: 1}, quota=2) == [
        (1, 5, 1, False),
        (2, 3, 2, True),
        (3, 3, 2, True),
        (4, 1, 4, False),
    ]
    assert rules.ranked({1: 5, 2: 3, 3: 3}, quota=3) == [(1, 5, 1, False), (2, 3, 2, False), (3, 3, 2, False)]
    assert rules.ranked({1: 0, 2: 0}, quota=1) == [(1, 0, 1, False), (2, 0, 1, False)]
