"""Branch ratings through the public API, as an integration would call it: a county keeps its
schemes and rounds (another county reaches none of them), a scheme whose weights do not add up is
a 422 naming the sum, the branch and its instructor score in their own capacity, a closed round
refuses new scores."""

from __future__ import annotations

from django.utils import timezone

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.guidance.models import Method, RatingScheme
from dangjian.testing.api import API
from dangjian.testing.factories import UserFactory
from dangjian.testing.guidance import candidate_of, instructor_of, round_of, scored_candidate, three_good

EN = {"accept-language": "en"}


def _criteria(weights):
    return [{"name": f"项{i}", "weight": w, "method": "reviewed"} for i, w in enumerate(weights)]


def test_a_county_keeps_its_schemes_and_another_county_reaches_none(world, api_as):
    client = api_as(world.county_admin, **EN)
    body = {"org_id": world.county.pk, "name": "五好", "title": "五好党支部", "criteria": _criteria([50, 45])}
    response = client.post(f"{API}/guidance/rating-schemes", body)
    assert response.status_code == 422
    assert "The weights add up to 95 points" in str(response.json())
    body["criteria"] = _criteria([50, 50])
    assert client.post(f"{API}/guidance/rating-schemes", body).status_code == 201
    names = [s["name"] for s in client.get(f"{API}/guidance/rating-schemes", {"org": world.county.pk}).json()]
    assert names.count("五好") == 1 and "三好党支部" in names
    other = UserFactory(username="yanqi_od")
    access_services.assign_role(actor=None, user=other, role=Role.ORG_DEPARTMENT, organization=world.outsider_county)
    outsider = api_as(other)
    assert outsider.get(f"{API}/guidance/rating-schemes", {"org": world.county.pk}).status_code == 404
    assert outsider.post(f"{API}/guidance/rating-schemes", body).status_code == 404
    rnd = round_of(world)
    assert outsider.get(f"{API}/guidance/rating-rounds/{rnd.pk}").status_code == 404
    assert RatingScheme.objects.filter(name="五好").count() == 1


def test_the_branch_and_its_instructor_score_in_their_own_capacity(world, api_as):
    instructor = instructor_of(world.a)
    candidate = candidate_of(world, world.a)
    criterion = three_good().criteria.filter(method=Method.REVIEWED).first()
    body = {"scores": [{"criterion_id": criterion.pk, "points": 20, "note": "班子团结"}]}
    url = f"{API}/guidance/rating-candidates/{candidate.pk}/scores"
    for user, reviewer in ((world.a.secretary, "self"), (instructor, "instructor")):
        response = api_as(user).put(url, body, content_type="application/json")
        assert response.status_code == 200, response.content
        scores = [s for s in response.json()["scores"] if s["reviewer"] == reviewer]
        assert [(s["criterion_id"], s["points"]) for s in scores] == [(criterion.pk, "20.0")]
    # Counted scores come with the figures they were read from.
    counted = [
        s
        for s in api_as(world.a.secretary).get(f"{API}/guidance/rating-candidates/{candidate.pk}").json()["scores"]
        if s["reviewer"] is None
    ]
    assert counted and all(s["basis"]["as_of"] == "2026-06-30" for s in counted)
    # Side B's secretary and the manager score nothing.
    assert api_as(world.b.secretary).put(url, body, content_type="application/json").status_code == 404
    assert api_as(world.a.manager).put(url, body, content_type="application/json").status_code == 403


def test_a_closed_round_refuses_new_scores(world, api_as):
    candidate = scored_candidate(world)
    client = api_as(world.county_admin, **EN)
    closed = client.post(f"{API}/guidance/rating-rounds/{candidate.round_id}/close", {})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    criterion = three_good().criteria.filter(method=Method.REVIEWED).first()
    response = client.put(
        f"{API}/guidance/rating-candidates/{candidate.pk}/scores",
        {"scores": [{"criterion_id": criterion.pk, "points": 1, "note": "改分"}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert f"closed on {timezone.localdate().isoformat()}" in str(response.json())
