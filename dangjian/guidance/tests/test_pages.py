"""The guidance pages as their users walk them: the instructor declares, records a visit on the
phone form and adds a problem; the branch's secretary closes it; the enterprise's manager reads
the visit; the county sees who is behind and what is overdue, and keeps the settings. Side B's
people reach none of it."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.guidance.models import Declaration, FollowUp, GuidanceConfig, Visit
from dangjian.testing.factories import EnterpriseFactory, UserFactory
from dangjian.testing.guidance import follow_up_of, instructor_of, visit_of
from dangjian.testing.production import PNG


def test_an_instructor_declares_records_a_visit_and_adds_a_problem(world, login):
    instructor = instructor_of(world.a, declared=False)
    client = login(instructor)
    client.cookies["django_language"] = "en"
    home = client.get(reverse("guidance:page")).content.decode()
    assert "A公司" in home and "Declare first" in home
    # The visit form sends them to the declaration first.
    new = f"{reverse('guidance:visit_new')}?enterprise={world.a.enterprise.pk}"
    assert client.get(new)["Location"].startswith(reverse("guidance:declare"))
    page = client.get(f"{reverse('guidance:declare')}?enterprise={world.a.enterprise.pk}").content.decode()
    assert "no business tie to A公司" in page
    client.post(reverse("guidance:declare"), {"enterprise": world.a.enterprise.pk, "confirm": "1"})
    assert Declaration.objects.filter(assignment__user=instructor).exists()
    today = timezone.localdate()
    form = client.get(new).content.decode()
    assert "Developing members" in form and 'type="date"' in form
    response = client.post(
        new,
        {
            "visited_on": today.isoformat(),
            "minutes": "75",
            "met": "书记、人事经理",
            "topics": ["development", "production"],
            "notes": "看了先锋岗",
            "photos": SimpleUploadedFile("p.png", PNG, "image/png"),
        },
    )
    visit = Visit.objects.get()
    assert response["Location"] == reverse("guidance:visit", args=[visit.pk])
    assert (visit.minutes, visit.topics, visit.photos.count()) == (75, ["development", "production"], 1)
    page = client.get(response["Location"]).content.decode()
    assert "Developing members" in page and "看了先锋岗" in page and "p.png" in page
    added = client.post(
        response["Location"],
        {"f-problem": "发展对象培养记录不全", "f-owner": str(world.a.secretary.pk), "f-due_on": today.isoformat()},
    )
    item = FollowUp.objects.get()
    assert added["Location"].endswith(f"#f{item.pk}") and item.owner == world.a.secretary
    # A future visit is refused on the form, in English, with nothing saved.
    refused = client.post(
        new, {"visited_on": (today + dt.timedelta(days=1)).isoformat(), "minutes": "5", "met": "x", "topics": ["setup"]}
    )
    assert refused.status_code == 400 and "in the future" in refused.content.decode()
    assert Visit.objects.count() == 1


def test_the_owner_closes_a_follow_up_with_a_note_and_others_may_not(world, login):
    instructor = instructor_of(world.a)
    visit = visit_of(world.a, instructor)
    item = follow_up_of(world.a, visit)
    close = reverse("guidance:follow_up_close", args=[item.pk])
    assert login(world.a.manager).get(close).status_code == 403  # not in the manager's hands
    client = login(world.a.secretary)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("guidance:visit", args=[visit.pk])).content.decode()
    assert "党员活动室制度未上墙" in page and close in page
    empty = client.post(close, {"note": " ", "closed_on": dt.date(2026, 4, 2).isoformat()})
    assert empty.status_code == 400 and FollowUp.objects.get().status == "open"
    client.post(close, {"note": "已上墙", "closed_on": dt.date(2026, 4, 2).isoformat()})
    assert FollowUp.objects.get().status == "closed"
    # The secretary reads the visit but neither corrects it nor adds to it.
    assert client.get(reverse("guidance:visit_edit", args=[visit.pk])).status_code == 403
    assert client.post(reverse("guidance:visit", args=[visit.pk]), {"f-problem": "x"}).status_code == 403


def test_side_b_and_another_county_reach_nothing_of_side_a(world, login):
    instructor = instructor_of(world.a)
    visit = visit_of(world.a, instructor)
    item = follow_up_of(world.a, visit)
    other_admin = UserFactory(username="yanqi_admin")
    access_services.assign_role(
        actor=None, user=other_admin, role=Role.ORG_DEPARTMENT, organization=world.outsider_county
    )
    b_instructor = instructor_of(world.b)
    for user in (world.b.secretary, world.b.manager, b_instructor, other_admin):
        client = login(user)
        assert client.get(reverse("guidance:visit", args=[visit.pk])).status_code == 404, user
        assert client.get(reverse("guidance:follow_up_close", args=[item.pk])).status_code == 404, user
        assert client.get(f"{reverse('guidance:visits')}?enterprise={world.a.enterprise.pk}").status_code == 404
        page = client.get(reverse("guidance:page")).content.decode()
        assert "A公司" not in page and "党员活动室" not in page, user
    # B's instructor cannot record a visit at A.
    assert (
        login(b_instructor).get(f"{reverse('guidance:visit_new')}?enterprise={world.a.enterprise.pk}").status_code
        == 404
    )
    # Side A's manager, secretary and the county read it.
    for user in (world.a.manager, world.a.secretary, world.county_admin):
        assert login(user).get(reverse("guidance:visit", args=[visit.pk])).status_code == 200, user


def test_a_member_without_a_role_has_no_guidance(world, login, member_user):
    response = login(member_user).get(reverse("guidance:page"))
    assert response.status_code == 403
    assert "data-nav-guidance" not in login(member_user).get(reverse("home")).content.decode()


def test_the_photo_opens_on_a_post_and_is_audited(world, login):
    from dangjian.guidance import services

    instructor = instructor_of(world.a)
    visit = services.record_visit(
        actor=instructor,
        enterprise=world.a.enterprise,
        visited_on=dt.date(2026, 3, 2),
        minutes=30,
        met="书记",
        topics=["setup"],
        photos=[("a.png", PNG, "image/png")],
        today=dt.date(2026, 12, 1),
    )
    url = reverse("guidance:visit_photo", args=[visit.pk, visit.photos.get().pk])
    client = login(world.a.manager)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert (
        response.status_code == 200
        and b"".join(response.streaming_content if response.streaming else [response.content]) == PNG
    )
    assert login(world.b.manager).post(url).status_code == 404


def test_the_county_sees_who_is_behind_and_keeps_the_settings(world, login):
    today = timezone.localdate()
    behind = instructor_of(world.a, started_on=dt.date(today.year - 1, 1, 1))
    on_time = instructor_of(world.b, started_on=today)
    visit_of(world.b, on_time, on=today, today=today)
    client = login(world.county_admin)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("guidance:page")).content.decode()
    assert 'data-instructor="A指导员"' in page and 'data-instructor="B指导员"' in page
    only = client.get(reverse("guidance:page") + f"?org={world.county.pk}&show=behind").content.decode()
    if today.month > 3:  # a whole quarter has passed this year
        assert 'data-instructor="A指导员"' in only
    assert 'data-instructor="B指导员"' not in only
    del behind
    settings = reverse("guidance:config") + f"?org={world.county.pk}"
    assert login(world.a.secretary).get(settings).status_code in {403, 404}
    client = login(world.county_admin)
    client.post(settings, {"visit_period": "month", "builtin": ["setup", "policy"], "own": "安全生产\n\n工会"})
    config = GuidanceConfig.objects.get(organization=world.county)
    assert (config.visit_period, config.topics) == ("month", ["setup", "policy", "安全生产", "工会"])


def test_the_county_page_costs_the_same_queries_however_many_instructors(world, login):
    client = login(world.county_admin)
    url = reverse("guidance:page") + f"?org={world.county.pk}"
    for side in (world.a,):
        visit_of(side, instructor_of(side))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(4):
        ent = EnterpriseFactory(name=f"新企业{i}", supervising_org=world.park)
        user = UserFactory(username=f"cadre{i}")
        ra = access_services.assign_role(actor=None, user=user, role=Role.INSTRUCTOR, enterprise=ent)
        from dangjian.guidance import services

        services.declare(actor=user, assignment=ra)
        services.record_visit(
            actor=user, enterprise=ent, visited_on=timezone.localdate(), minutes=30, met="x", topics=["setup"]
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert 'data-rows="5"' in html
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    assert len(few) <= 30
