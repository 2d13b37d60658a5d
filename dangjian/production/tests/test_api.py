"""/api/v1/production: coverage, teams in charge, pairings and their notes, posts and their
recognition, courses with their trainees and assessments — each narrowed as the pages are (side
B never reaches A's records; a manager reads coverage and training, never pairings; a worker
reads their own pairing and their own assessment), every write through the services, audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.audit.models import AuditEvent
from dangjian.production import services
from dangjian.production.models import Pairing, Post, TeamCharge, Trainee
from dangjian.testing.api import API
from dangjian.testing.factories import PersonFactory, UnitFactory, UserFactory

P = f"{API}/production"
EN = {"accept-language": "en"}
TODAY = timezone.localdate()
START = TODAY - dt.timedelta(days=30)


def _charge(side, team=None, **extra):
    return services.take_charge(
        actor=None, organization=side.branch, team=team or side.team, member=side.member, started_on=START, **extra
    )


def _pairing(side, partner=None, purposes=("skills",)):
    return services.pair(
        actor=None,
        organization=side.branch,
        member=side.member,
        partners=[partner or side.worker],
        purposes=list(purposes),
        started_on=START,
    )


def _post(side, title=None):
    return services.propose_post(
        actor=None,
        organization=side.branch,
        kind="vanguard",
        title=title or f"{side.enterprise.name}质检先锋岗",
        holder=side.member,
        commitment="质量第一，零差错",
        started_on=START,
        unit=side.team,
    )


def _course(side, title="质检技能培训"):
    return services.open_course(
        actor=None,
        organization=side.branch,
        title=title,
        skill="质量检验",
        trainer=side.member,
        starts_on=START,
        ends_on=TODAY + dt.timedelta(days=30),
        hours=Decimal("8.0"),
    )


def _worker_user(side, username="worker_a"):
    return UserFactory(username=username, person=side.worker)


def _names(response, key="member_name"):
    assert response.status_code == 200, response.content
    return [item[key] for item in response.json()["items"]]


def _events(after: int):
    return list(AuditEvent.objects.filter(id__gt=after).order_by("id"))


def _last_event() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


# --- coverage --------------------------------------------------------------------------------


def test_coverage_lists_every_team_of_the_branch_covered_or_not(world, api_as):
    _charge(world.a)
    UnitFactory(enterprise=world.a.enterprise, kind="team", name="A缝纫二组", parent=world.a.workshop)
    _charge(world.b)
    response = api_as(world.a.secretary).get(f"{P}/coverage", {"org": world.a.branch.pk})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["organization"] == {"id": world.a.branch.pk, "name": "A公司党支部"}
    assert (data["teams"], data["covered"], data["uncovered"], data["percent"]) == (2, 1, 1, 50)
    rows = {r["team"]: r for r in data["rows"]}
    assert set(rows) == {"A缝纫一组", "A缝纫二组"}
    assert rows["A缝纫一组"]["covered"] is True
    assert rows["A缝纫一组"]["member_name"] == "A党员"
    assert rows["A缝纫一组"]["covered_since"] == START.isoformat()
    assert (rows["A缝纫一组"]["workshop"], rows["A缝纫一组"]["enterprise"]) == ("A一车间", "A公司")
    assert rows["A缝纫二组"]["covered"] is False and rows["A缝纫二组"]["member_name"] is None
    assert "B" not in response.content.decode()


def test_coverage_of_side_b_is_not_found_for_a(world, api_as):
    _charge(world.b)
    response = api_as(world.a.secretary).get(f"{P}/coverage", {"org": world.b.branch.pk})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    # B's own secretary reads it, and A's manager reads A's, not B's.
    assert api_as(world.b.secretary).get(f"{P}/coverage", {"org": world.b.branch.pk}).json()["covered"] == 1
    assert api_as(world.a.manager).get(f"{P}/coverage", {"org": world.b.branch.pk}).status_code == 404


def test_a_manager_reads_the_enterprises_coverage_the_county_every_enterprises(world, api_as):
    _charge(world.a)
    _charge(world.b)
    mine = api_as(world.a.manager).get(f"{P}/coverage")  # defaults to the page the manager opens on
    assert mine.status_code == 200, mine.content
    assert (mine.json()["organization"]["id"], mine.json()["covered"]) == (world.a.branch.pk, 1)
    county = api_as(world.county_admin).get(f"{P}/coverage", {"org": world.county.pk}).json()
    assert {r["enterprise"] for r in county["rows"]} == {"A公司", "B公司"}
    assert county["covered"] == 2


def test_a_worker_has_no_branchs_coverage_to_read(world, api_as):
    # A worker reads the records that name them, not a branch's page.
    worker = api_as(_worker_user(world.a))
    assert worker.get(f"{P}/coverage").status_code == 404
    assert worker.get(f"{P}/coverage", {"org": world.a.branch.pk}).status_code == 404


# --- teams in charge -------------------------------------------------------------------------


def test_charges_are_listed_within_the_callers_reach(world, api_as, django_assert_num_queries):
    _charge(world.a)
    _charge(world.b)
    assert _names(api_as(world.a.secretary).get(f"{P}/team-charges")) == ["A党员"]
    assert _names(api_as(world.b.secretary).get(f"{P}/team-charges")) == ["B党员"]
    assert _names(api_as(world.a.manager).get(f"{P}/team-charges")) == ["A党员"]
    assert _names(api_as(world.county_admin).get(f"{P}/team-charges")) == ["A党员", "B党员"]
    # An organisation outside the caller's pages narrows to nothing rather than widening.
    assert _names(api_as(world.a.secretary).get(f"{P}/team-charges", {"org": world.b.branch.pk})) == []
    item = api_as(world.a.secretary).get(f"{P}/team-charges").json()["items"][0]
    assert (item["team_name"], item["workshop_name"], item["ended_on"], item["end_reason"]) == (
        "A缝纫一组",
        "A一车间",
        None,
        None,
    )

    client = api_as(world.a.secretary)
    client.get(f"{P}/team-charges")  # the token's last use is written once a minute: not in the count
    for i in range(3):
        team = UnitFactory(enterprise=world.a.enterprise, kind="team", name=f"A组{i}", parent=world.a.workshop)
        _charge(world.a, team=team)
    # token, roles, own person with their branch, count, page ids, the page's rows with team,
    # workshop, member, group and organisation
    with django_assert_num_queries(6):
        response = client.get(f"{P}/team-charges")
    assert response.json()["count"] == 4


def test_a_secretary_puts_a_team_in_charge_audited(world, api_as):
    client = api_as(world.a.secretary)
    last = _last_event()
    body = {
        "organization_id": world.a.branch.pk,
        "team_id": world.a.team.pk,
        "member_id": world.a.member.pk,
        "started_on": START.isoformat(),
    }
    response = client.post(f"{P}/team-charges", body)
    assert response.status_code == 201, response.content
    assert (response.json()["member_name"], response.json()["team_name"]) == ("A党员", "A缝纫一组")
    charge = TeamCharge.objects.get()
    events = _events(last)
    assert [(e.action, e.object_type, e.source) for e in events] == [("create", "production.TeamCharge", "api")]
    assert events[0].actor_id == world.a.secretary.pk and events[0].object_id == str(charge.pk)


def test_side_b_cannot_put_as_team_in_charge_and_a_manager_may_not_either(world, api_as):
    body = {
        "organization_id": world.a.branch.pk,
        "team_id": world.a.team.pk,
        "member_id": world.a.member.pk,
        "started_on": START.isoformat(),
    }
    b_secretary, manager, secretary = (
        api_as(world.b.secretary),
        api_as(world.a.manager, **EN),
        api_as(world.a.secretary, **EN),
    )
    last = _last_event()
    response = b_secretary.post(f"{P}/team-charges", body)
    assert response.status_code == 404, response.content
    response = manager.post(f"{P}/team-charges", body)
    assert response.status_code == 403, response.content
    # B's team named from A's branch: not in A's reach, worded as missing.
    response = secretary.post(f"{P}/team-charges", {**body, "team_id": world.b.team.pk})
    assert response.status_code == 422
    assert response.json()["errors"]["team_id"] == [
        f"There is no production unit with id {world.b.team.pk} that you have access to."
    ]
    assert not TeamCharge.objects.exists()
    assert _events(last) == []


def test_a_refused_charge_says_why_on_the_field_the_client_sent(world, api_as):
    body = {
        "organization_id": world.a.branch.pk,
        "team_id": world.a.workshop.pk,
        "member_id": world.a.member.pk,
        "started_on": START.isoformat(),
    }
    client = api_as(world.a.secretary, **EN)
    response = client.post(f"{P}/team-charges", body)
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == {"team_id": ["A一车间 is a workshop: choose one of its teams."]}
    response = client.post(f"{P}/team-charges", {**body, "team_id": world.a.team.pk, "member_id": world.a.worker.pk})
    assert response.status_code == 422
    assert "is not a party member of" in response.json()["errors"]["member_id"][0]
    response = client.post(f"{P}/team-charges", {**body, "started_on": "soon"})
    assert response.json()["errors"] == {"started_on": ["Enter a valid date."]}


def test_ending_a_charge_uncovers_the_team_and_only_its_keepers_may(world, api_as):
    charge = _charge(world.a)
    assert api_as(world.b.secretary).post(f"{P}/team-charges/{charge.pk}/end", {}).status_code == 404
    assert api_as(world.a.manager).post(f"{P}/team-charges/{charge.pk}/end", {}).status_code == 403
    response = api_as(world.a.secretary).post(f"{P}/team-charges/{charge.pk}/end", {"reason": "handed_over"})
    assert response.status_code == 200, response.content
    assert (response.json()["ended_on"], response.json()["end_reason"]) == (TODAY.isoformat(), "handed_over")
    again = api_as(world.a.secretary, **EN).post(f"{P}/team-charges/{charge.pk}/end", {})
    assert again.status_code == 422
    assert again.json()["message"] == f"This charge already ended on {TODAY.isoformat()}."


# --- pairings --------------------------------------------------------------------------------


def test_pairings_are_the_branchs_a_workers_own_and_never_a_managers(world, api_as, django_assert_num_queries):
    worker2 = PersonFactory(name="A工人二", employer=world.a.enterprise, team=world.a.team)
    _pairing(world.a)
    _pairing(world.a, partner=worker2, purposes=("thinking",))
    _pairing(world.b)
    secretary = api_as(world.a.secretary).get(f"{P}/pairings").json()
    assert secretary["count"] == 2
    assert {p["name"] for item in secretary["items"] for p in item["partners"]} == {"A工人", "A工人二"}
    assert _names(api_as(world.b.secretary).get(f"{P}/pairings")) == ["B党员"]
    assert _names(api_as(world.a.manager).get(f"{P}/pairings")) == []
    own = api_as(_worker_user(world.a)).get(f"{P}/pairings").json()
    assert [[p["name"] for p in item["partners"]] for item in own["items"]] == [["A工人"]]
    assert own["items"][0]["purposes"] == ["skills"]

    client = api_as(world.a.secretary)
    client.get(f"{P}/pairings")
    for i in range(3):
        _pairing(world.a, partner=PersonFactory(name=f"A新工{i}", employer=world.a.enterprise), purposes=("life",))
    # token, roles, own person with their branch, count, the page's rows with member,
    # organisation, enterprise and latest note's date (grouped: read whole), their employees
    with django_assert_num_queries(6):
        response = client.get(f"{P}/pairings")
    assert response.json()["count"] == 5


def test_a_secretary_pairs_a_member_and_refusals_name_the_field(world, api_as):
    client = api_as(world.a.secretary, **EN)
    body = {
        "organization_id": world.a.branch.pk,
        "member_id": world.a.member.pk,
        "partner_ids": [world.a.worker.pk],
        "purposes": ["skills", "policy"],
        "started_on": START.isoformat(),
    }
    last = _last_event()
    response = client.post(f"{P}/pairings", body)
    assert response.status_code == 201, response.content
    assert response.json()["purposes"] == ["skills", "policy"]
    assert [e.action for e in _events(last)] == ["create"]
    # The same worker again for skills: one pairing per purpose at a time.
    again = client.post(f"{P}/pairings", {**body, "purposes": ["skills"]})
    assert again.status_code == 422
    assert "already paired with A党员" in again.json()["errors"]["partner_ids"][0]
    assert client.post(f"{P}/pairings", {**body, "purposes": ["gossip"]}).status_code == 422
    # B's worker is outside A's reach: worded as missing.
    outside = client.post(f"{P}/pairings", {**body, "partner_ids": [world.b.worker.pk], "purposes": ["life"]})
    assert outside.status_code == 422
    assert outside.json()["errors"]["partner_ids"] == [
        f"There is no person with id {world.b.worker.pk} that you have access to."
    ]
    assert Pairing.objects.count() == 1
    assert api_as(world.b.secretary).post(f"{P}/pairings", body).status_code == 404


def test_notes_are_written_by_the_pairings_own_people_only(world, api_as):
    pairing = _pairing(world.a)
    worker = _worker_user(world.a)
    response = api_as(worker).post(f"{P}/pairings/{pairing.pk}/notes", {"text": "学会了新的锁边技术"})
    assert response.status_code == 201, response.content
    assert (response.json()["author_name"], response.json()["written_on"]) == ("A工人", TODAY.isoformat())
    # The secretary keeps the pairing but writes no note in someone else's name.
    refused = api_as(world.a.secretary, **EN).post(f"{P}/pairings/{pairing.pk}/notes", {"text": "代写"})
    assert refused.status_code == 403
    assert refused.json()["message"] == "A pairing's notes are written by its member and its paired employees."
    assert api_as(world.b.secretary).post(f"{P}/pairings/{pairing.pk}/notes", {"text": "x"}).status_code == 404
    assert api_as(world.b.secretary).get(f"{P}/pairings/{pairing.pk}/notes").status_code == 404
    empty = api_as(worker, **EN).post(f"{P}/pairings/{pairing.pk}/notes", {"text": ""})
    assert empty.status_code == 422 and "text" in empty.json()["errors"]
    notes = api_as(world.a.secretary).get(f"{P}/pairings/{pairing.pk}/notes")
    assert [n["text"] for n in notes.json()] == ["学会了新的锁边技术"]
    listed = api_as(world.a.secretary).get(f"{P}/pairings").json()["items"][0]
    assert listed["last_note_on"] == TODAY.isoformat()


def test_ending_a_pairing_is_for_its_keepers(world, api_as):
    pairing = _pairing(world.a)
    assert api_as(world.b.secretary).post(f"{P}/pairings/{pairing.pk}/end", {}).status_code == 404
    assert api_as(_worker_user(world.a)).post(f"{P}/pairings/{pairing.pk}/end", {}).status_code == 403
    response = api_as(world.a.secretary).post(f"{P}/pairings/{pairing.pk}/end", {"reason": "工人调岗"})
    assert response.status_code == 200, response.content
    assert (response.json()["ended_on"], response.json()["end_reason"]) == (TODAY.isoformat(), "工人调岗")
    assert api_as(world.a.secretary).get(f"{P}/pairings", {"open": "true"}).json()["count"] == 0


# --- posts -----------------------------------------------------------------------------------


def test_posts_are_listed_within_reach_with_the_registrys_filters(world, api_as, django_assert_num_queries):
    _post(world.a)
    _post(world.b)
    assert _names(api_as(world.a.secretary).get(f"{P}/posts"), "title") == ["A公司质检先锋岗"]
    assert _names(api_as(world.b.manager).get(f"{P}/posts"), "title") == ["B公司质检先锋岗"]
    assert _names(api_as(world.a.secretary).get(f"{P}/posts", {"org": world.b.branch.pk}), "title") == []
    county = api_as(world.county_admin)
    assert len(_names(county.get(f"{P}/posts", {"org": world.county.pk, "status": "proposed"}), "title")) == 2
    assert _names(county.get(f"{P}/posts", {"status": "recognised"}), "title") == []
    assert county.get(f"{P}/posts", {"kind": "shrine"}).status_code == 422

    client = api_as(world.a.secretary)
    client.get(f"{P}/posts")
    for i in range(3):
        _post(world.a, title=f"A示范岗{i}")
    # token, roles, own person with their branch, count, page ids, the page's rows with holder,
    # unit, enterprise, organisation and recogniser
    with django_assert_num_queries(6):
        response = client.get(f"{P}/posts")
    assert response.json()["count"] == 4


def test_a_branch_proposes_and_the_county_recognises(world, api_as):
    body = {
        "organization_id": world.a.branch.pk,
        "title": "缝纫先锋岗",
        "holder_id": world.a.member.pk,
        "commitment": "带头攻坚",
        "started_on": START.isoformat(),
        "unit_id": world.a.team.pk,
    }
    response = api_as(world.a.secretary).post(f"{P}/posts", body)
    assert response.status_code == 201, response.content
    post = response.json()
    assert (post["status"], post["unit_name"], post["holder_name"]) == ("proposed", "A缝纫一组", "A党员")

    # The branch does not recognise its own post; the county's organisation department does.
    own = api_as(world.a.secretary, **EN).post(f"{P}/posts/{post['id']}/status", {"status": "recognised"})
    assert own.status_code == 403
    assert own.json()["message"] == "Posts are recognised and suspended by the committee above the branch."
    county = api_as(world.county_admin)
    last = _last_event()
    response = county.post(f"{P}/posts/{post['id']}/status", {"status": "recognised"})
    assert response.status_code == 200, response.content
    assert response.json()["recognised_by"] == {"id": world.county.pk, "name": "和静县委"}
    assert response.json()["recognised_on"] == TODAY.isoformat()
    assert [(e.action, e.actor_id) for e in _events(last)] == [("update", world.county_admin.pk)]

    unsaid = api_as(world.county_admin, **EN).post(f"{P}/posts/{post['id']}/status", {"status": "suspended"})
    assert unsaid.status_code == 422
    assert unsaid.json()["errors"]["reason"] == ["Say why the post is suspended: the branch and the holder read it."]
    ended = api_as(world.a.secretary).post(f"{P}/posts/{post['id']}/status", {"status": "ended"})
    assert ended.status_code == 200 and ended.json()["ended_on"] == TODAY.isoformat()


def test_side_b_cannot_propose_in_a_nor_move_as_posts(world, api_as):
    post = _post(world.a)
    body = {
        "organization_id": world.a.branch.pk,
        "title": "岗",
        "holder_id": world.a.member.pk,
        "commitment": "承诺",
        "started_on": START.isoformat(),
    }
    assert api_as(world.b.secretary).post(f"{P}/posts", body).status_code == 404
    assert api_as(world.b.secretary).post(f"{P}/posts/{post.pk}/status", {"status": "ended"}).status_code == 404
    # A's employees read the post as its sign shows it, and change nothing.
    assert api_as(_worker_user(world.a)).post(f"{P}/posts/{post.pk}/status", {"status": "ended"}).status_code == 403
    post.refresh_from_db()
    assert post.status == "proposed" and Post.objects.count() == 1


# --- training --------------------------------------------------------------------------------


def test_courses_are_read_by_the_manager_and_opened_by_the_branch(world, api_as, django_assert_num_queries):
    _course(world.a)
    _course(world.b, title="B质检培训")
    assert _names(api_as(world.a.manager).get(f"{P}/courses"), "title") == ["质检技能培训"]
    assert _names(api_as(world.b.secretary).get(f"{P}/courses"), "title") == ["B质检培训"]
    body = {
        "organization_id": world.a.branch.pk,
        "title": "锁边培训",
        "skill": "锁边",
        "trainer_id": world.a.member.pk,
        "starts_on": TODAY.isoformat(),
        "ends_on": TODAY.isoformat(),
        "hours": "4.5",
    }
    response = api_as(world.a.secretary).post(f"{P}/courses", body)
    assert response.status_code == 201, response.content
    assert (response.json()["hours"], response.json()["trainees"]) == (4.5, 0)
    assert api_as(world.a.manager).post(f"{P}/courses", body).status_code == 403
    assert api_as(world.b.secretary).post(f"{P}/courses", body).status_code == 404
    bad = api_as(world.a.secretary, **EN).post(f"{P}/courses", {**body, "ends_on": START.isoformat()})
    assert bad.status_code == 422 and "before the start" in bad.json()["errors"]["ends_on"][0]

    client = api_as(world.a.secretary)
    client.get(f"{P}/courses")
    _course(world.a, title="缝纫培训")
    # token, roles, own person with their branch, count, the page's rows with trainer, enterprise,
    # organisation and counts (a grouped list is read whole, not ids first)
    with django_assert_num_queries(5):
        response = client.get(f"{P}/courses")
    assert response.json()["count"] == 3


def test_trainees_assessments_are_for_those_who_keep_the_course_a_trainee_reads_their_own(world, api_as):
    course = _course(world.a)
    worker2 = PersonFactory(name="A工人二", employer=world.a.enterprise)
    response = api_as(world.a.secretary).post(
        f"{P}/courses/{course.pk}/trainees", {"person_ids": [world.a.worker.pk, worker2.pk]}
    )
    assert response.status_code == 201, response.content
    assert {t["person_name"] for t in response.json()} == {"A工人", "A工人二"}
    trainee = Trainee.objects.get(person=world.a.worker)
    response = api_as(world.a.secretary, **EN).post(
        f"{P}/trainees/{trainee.pk}/assessment", {"result": "passed", "assessed_on": TODAY.isoformat()}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["result"], response.json()["result_label"]) == ("passed", "Passed")

    assert {t["person_name"] for t in api_as(world.a.manager).get(f"{P}/courses/{course.pk}/trainees").json()} == {
        "A工人",
        "A工人二",
    }
    worker = _worker_user(world.a)
    own = api_as(worker).get(f"{P}/courses/{course.pk}/trainees")
    assert [(t["person_name"], t["result"]) for t in own.json()] == [("A工人", "passed")]
    # The trainee may not assess themselves; B's secretary does not see the course at all.
    assert api_as(worker).post(f"{P}/trainees/{trainee.pk}/assessment", {"result": "certified"}).status_code == 403
    b_client = api_as(world.b.secretary)
    assert b_client.get(f"{P}/courses/{course.pk}/trainees").status_code == 404
    assert b_client.post(f"{P}/courses/{course.pk}/trainees", {"person_ids": [world.b.worker.pk]}).status_code == 404
    assert b_client.post(f"{P}/trainees/{trainee.pk}/assessment", {"result": "failed"}).status_code == 404


def test_an_assessment_or_enrolment_the_rules_refuse_is_explained(world, api_as):
    course = _course(world.a)
    [trainee] = services.enrol(actor=None, course=course, people=[world.a.worker])
    client = api_as(world.a.secretary, **EN)
    response = client.post(
        f"{P}/trainees/{trainee.pk}/assessment", {"result": "certified", "assessed_on": TODAY.isoformat()}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "certificate_no": ["A certified trainee has a certificate number: give it."],
        "certified_on": ["Give the date on the certificate."],
    }
    response = client.post(f"{P}/courses/{course.pk}/trainees", {"person_ids": [world.a.member.pk]})
    assert response.status_code == 422
    assert response.json()["errors"] == {"person_ids": ["A党员 leads this course."]}
    response = client.post(f"{P}/courses/{course.pk}/trainees", {"person_ids": [world.b.worker.pk]})
    assert response.status_code == 422 and "person_ids" in response.json()["errors"]
    assert client.post(f"{P}/trainees/999999/assessment", {"result": "failed"}).status_code == 404
    trainee.refresh_from_db()
    assert trainee.result == "pending"


@pytest.mark.parametrize("path", ["team-charges", "pairings", "posts", "courses"])
def test_lists_are_closed_to_anonymous_callers(world, anonymous, path):
    assert anonymous.get(f"{P}/{path}").status_code == 401
    assert anonymous.post(f"{P}/{path}", {"organization_id": world.b.branch.pk}).status_code == 401
