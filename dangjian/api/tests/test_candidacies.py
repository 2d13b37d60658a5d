"""/candidacies: membership development through the API, on the same rules and services as the
web pages; refusals explained, scopes kept, the political review masked unless revealable."""

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import AuditEvent
from dangjian.development import rules
from dangjian.development import services as development
from dangjian.development.models import Candidacy, Step
from dangjian.testing.api import API
from dangjian.testing.development import plan
from dangjian.testing.factories import PersonFactory, UserFactory

TODAY = timezone.localdate()


def days_ago(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def _ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def _apply(world, person=None, applied=60):
    return development.apply(
        actor=None,
        person=person or world.a.worker,
        organization=world.a.branch,
        applied_on=TODAY - dt.timedelta(days=applied),
    )


def test_a_walk_through_the_first_steps(world, api_as):
    client = api_as(world.a.secretary)
    body = _ok(
        client.post(
            f"{API}/candidacies",
            {"person_id": world.a.worker.pk, "organization_id": world.a.branch.pk, "applied_on": days_ago(60)},
        ),
        201,
    )
    cid = body["id"]
    assert body["stage"] == "applicant" and body["person_name"] == "A工人"
    assert [s["number"] for s in body["steps"]] == [1]
    talk = body["due"][0]
    assert (talk["number"], talk["overdue"]) == (2, True)  # applied two months ago, no talk yet
    assert talk["due_by"] == rules.add_months(TODAY - dt.timedelta(days=60), 1).isoformat()

    url = f"{API}/candidacies/{cid}/steps"
    body = _ok(client.post(url, {"number": 2, "done_on": days_ago(20), "acted_by": "A书记"}), 201)
    assert body["steps"][-1]["late"] is True  # more than a month after the application: recorded, marked late
    _ok(client.post(url, {"number": 3, "done_on": days_ago(10), "data": {"recommended_by": "members"}}), 201)
    _ok(client.post(url, {"number": 4, "done_on": days_ago(5)}), 201)
    body = _ok(client.post(url, {"number": 5, "done_on": days_ago(5), "data": {"contacts": [world.a.member.pk]}}), 201)
    assert body["stage"] == "activist" and body["activist_on"] == days_ago(10)
    assert [s["number"] for s in body["steps"]] == [1, 2, 3, 4, 5]
    assert body["steps"][-1]["data"] == {"contacts": [world.a.member.pk]}
    due = {d["number"]: d for d in body["due"]}
    assert due[6]["overdue"] is False and due[6]["due_by"] is not None
    assert set(due) == {6} and due[6]["label"]  # step 7 waits for an assessment (step 6)

    world.a.worker.refresh_from_db()
    assert world.a.worker.political_status == "activist"
    events = AuditEvent.objects.filter(object_type__in=["development.Candidacy", "development.Step"])
    assert events.exists() and set(events.values_list("source", flat=True)) == {"api"}

    detail = _ok(client.get(f"{API}/candidacies/{cid}"))
    assert detail["steps"] == body["steps"] and detail["due"] == body["due"]


def test_a_refused_step_answers_422_with_the_rule_and_the_date(world, api_as):
    cand = _apply(world, applied=30)
    client = api_as(world.a.secretary)
    url = f"{API}/candidacies/{cand.pk}/steps"
    _ok(client.post(url, {"number": 2, "done_on": days_ago(25)}), 201)
    _ok(client.post(url, {"number": 3, "done_on": days_ago(20)}), 201)
    for n in (4, 5, 6):
        data = {"contacts": [world.a.member.pk]} if n == 5 else {}
        _ok(client.post(url, {"number": n, "done_on": days_ago(10), "data": data}), 201)
    steps = Step.objects.count()

    response = client.post(url, {"number": 7, "done_on": days_ago(1)})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "refused"
    assert body["errors"]["rule"] == ["activist_year"]
    one_year_on = rules.add_years(TODAY - dt.timedelta(days=20), 1).isoformat()  # one year after step 3
    assert body["errors"]["possible_from"] == [one_year_on]
    assert one_year_on in body["message"]
    assert Step.objects.count() == steps

    # Out of order: the form before the public notice.
    body = client.post(url, {"number": 14, "done_on": days_ago(1)}).json()
    assert body["code"] == "refused" and body["errors"] == {"rule": ["order"], "possible_from": []}

    # A future date.
    body = client.post(url, {"number": 6, "done_on": (TODAY + dt.timedelta(days=3)).isoformat()}).json()
    assert body["errors"]["rule"] == ["future"]

    # A schema error is not a refusal.
    body = client.post(url, {"number": 26, "done_on": days_ago(1)}).json()
    assert body["code"] == "invalid" and "number" in body["errors"]


def test_an_under_age_application_is_refused_with_the_day_it_becomes_possible(world, api_as):
    young = PersonFactory(name="少年", employer=world.a.enterprise, birth_date=TODAY - dt.timedelta(days=17 * 366))
    response = api_as(world.a.secretary).post(
        f"{API}/candidacies",
        {"person_id": young.pk, "organization_id": world.a.branch.pk, "applied_on": TODAY.isoformat()},
    )
    body = response.json()
    assert response.status_code == 422 and body["code"] == "refused"
    assert body["errors"]["rule"] == ["age"]
    assert body["errors"]["possible_from"] == [rules.add_years(young.birth_date, 18).isoformat()]
    assert not Candidacy.objects.filter(person=young).exists()


def test_a_second_application_is_invalid_not_refused(world, api_as):
    _apply(world)
    response = api_as(world.a.secretary).post(
        f"{API}/candidacies",
        {"person_id": world.a.worker.pk, "organization_id": world.a.branch.pk, "applied_on": days_ago(1)},
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_withdraw(world, api_as):
    cand = _apply(world)
    client = api_as(world.a.secretary)
    body = _ok(client.post(f"{API}/candidacies/{cand.pk}/withdraw", {"reason": "调离本单位"}))
    assert (body["stage"], body["outcome"], body["closed_on"]) == ("closed", "withdrawn", TODAY.isoformat())
    world.a.worker.refresh_from_db()
    assert world.a.worker.political_status != "applicant"
    response = client.post(f"{API}/candidacies/{cand.pk}/withdraw", {"reason": "again"})
    assert response.status_code == 422


def test_list_filters(world, api_as):
    overdue = _apply(world, applied=60)  # no talk after two months
    talked_to = _apply(world, PersonFactory(name="A新人", employer=world.a.enterprise), applied=20)
    development.record_step(actor=None, candidacy=talked_to, number=2, done_on=TODAY - dt.timedelta(days=5))
    b = development.apply(
        actor=None, person=world.b.worker, organization=world.b.branch, applied_on=TODAY - dt.timedelta(days=90)
    )

    def ids(client, **params):
        return {item["id"] for item in _ok(client.get(f"{API}/candidacies", params))["items"]}

    a = api_as(world.a.secretary)
    assert ids(a) == {overdue.pk, talked_to.pk}
    assert ids(a, overdue="true") == {overdue.pk}
    assert ids(a, overdue="false") == {talked_to.pk}
    assert ids(a, stage="activist") == set()
    assert ids(a, organization=world.a.branch.pk) == {overdue.pk, talked_to.pk}
    assert ids(a, organization=world.b.branch.pk) == set()  # invisible: like one that does not exist
    county = api_as(world.county_admin)
    assert ids(county, overdue="true") == {overdue.pk, b.pk}
    assert ids(county, organization=world.b.branch.pk, stage="applicant") == {b.pk}
    assert a.get(f"{API}/candidacies", {"stage": "nonsense"}).status_code == 422


def test_side_b_is_out_of_reach(world, api_as):
    b = development.apply(
        actor=None, person=world.b.worker, organization=world.b.branch, applied_on=TODAY - dt.timedelta(days=9)
    )
    a = api_as(world.a.secretary)
    events = AuditEvent.objects.count()
    assert a.get(f"{API}/candidacies/{b.pk}").status_code == 404
    assert a.post(f"{API}/candidacies/{b.pk}/steps", {"number": 2, "done_on": days_ago(1)}).status_code == 404
    assert a.post(f"{API}/candidacies/{b.pk}/withdraw", {"reason": "x"}).status_code == 404
    assert _ok(a.get(f"{API}/candidacies"))["count"] == 0
    # Applying for B's person, or to B's branch, names something A cannot see.
    response = a.post(
        f"{API}/candidacies",
        {"person_id": world.b.member.pk, "organization_id": world.a.branch.pk, "applied_on": days_ago(1)},
    )
    assert response.status_code == 422 and "person_id" in response.json()["errors"]
    response = a.post(
        f"{API}/candidacies",
        {"person_id": world.a.worker.pk, "organization_id": world.b.branch.pk, "applied_on": days_ago(1)},
    )
    assert response.status_code == 422 and "organization_id" in response.json()["errors"]
    assert AuditEvent.objects.count() == events
    assert not Step.objects.filter(candidacy=b, number=2).exists()


def test_view_only_roles_cannot_write(world, api_as, member_user):
    cand = _apply(world, applied=9)
    instructor = UserFactory(username="instructor_a")
    access_services.assign_role(actor=None, user=instructor, role=Role.INSTRUCTOR, enterprise=world.a.enterprise)
    client = api_as(instructor)
    assert _ok(client.get(f"{API}/candidacies/{cand.pk}"))["id"] == cand.pk
    assert client.post(f"{API}/candidacies/{cand.pk}/steps", {"number": 2, "done_on": days_ago(1)}).status_code == 403
    response = client.post(
        f"{API}/candidacies",
        {"person_id": world.a.member.pk, "organization_id": world.a.branch.pk, "applied_on": days_ago(1)},
    )
    assert response.status_code == 403  # may see the branch and the person, may not keep candidacies
    # The manager (no development role) and an ordinary member see no candidacies at all.
    assert api_as(world.a.manager).get(f"{API}/candidacies/{cand.pk}").status_code == 404
    assert _ok(api_as(member_user).get(f"{API}/candidacies"))["count"] == 0
    # The candidate sees their own record but does not record steps on it.
    own = UserFactory(username="worker_a", person=world.a.worker)
    assert _ok(api_as(own).get(f"{API}/candidacies"))["count"] == 1
    assert api_as(own).post(f"{API}/candidacies/{cand.pk}/withdraw", {"reason": "x"}).status_code == 403


@pytest.fixture
def reviewed(world):
    """A candidate past the political review (step 10), on the walk's valid dates."""
    applied = TODAY - dt.timedelta(days=800)
    person = PersonFactory(name="阿比巴汗", employer=world.a.enterprise, birth_date=dt.date(1995, 5, 5))
    cand = development.apply(actor=None, person=person, organization=world.a.branch, applied_on=applied)
    sponsors = [world.a.member.pk, world.a.secretary.person_id]
    for number, on, data in plan(applied, sponsors, sponsors[:1]):
        if number > 10:
            break
        conclusion = "政治可靠，历史清白，同意列为发展对象。" if number == 10 else ""
        note = "外调无问题" if number == 10 else ""
        development.record_step(
            actor=None, candidacy=cand, number=number, done_on=on, data=data, conclusion=conclusion, note=note
        )
    return cand


def test_the_political_review_is_clear_only_when_asked_and_every_clear_answer_is_logged(world, api_as, reviewed):
    client = api_as(world.a.secretary)
    url = f"{API}/candidacies/{reviewed.pk}"
    body = _ok(client.get(url))
    review = next(s for s in body["steps"] if s["number"] == 10)
    assert review["conclusion"] == "***" and review["note"] == "外调无问题"  # masked unless asked for
    assert not AuditEvent.objects.filter(action="reveal").exists()

    # Asking by GET reveals nothing: a link (or a page on another site, riding the session) must
    # not make a user "view" the conclusion. The clear value is a POST, like a person's numbers.
    response = client.get(url, {"reveal": "conclusion"})
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    assert "POST" in response.json()["message"] and "政治可靠" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="reveal").exists()

    body = _ok(client.post(f"{url}/reveal", {"field": "conclusion"}))
    assert body == {"field": "conclusion", "value": "政治可靠，历史清白，同意列为发展对象。"}
    event = AuditEvent.objects.filter(action="reveal").get()
    assert (event.actor_id, event.object_type, event.source) == (world.a.secretary.pk, "development.Step", "api")
    assert event.changes == {"field": "conclusion"}
    _ok(client.post(f"{url}/reveal", {"field": "conclusion"}))
    assert AuditEvent.objects.filter(action="reveal").count() == 2  # each clear answer
    assert client.post(f"{url}/reveal", {"field": "everything"}).status_code == 422

    # A write answers masked, and reveals nothing.
    body = _ok(client.post(f"{url}/steps", {"number": 11, "done_on": days_ago(1), "data": {"days": 3}}), 201)
    assert next(s for s in body["steps"] if s["number"] == 10)["conclusion"] == "***"
    assert AuditEvent.objects.filter(action="reveal").count() == 2

    instructor = UserFactory(username="instructor_a")
    access_services.assign_role(actor=None, user=instructor, role=Role.INSTRUCTOR, enterprise=world.a.enterprise)
    for user in (instructor, UserFactory(username="candidate_self", person=reviewed.person)):
        response = api_as(user).get(url)
        review = next(s for s in _ok(response)["steps"] if s["number"] == 10)
        assert review["conclusion"] == "***" and review["note"] == "***"
        assert "政治可靠" not in response.content.decode() and "外调" not in response.content.decode()
        refused = api_as(user).post(f"{url}/reveal", {"field": "conclusion"})
        assert refused.status_code == 403 and "政治可靠" not in refused.content.decode()
    assert AuditEvent.objects.filter(action="reveal").count() == 2
    # Side B does not learn the candidacy exists.
    assert api_as(world.b.secretary).post(f"{url}/reveal", {"field": "conclusion"}).status_code == 404
    assert AuditEvent.objects.filter(action="reveal").count() == 2
    due = {d["number"] for d in _ok(response)["due"]}
    assert {12} <= due and 10 not in due


def test_the_branch_cannot_record_the_higher_committees_steps(world, api_as):
    cand = _apply(world, applied=9)
    body = api_as(world.a.secretary).post(f"{API}/candidacies/{cand.pk}/steps", {"number": 17, "done_on": days_ago(1)})
    assert body.status_code == 422
    assert body.json()["code"] == "refused" and body.json()["errors"]["rule"] == ["authority"]
    # The county's organisation department may; there the rules speak (step 16 comes first).
    body = api_as(world.county_admin).post(f"{API}/candidacies/{cand.pk}/steps", {"number": 17, "done_on": days_ago(1)})
    assert body.json()["errors"]["rule"] == ["order"]


@pytest.mark.parametrize(
    "number, data, field",
    [
        (2, {"days": 3}, "data"),  # a detail of another step
        (2, {"anything": "x"}, "data"),  # a detail of no step
        (10, {"conclusion": "x"}, "data"),  # the conclusion has its own, encrypted, field
        (5, {"contacts": 5}, "data.contacts"),
        (5, {"contacts": ["A党员"]}, "data.contacts.0"),
        (5, {"contacts": [True]}, "data.contacts.0"),
        (9, {"sponsors": [1.5, 2]}, "data.sponsors.0"),
        (11, {"days": "three"}, "data.days"),
        (11, {"hours": -1}, "data.hours"),
        (11, {"days": [3]}, "data.days"),
        (13, {"notice_from": "soon"}, "data.notice_from"),
        (15, {"entitled": 9.5}, "data.entitled"),
        (15, {"present": -1}, "data.present"),
        (23, {"yes": "6"}, "data.yes"),
        (24, {"decision": ["on_time"]}, "data.decision"),
        (24, {"decision": "maybe"}, "data.decision"),
        (24, {"months": "six"}, "data.months"),
    ],
)
def test_step_details_are_typed_and_whitelisted_per_step(world, api_as, number, data, field):
    cand = _apply(world, applied=9)
    response = api_as(world.a.secretary).post(
        f"{API}/candidacies/{cand.pk}/steps", {"number": number, "done_on": days_ago(1), "data": data}
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid" and field in body["errors"], body
    assert not Step.objects.filter(candidacy=cand, number=number).exists()


def test_a_non_finite_length_is_invalid(world, api_as):
    cand = _apply(world, applied=9)
    client = api_as(world.a.secretary)
    for raw in ("NaN", "Infinity"):
        response = client.post(
            f"{API}/candidacies/{cand.pk}/steps",
            f'{{"number": 11, "done_on": "{days_ago(1)}", "data": {{"days": {raw}}}}}',
        )
        assert response.status_code == 422 and "data.days" in response.json()["errors"]
