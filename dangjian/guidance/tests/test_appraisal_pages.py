"""The appraisal pages and API as their users walk them: the county lists its instructors for a
year with the figures and the enterprise's opinions, appraises on the form (refused past its cap,
saying the limit), keeps the cap in its settings; the secretary and the manager give their
opinion from the guidance page; the instructor reads their own appraisals of every year. The
branch, side B's people and another county reach none of it; the list costs the same queries
however many instructors it shows."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.guidance import selectors, services
from dangjian.guidance.models import Appraisal, GuidanceConfig, Opinion
from dangjian.testing.api import API
from dangjian.testing.factories import EnterpriseFactory, UserFactory
from dangjian.testing.guidance import appraisal_of, follow_up_of, instructor_of, opinion_of, visit_of

YEAR = 2026


def _list(world, year=YEAR):
    return f"{reverse('guidance:appraisals')}?org={world.county.pk}&year={year}"


def _appraise_url(world, instructor, year=YEAR):
    return f"{reverse('guidance:appraise', args=[instructor.pk])}?org={world.county.pk}&year={year}"


def _other_admin(world):
    user = UserFactory(username="yanqi_admin")
    access_services.assign_role(actor=None, user=user, role=Role.ORG_DEPARTMENT, organization=world.outsider_county)
    return user


def test_the_county_lists_its_instructors_and_appraises_one_on_the_form(world, login):
    a = instructor_of(world.a)
    instructor_of(world.b)
    follow_up_of(world.a, visit_of(world.a, a))
    opinion_of(world.a, a, rating="basically_satisfied")
    client = login(world.county_admin)
    client.cookies["django_language"] = "en"
    page = client.get(_list(world)).content.decode()
    assert 'data-instructor="A指导员"' in page and 'data-instructor="B指导员"' in page
    assert "1 visit" in page and "1 open" in page and "Basically satisfied" in page
    form = client.get(_appraise_url(world, a)).content.decode()
    assert "Basically satisfied" in form and 'value="excellent"' in form
    response = client.post(_appraise_url(world, a), {"grade": "excellent", "comment": "成效明显"})
    assert response.status_code == 302 and response["Location"].endswith(f"#i{a.pk}")
    saved = Appraisal.objects.get()
    assert (saved.grade, saved.visits, saved.follow_ups_open, saved.appraised_by) == (
        "excellent",
        1,
        1,
        world.county_admin,
    )
    assert 'data-grade="excellent"' in client.get(_list(world)).content.decode()


def test_past_the_cap_the_form_says_the_limit_and_saves_nothing(world, login):
    a, b = instructor_of(world.a), instructor_of(world.b)
    client = login(world.county_admin)
    client.cookies["django_language"] = "en"
    settings = f"{reverse('guidance:config')}?org={world.county.pk}"
    client.post(settings, {"visit_period": "quarter", "builtin": ["setup"], "own": "", "excellent_cap": "50"})
    assert GuidanceConfig.objects.get(organization=world.county).excellent_cap == 50
    client.post(_appraise_url(world, a), {"grade": "excellent"})
    refused = client.post(_appraise_url(world, b), {"grade": "excellent"})
    assert refused.status_code == 400
    assert "At most 1 of the 2 instructors" in refused.content.decode()
    assert not Appraisal.objects.filter(instructor=b).exists()
    page = client.get(_list(world)).content.decode()
    assert "of at most 1 (50% of the instructors, rounded down)" in page


def test_the_branch_side_b_and_another_county_reach_no_appraisal(world, login):
    a = instructor_of(world.a)
    appraisal_of(world, world.a, a, grade="competent")
    other_admin = _other_admin(world)
    b_instructor = instructor_of(world.b)
    history = reverse("guidance:appraisal_history", args=[a.pk])
    for user in (world.a.secretary, world.a.manager, world.b.secretary, b_instructor, other_admin):
        client = login(user)
        assert client.get(history).status_code == 404, user
        assert client.get(_appraise_url(world, a)).status_code == 404, user
        assert client.post(_appraise_url(world, a), {"grade": "excellent"}).status_code == 404, user
        assert client.get(_list(world)).status_code == 404, user
    # Another county's department sees its own (empty) list, never this county's instructors.
    own = login(other_admin).get(reverse("guidance:appraisals")).content.decode()
    assert "A指导员" not in own and "焉耆县委" in own
    wrong = f"{reverse('guidance:appraise', args=[a.pk])}?org={world.outsider_county.pk}&year={YEAR}"
    assert login(other_admin).get(wrong).status_code == 404
    # The branch is told who appraises.
    assert login(world.a.secretary).get(reverse("guidance:appraisals")).status_code == 403
    assert Appraisal.objects.get().grade == "competent"


def test_the_instructor_reads_their_own_appraisals_of_every_year(world, login):
    a = instructor_of(world.a, started_on=dt.date(YEAR - 1, 3, 1))
    services.appraise(
        actor=None,
        committee=world.county,
        instructor=a,
        year=YEAR - 1,
        grade="basically_competent",
        today=dt.date(YEAR, 1, 10),
    )
    appraisal_of(world, world.a, a, grade="excellent")
    client = login(a)
    client.cookies["django_language"] = "en"
    assert reverse("guidance:appraisal_history", args=[a.pk]) in client.get(reverse("guidance:page")).content.decode()
    page = client.get(reverse("guidance:appraisal_history", args=[a.pk])).content.decode()
    assert 'data-years="2"' in page and "My appraisals" in page
    assert page.index('data-year="2026"') < page.index('data-year="2025"')
    assert "Basically competent" in page and "Excellent" in page
    # Not the opinions, not the county's list, not another instructor's history.
    assert client.get(reverse("guidance:appraisals")).status_code == 403
    assert client.get(_list(world)).status_code == 404
    assert client.get(reverse("guidance:appraisal_history", args=[instructor_of(world.b).pk])).status_code == 404
    # The county reads it too.
    assert (
        'data-years="2"'
        in login(world.county_admin).get(reverse("guidance:appraisal_history", args=[a.pk])).content.decode()
    )


def test_the_secretary_gives_the_opinion_from_the_guidance_page(world, login):
    a = instructor_of(world.a, started_on=dt.date(YEAR - 1, 3, 1))
    client = login(world.a.secretary)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("guidance:page")).content.decode()
    assert 'data-opinion-for="A指导员"' in page and "Give your opinion" in page
    year = selectors.default_appraisal_year(timezone.localdate())  # last year in the first quarter
    url = (
        f"{reverse('guidance:opinion')}?enterprise={world.a.enterprise.pk}&instructor={a.pk}&year={year}&role=secretary"
    )
    assert url in page
    form = client.get(url).content.decode()
    assert "A指导员" in form and "Basically satisfied" in form
    response = client.post(url, {"rating": "satisfied", "comment": "每季度都来"})
    assert response.status_code == 302
    o = Opinion.objects.get()
    assert (o.author_role, o.rating, o.author, o.year) == ("secretary", "satisfied", world.a.secretary, year)
    assert 'data-rating="satisfied"' in client.get(reverse("guidance:page")).content.decode()
    # The manager gives theirs; B's secretary and manager cannot reach A's form.
    assert login(world.a.manager).get(url).status_code == 200
    for user in (world.b.secretary, world.b.manager, world.county_admin, a):
        assert login(user).get(url).status_code == 404, user
        assert login(user).post(url, {"rating": "not_satisfied"}).status_code == 404, user
    assert Opinion.objects.get().rating == "satisfied"


def test_the_appraisal_list_costs_the_same_queries_however_many_instructors(world, login):
    a = instructor_of(world.a)
    follow_up_of(world.a, visit_of(world.a, a))
    opinion_of(world.a, a)
    appraisal_of(world, world.a, a)
    client = login(world.county_admin)
    client.get(_list(world))
    with CaptureQueriesContext(connection) as few:
        assert client.get(_list(world)).status_code == 200
    for i in range(4):
        ent = EnterpriseFactory(name=f"新企业{i}", supervising_org=world.park)
        user = UserFactory(username=f"cadre{i}")
        ra = access_services.assign_role(
            actor=None, user=user, role=Role.INSTRUCTOR, enterprise=ent, started_on=dt.date(YEAR, 1, 5)
        )
        services.declare(actor=user, assignment=ra)
        visit = services.record_visit(
            actor=user,
            enterprise=ent,
            visited_on=dt.date(YEAR, 5, 1),
            minutes=30,
            met="x",
            topics=["setup"],
            today=dt.date(YEAR, 12, 1),
        )
        services.add_follow_up(actor=user, visit=visit, problem="x", owner=user, due_on=dt.date(YEAR, 6, 1))
        services.appraise(actor=None, committee=world.county, instructor=user, year=YEAR, grade="competent")
    with CaptureQueriesContext(connection) as many:
        html = client.get(_list(world)).content.decode()
    assert 'data-rows="5"' in html
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    assert len(few) <= 14


# --- the API --------------------------------------------------------------------------------------


def test_the_api_appraises_within_the_cap_and_scopes_what_each_reads(world, api_as):
    a, b = instructor_of(world.a), instructor_of(world.b)
    services.save_config(
        actor=None, organization=world.county, visit_period="quarter", topics=["setup"], excellent_cap=50
    )
    county = api_as(world.county_admin, **{"accept-language": "en"})
    body = {"org_id": world.county.pk, "instructor_id": a.pk, "year": YEAR, "grade": "excellent"}
    created = county.post(f"{API}/guidance/appraisals", body)
    assert created.status_code == 201, created.content
    assert created.json()["grade_label"] == "Excellent"
    again = county.post(f"{API}/guidance/appraisals", {**body, "comment": "确认"})
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    over = county.post(f"{API}/guidance/appraisals", {**body, "instructor_id": b.pk})
    assert over.status_code == 422 and "At most 1 of the 2" in str(over.json())
    patched = county.patch(f"{API}/guidance/appraisals/{created.json()['id']}", {"grade": "competent"})
    assert patched.status_code == 200 and patched.json()["grade"] == "competent"
    assert county.post(f"{API}/guidance/appraisals", {**body, "instructor_id": b.pk}).status_code == 201
    assert county.get(f"{API}/guidance/appraisals?year={YEAR}").json()["count"] == 2
    # The instructor reads their own; the branch and another county none; nobody else appraises.
    assert [x["instructor_id"] for x in api_as(a).get(f"{API}/guidance/appraisals").json()["items"]] == [a.pk]
    assert api_as(world.a.secretary).get(f"{API}/guidance/appraisals").json()["count"] == 0
    other = api_as(_other_admin(world))
    assert other.get(f"{API}/guidance/appraisals").json()["count"] == 0
    assert other.post(f"{API}/guidance/appraisals", body).status_code == 404
    assert other.get(f"{API}/guidance/appraisals/{created.json()['id']}").status_code == 404
    wrong = other.post(f"{API}/guidance/appraisals", {**body, "org_id": world.outsider_county.pk})
    assert wrong.status_code == 422 and "instructor_id" in wrong.json()["errors"]
    assert (
        api_as(a).patch(f"{API}/guidance/appraisals/{created.json()['id']}", {"grade": "excellent"}).status_code == 403
    )


def test_the_api_takes_the_opinion_of_the_enterprises_own_people_only(world, api_as):
    a = instructor_of(world.a)
    body = {"enterprise_id": world.a.enterprise.pk, "instructor_id": a.pk, "year": YEAR, "rating": "satisfied"}
    given = api_as(world.a.manager).post(f"{API}/guidance/opinions", body)
    assert given.status_code == 201 and given.json()["author_role"] == "manager"
    assert api_as(world.b.manager).post(f"{API}/guidance/opinions", body).status_code == 404
    assert api_as(world.b.secretary).get(f"{API}/guidance/opinions/{given.json()['id']}").status_code == 404
    assert api_as(world.a.secretary).get(f"{API}/guidance/opinions").json()["count"] == 0  # the manager's
    assert api_as(a).get(f"{API}/guidance/opinions").json()["count"] == 0
    assert api_as(world.county_admin).get(f"{API}/guidance/opinions").json()["count"] == 1
    changed = api_as(world.a.manager).patch(f"{API}/guidance/opinions/{given.json()['id']}", {"comment": "很好"})
    assert changed.status_code == 200 and changed.json()["rating"] == "satisfied"
    not_theirs = api_as(world.a.manager).post(f"{API}/guidance/opinions", {**body, "instructor_id": world.b.manager.pk})
    assert not_theirs.status_code == 422 and "instructor_id" in not_theirs.json()["errors"]
