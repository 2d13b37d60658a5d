"""The appraisal through the API as an integration uses it: the cap refused with its count (422,
nothing stored), a member's own parts only, the tally to the officers after the count, and
side B's round out of A's reach."""

from __future__ import annotations

from dangjian.appraisal.models import Grade, Part, Participant, Step
from dangjian.testing import appraisal as scene
from dangjian.testing.api import API
from dangjian.testing.factories import UserFactory


def test_the_proposal_over_the_cap_is_422_with_the_count(world, api_as):
    scene.members(world.a, full=8)
    r = scene.counted(scene.round_of(world.a))
    graded = list(Participant.objects.filter(round=r, part=Part.MEMBER).order_by("pk"))
    client = api_as(world.a.secretary)
    grades = [
        {"participant_id": p.pk, "grade": Grade.EXCELLENT if i < 4 else Grade.QUALIFIED} for i, p in enumerate(graded)
    ]
    response = client.post(f"{API}/appraisal/rounds/{r.pk}/proposal", {"grades": grades})
    assert response.status_code == 422
    assert "at most 3 of the 10 graded members" in str(response.json())
    assert not Participant.objects.filter(round=r).exclude(proposed_grade="").exists()
    grades[3]["grade"] = Grade.QUALIFIED
    response = client.post(f"{API}/appraisal/rounds/{r.pk}/proposal", {"grades": grades})
    assert response.status_code == 200, response.content
    assert (response.json()["excellent"], response.json()["excellent_allowed"]) == (3, 3)
    tally = client.get(f"{API}/appraisal/rounds/{r.pk}/tally").json()
    assert tally["turnout"] == 10 and len(tally["members"]) == 10


def test_a_member_writes_their_own_and_rates_once(world, api_as):
    user = UserFactory(username="member_a", person=world.a.member)
    r = scene.at_step(scene.round_of(world.a), Step.SELF)
    client = api_as(user)
    response = client.put(
        f"{API}/appraisal/rounds/{r.pk}/self-assessment", {"text": "带头完成任务"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["text"] == "带头完成任务"
    assert client.get(f"{API}/appraisal/rounds/{r.pk}/tally").status_code == 403
    scene.at_step(r, Step.VOTE)
    ballot = client.get(f"{API}/appraisal/rounds/{r.pk}/ballot").json()
    choices = [{"participant_id": m["participant_id"], "grade": "qualified"} for m in ballot["members"]]
    assert client.post(f"{API}/appraisal/rounds/{r.pk}/ballot", {"choices": choices}).status_code == 200
    assert client.post(f"{API}/appraisal/rounds/{r.pk}/ballot", {"choices": choices}).status_code == 403
    roll = client.get(f"{API}/appraisal/rounds/{r.pk}/participants").json()
    assert all(line["proposed_grade"] is None for line in roll)


def test_side_b_cannot_reach_as_round(world, api_as):
    r = scene.round_of(world.a)
    client = api_as(world.b.secretary)
    assert client.get(f"{API}/appraisal/rounds/{r.pk}").status_code == 404
    assert client.post(f"{API}/appraisal/rounds/{r.pk}/advance").status_code == 404
    listed = client.get(f"{API}/appraisal/rounds").json()["items"]
    assert [row["organization_id"] for row in listed] == []
