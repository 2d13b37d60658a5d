"""The appraisal's pages as its people use them: the secretary runs the round, a member writes
their self-assessment, comments on a peer and rates, a representative only rates; who reads
what (a member another's self-assessment only from the mutual assessment on, grades only their
own), the cap refused on the page with its count, and side B's round out of A's reach."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangjian.appraisal import services
from dangjian.appraisal.models import Grade, Part, Participant, Step
from dangjian.testing import appraisal as scene
from dangjian.testing.factories import UserFactory


@pytest.fixture
def member_login(world):
    return UserFactory(username="member_a", person=world.a.member)


def _line(r, person):
    return Participant.objects.get(round=r, person=person)


def test_the_secretary_opens_a_round_and_moves_it_on(world, login):
    client = login(world.a.secretary)
    assert client.get(reverse("appraisal:round_new")).status_code == 200
    response = client.post(
        reverse("appraisal:round_new"),
        {
            "organization": world.a.branch.pk,
            "year": 2026,
            "self_until": "2026-12-10",
            "mutual_until": "2026-12-15",
            "vote_until": "2026-12-18",
            "meeting_on": "2026-12-22",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    r = world.a.branch.appraisal_rounds.get()
    page = client.get(reverse("appraisal:round", args=[r.pk])).content.decode()
    assert "A党员" in page and 'data-step="preparation"' in page
    client.post(reverse("appraisal:round", args=[r.pk]), {"action": "advance"})
    r.refresh_from_db()
    assert r.step == Step.SELF


def test_a_bad_plan_is_explained_and_nothing_is_stored(world, login):
    response = login(world.a.secretary).post(
        reverse("appraisal:round_new"),
        {
            "organization": world.a.branch.pk,
            "year": 2026,
            "self_until": "2026-12-10",
            "mutual_until": "2026-12-01",
            "vote_until": "2026-12-18",
            "meeting_on": "2026-12-22",
        },
    )
    assert response.status_code == 400
    assert "mutual assessment ends on or after" in response.content.decode()
    assert not world.a.branch.appraisal_rounds.exists()


def test_a_member_writes_and_reads_others_only_from_the_mutual_assessment(world, login, member_login):
    r = scene.at_step(scene.round_of(world.a), Step.SELF)
    secretary_line = _line(r, world.a.secretary.person)
    services.write_self_assessment(actor=world.a.secretary, participant=secretary_line, text="书记的自评：带头学习")
    client = login(member_login)
    response = client.post(reverse("appraisal:self", args=[r.pk]), {"self_assessment": "我的自评：完成生产任务"})
    assert response.status_code == 302
    assert _line(r, world.a.member).self_assessment == "我的自评：完成生产任务"
    # Before the mutual assessment the secretary's self-assessment is not the member's to read.
    page = client.get(reverse("appraisal:member", args=[r.pk, secretary_line.pk])).content.decode()
    assert "书记的自评" not in page and "data-self-hidden" in page
    scene.at_step(r, Step.MUTUAL)
    page = client.get(reverse("appraisal:member", args=[r.pk, secretary_line.pk])).content.decode()
    assert "书记的自评" in page
    # The member comments, signed; the comment is not theirs to read about the secretary from others.
    response = client.post(
        reverse("appraisal:member", args=[r.pk, secretary_line.pk]), {"text": "工作认真，希望多下车间"}
    )
    assert response.status_code == 302
    # The secretary (the subject and an officer) reads it with the author's name.
    page = login(world.a.secretary).get(reverse("appraisal:member", args=[r.pk, secretary_line.pk])).content.decode()
    assert "工作认真" in page and "A党员" in page
    # The round page tells the officers how far the mutual assessment has come.
    page = login(world.a.secretary).get(reverse("appraisal:round", args=[r.pk])).content.decode()
    assert 'data-comments-received="1"' in page


def test_nobody_writes_anothers_self_assessment(world, login):
    r = scene.at_step(scene.round_of(world.a), Step.SELF)
    # The secretary writes their own, never the member's: the page is the signed-in member's own.
    login(world.a.secretary).post(reverse("appraisal:self", args=[r.pk]), {"self_assessment": "书记自评"})
    assert _line(r, world.a.member).self_assessment == ""
    assert _line(r, world.a.secretary.person).self_assessment == "书记自评"


def test_a_member_rates_once_through_the_ballot_and_the_count_shows_no_ballot(world, login, member_login):
    r = scene.at_step(scene.round_of(world.a), Step.VOTE)
    client = login(member_login)
    page = client.get(reverse("appraisal:ballot", args=[r.pk])).content.decode()
    assert "A书记" in page and "data-ballot-form" in page
    from dangjian.ballots import selectors as ballot_selectors

    fields = {}
    for q in ballot_selectors.questions(r.poll):
        fields[f"q{q.pk}"] = str(next(o.pk for o in q.options.all() if o.ref == Grade.EXCELLENT))
    review = client.post(reverse("appraisal:ballot", args=[r.pk]), {**fields, "step": "review"})
    assert "data-ballot-review" in review.content.decode()
    cast = client.post(reverse("appraisal:ballot", args=[r.pk]), {**fields, "step": "cast"})
    assert "data-ballot-cast" in cast.content.decode()
    again = client.get(reverse("appraisal:ballot", args=[r.pk])).content.decode()
    assert "rated already" in again
    # While the rating is open, nobody sees a count: not even the secretary.
    page = login(world.a.secretary).get(reverse("appraisal:round", args=[r.pk])).content.decode()
    assert "data-tally" not in page and 'data-turnout="1/2"' in page


def test_the_cap_is_refused_on_the_page_with_its_count(world, login):
    scene.members(world.a, full=8, probationary=1)
    r = scene.counted(scene.round_of(world.a))
    client = login(world.a.secretary)
    page = client.get(reverse("appraisal:round", args=[r.pk])).content.decode()
    assert "data-tally" in page and 'data-cap="0/3"' in page
    graded = Participant.objects.filter(round=r, part=Part.MEMBER).order_by("person__name", "pk")
    form = {"action": "propose"}
    for i, p in enumerate(graded):
        form[f"g{p.pk}"] = Grade.EXCELLENT if i < 4 else Grade.QUALIFIED
    response = client.post(reverse("appraisal:round", args=[r.pk]), form)
    assert response.status_code == 400
    assert "4 members are graded excellent" in response.content.decode()
    assert not Participant.objects.filter(round=r).exclude(proposed_grade="").exists()
    form[f"g{graded[3].pk}"] = Grade.QUALIFIED
    assert client.post(reverse("appraisal:round", args=[r.pk]), form).status_code == 302
    page = client.get(reverse("appraisal:round", args=[r.pk])).content.decode()
    assert 'data-cap="3/3"' in page and "data-confirm" in page
    client.post(reverse("appraisal:round", args=[r.pk]), {"action": "confirm"})
    r.refresh_from_db()
    assert r.step == Step.CONFIRMED


def test_a_member_reads_only_their_own_grade(world, login, member_login):
    r = scene.confirmed(scene.round_of(world.a), **{world.a.secretary.person.name: Grade.BASIC})
    client = login(member_login)
    page = client.get(reverse("appraisal:round", args=[r.pk])).content.decode()
    assert 'data-own-grade="qualified"' in page
    assert 'data-grade="basic"' not in page and "data-tally" not in page
    panel = client.get(reverse("appraisal:person", args=[world.a.secretary.person.pk])).content.decode()
    assert "2026" in panel and 'data-grade="basic"' not in panel
    own = client.get(reverse("appraisal:person", args=[world.a.member.pk])).content.decode()
    assert 'data-grade="qualified"' in own
    officer = login(world.a.secretary).get(reverse("appraisal:person", args=[world.a.member.pk])).content.decode()
    assert 'data-grade="qualified"' in officer


def test_a_representative_rates_and_reads_nobodys_assessment(world, login):
    r = scene.round_of(world.a)
    services.invite_representative(actor=None, round=r, person=world.a.worker)
    scene.at_step(r, Step.VOTE)
    worker = UserFactory(username="worker_a", person=world.a.worker)
    client = login(worker)
    assert "data-ballot-form" in client.get(reverse("appraisal:ballot", args=[r.pk])).content.decode()
    member_line = _line(r, world.a.member)
    assert client.get(reverse("appraisal:member", args=[r.pk, member_line.pk])).status_code == 403
    assert client.get(reverse("appraisal:self", args=[r.pk])).status_code == 403


def test_a_party_member_is_not_invited_as_a_representative(world, login):
    r = scene.round_of(world.b)
    response = login(world.b.secretary).post(
        reverse("appraisal:round", args=[r.pk]), {"action": "invite", "person": world.b.member.pk}
    )
    assert response.status_code == 400
    assert Participant.objects.filter(round=r, part=Part.REPRESENTATIVE).count() == 0


def test_side_b_reads_and_runs_nothing_of_as_round(world, login):
    r = scene.at_step(scene.round_of(world.a), Step.VOTE)
    client = login(world.b.secretary)
    assert client.get(reverse("appraisal:round", args=[r.pk])).status_code == 404
    assert client.post(reverse("appraisal:round", args=[r.pk]), {"action": "advance"}).status_code == 404
    assert client.get(reverse("appraisal:ballot", args=[r.pk])).status_code == 404
    assert client.get(reverse("appraisal:person", args=[world.a.member.pk])).status_code == 404
    r.refresh_from_db()
    assert r.step == Step.VOTE
    assert "A公司党支部" not in client.get(reverse("appraisal:rounds")).content.decode()


def test_the_enterprise_manager_reads_no_appraisal(world, login):
    scene.round_of(world.a)
    assert login(world.a.manager).get(reverse("appraisal:rounds")).status_code == 403


def test_the_results_download_is_the_officers(world, login, member_login):
    r = scene.confirmed(scene.round_of(world.a))
    assert login(member_login).post(reverse("appraisal:download", args=[r.pk])).status_code == 403
    response = login(world.a.secretary).post(reverse("appraisal:download", args=[r.pk]))
    assert response.status_code == 200
    from dangjian.testing.exports import read_rows

    rows = read_rows(response.content)
    names = {row[0] for row in rows}
    assert {"A党员", "A书记"} <= names


def test_the_steps_timeline_names_the_plans_days(world, login):
    r = scene.round_of(world.a, self_until=dt.date(2026, 12, 11), mutual_until=dt.date(2026, 12, 16))
    page = login(world.a.secretary).get(reverse("appraisal:round", args=[r.pk])).content.decode()
    assert "2026-12-11" in page and "2026-12-16" in page
