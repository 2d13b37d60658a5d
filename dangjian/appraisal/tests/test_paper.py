"""The rating on paper at the meeting: a teller marks who put a sheet in the box, two tellers enter
each sheet, a sheet counts once their readings agree, and the count waits for every sheet; the
tellers are the round's officers, and side B's secretary reaches nothing of A's."""

from __future__ import annotations

from django.urls import reverse

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.appraisal import selectors, services
from dangjian.appraisal.models import Grade, Step
from dangjian.ballots import selectors as ballot_selectors
from dangjian.testing import appraisal as scene
from dangjian.testing.factories import UserFactory


def _sheet(r, sheet_no, grade):
    fields = {"action": "enter", "sheet_no": sheet_no}
    for q in ballot_selectors.questions(r.poll):
        fields[f"q{q.pk}"] = str(next(o.pk for o in q.options.all() if o.ref == grade))
    return fields


def test_two_tellers_agree_on_a_sheet_and_it_is_counted(world, login, client):
    r = scene.at_step(scene.round_of(world.a), Step.VOTE)
    second = UserFactory(username="committee_a")
    access_services.assign_role(actor=None, user=second, role=Role.COMMITTEE_MEMBER, organization=world.a.branch)
    url = reverse("appraisal:tellers", args=[r.pk])
    teller = login(world.a.secretary)
    member_line = ballot_selectors.voter_line(r.poll, world.a.member.pk)
    assert teller.post(url, {"action": "hand_in", "voter": member_line.pk}).status_code == 302
    teller.post(url, _sheet(r, 1, Grade.EXCELLENT))
    # Before the second reading the count is refused: a sheet in the box is not yet entered.
    assert "not yet entered" in services.blocked(r)
    client.force_login(second)
    client.post(url, _sheet(r, 1, Grade.QUALIFIED))
    assert 'data-sheet="1"' in client.get(url).content.decode()
    r.poll.refresh_from_db()
    assert services.blocked(r) is not None  # the readings differ: enter again
    client.post(url, _sheet(r, 1, Grade.EXCELLENT))
    scene.cast_all(r)  # the secretary rates on their phone
    scene.at_step(r, Step.PROPOSAL)
    tally = selectors.tally(r)
    assert tally.turnout == 2
    assert sum(m.votes[Grade.EXCELLENT] for m in tally.members) == 2  # the sheet's, and nothing of whose


def test_a_member_is_no_teller_and_side_b_finds_nothing(world, login):
    r = scene.at_step(scene.round_of(world.a), Step.VOTE)
    member = UserFactory(username="member_a", person=world.a.member)
    url = reverse("appraisal:tellers", args=[r.pk])
    assert login(member).get(url).status_code == 403
    assert login(world.b.secretary).get(url).status_code == 404
