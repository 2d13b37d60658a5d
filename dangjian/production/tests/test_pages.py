"""The production pages as their users walk them: the secretary puts teams in charge, pairs,
proposes a post and prints its sign, runs a course; the county recognises; the member writes
their pairing's note; the trainee reads their own result; the other side sees none of it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.people import services as people_services
from dangjian.production import services
from dangjian.production.models import Post, PostStatus, SessionAttendance, TeamCharge, Trainee
from dangjian.testing.factories import PersonFactory, UnitFactory, UserFactory

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def _in_english(client):
    """The refusals are read in English here (the site's default is Chinese; the catalogue test
    proves every message has its Chinese)."""
    client.cookies["django_language"] = "en"


START = TODAY - dt.timedelta(days=200)


def _page(client, org) -> str:
    response = client.get(reverse("production:page") + f"?org={org.pk}")
    assert response.status_code == 200
    return response.content.decode()


def test_secretary_covers_every_team_and_the_page_says_so(world, login):
    a = world.a
    client = login(a.secretary)
    second = UnitFactory(enterprise=a.enterprise, kind="team", name="A缝纫二组", parent=a.workshop)
    html = _page(client, a.branch)
    assert 'data-covered="0" data-total="2"' in html
    assert "A缝纫一组" in html and "A缝纫二组" in html
    response = client.post(
        reverse("production:charge_new") + f"?org={a.branch.pk}",
        {"team": a.team.pk, "member": a.member.pk, "started_on": START.isoformat()},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("production:charge_new") + f"?org={a.branch.pk}",
        {"team": second.pk, "member": a.member.pk, "started_on": START.isoformat()},
    )
    assert response.status_code == 302
    html = _page(client, a.branch)
    assert 'data-covered="2" data-total="2"' in html
    assert "data-uncovered=" not in html
    # The same team again, for someone else: refused with the other's name, nothing written.
    response = client.post(
        reverse("production:charge_new") + f"?org={a.branch.pk}",
        {"team": a.team.pk, "member": a.member.pk, "started_on": TODAY.isoformat()},
    )
    assert response.status_code == 400
    assert "already in the charge of A党员" in response.content.decode()
    assert TeamCharge.objects.filter(team=a.team).count() == 1
    assert AuditEvent.objects.filter(object_type="production.TeamCharge").count() >= 2


def test_the_other_side_cannot_open_or_change_a_branch_production_work(world, login):
    a, b = world.a, world.b
    charge = services.take_charge(actor=None, organization=a.branch, team=a.team, member=a.member, started_on=START)
    pairing = services.pair(
        actor=None, organization=a.branch, member=a.member, partners=[a.worker], purposes=["skills"], started_on=START
    )
    client = login(b.secretary)
    assert client.get(reverse("production:page") + f"?org={a.branch.pk}").status_code == 404
    assert client.get(reverse("production:pairing", args=[pairing.pk])).status_code == 404
    assert client.get(reverse("production:charge_end", args=[charge.pk])).status_code == 404
    response = client.post(reverse("production:charge_new") + f"?org={a.branch.pk}", {"team": a.team.pk})
    assert response.status_code == 404
    assert TeamCharge.objects.get(pk=charge.pk).ended_on is None


def test_a_manager_reads_coverage_and_training_but_not_who_is_paired(world, login):
    a = world.a
    services.take_charge(actor=None, organization=a.branch, team=a.team, member=a.member, started_on=START)
    pairing = services.pair(
        actor=None, organization=a.branch, member=a.member, partners=[a.worker], purposes=["skills"], started_on=START
    )
    client = login(a.manager)
    html = _page(client, a.branch)
    assert 'data-covered="1" data-total="1"' in html
    assert 'id="pairings"' not in html
    assert client.get(reverse("production:pairing", args=[pairing.pk])).status_code == 404
    assert client.get(reverse("production:charge_new") + f"?org={a.branch.pk}").status_code in (403, 404)


def test_member_and_worker_write_their_pairing_notes_an_officer_reads_them(world, login):
    a = world.a
    pairing = services.pair(
        actor=None,
        organization=a.branch,
        member=a.member,
        partners=[a.worker],
        purposes=["skills", "life"],
        started_on=START,
    )
    worker_user = UserFactory(username="worker_a", person=a.worker)
    client = login(worker_user)
    html = client.get(reverse("production:page")).content.decode()
    assert "data-my-pairing" in html and "A党员" in html
    response = client.post(
        reverse("production:pairing", args=[pairing.pk]),
        {"note-written_on": TODAY.isoformat(), "note-text": "学会了锁边机的调试"},
    )
    assert response.status_code == 302
    # A date before the pairing began: refused in words, nothing stored.
    response = client.post(
        reverse("production:pairing", args=[pairing.pk]),
        {"note-written_on": (START - dt.timedelta(days=1)).isoformat(), "note-text": "x"},
    )
    assert response.status_code == 400
    assert "date the note within it" in response.content.decode()
    assert pairing.notes.count() == 1
    # The secretary reads it but writes no note in someone's name.
    client = login(a.secretary)
    page = client.get(reverse("production:pairing", args=[pairing.pk])).content.decode()
    assert "学会了锁边机的调试" in page
    response = client.post(
        reverse("production:pairing", args=[pairing.pk]), {"note-written_on": TODAY.isoformat(), "note-text": "代写"}
    )
    assert response.status_code == 403
    assert pairing.notes.count() == 1


def test_a_post_is_proposed_signed_recognised_and_its_public_page_shows_only_the_sign(world, login):
    a = world.a
    a.member.phone = "13912345678"
    a.member.save()
    client = login(a.secretary)
    response = client.post(
        reverse("production:post_new") + f"?org={a.branch.pk}",
        {
            "kind": "vanguard",
            "title": "质量检验先锋岗",
            "unit": a.team.pk,
            "holder": a.member.pk,
            "commitment": "每件出厂产品零缺陷",
            "started_on": START.isoformat(),
        },
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.status == PostStatus.PROPOSED
    sign = client.get(reverse("production:post_sign", args=[post.pk]))
    assert sign.status_code == 200 and sign["Content-Type"] == "application/pdf"
    assert sign.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(object_type="production.Post", action="export").exists()
    # The branch does not recognise its own post.
    response = client.post(reverse("production:post_status", args=[post.pk]), {"status": "recognised"})
    assert response.status_code == 403
    assert Post.objects.get().status == PostStatus.PROPOSED
    # The county does, from its registry.
    county = login(world.county_admin)
    registry = county.get(reverse("production:posts") + f"?org={world.county.pk}&status=proposed").content.decode()
    assert "质量检验先锋岗" in registry
    response = county.post(reverse("production:post_status", args=[post.pk]), {"status": "recognised"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == PostStatus.RECOGNISED and post.recognised_by == world.county
    # Anyone who scans the sign reads what it shows, and nothing more.
    client.logout()
    public = client.get(reverse("production:public", args=[post.public_key]))
    assert public.status_code == 200
    text = public.content.decode()
    assert "质量检验先锋岗" in text and "A党员" in text and "每件出厂产品零缺陷" in text
    assert "13912345678" not in text and a.member.id_number[-4:] not in text
    # Suspended (with a reason): the public page is gone.
    county = login(world.county_admin)
    county.post(reverse("production:post_status", args=[post.pk]), {"status": "suspended", "reason": "离岗"})
    county.logout()
    assert client.get(reverse("production:public", args=[post.public_key])).status_code == 404


def test_side_b_county_cannot_recognise_a_post_of_another_county(world, login):
    from dangjian.access import services as access_services
    from dangjian.access.models import Role

    a = world.a
    post = services.propose_post(
        actor=None,
        organization=a.branch,
        kind="vanguard",
        title="岗",
        holder=a.member,
        commitment="承诺",
        started_on=START,
    )
    other = UserFactory(username="other_county")
    access_services.assign_role(actor=None, user=other, role=Role.ORG_DEPARTMENT, organization=world.outsider_county)
    client = login(other)
    assert client.post(reverse("production:post_status", args=[post.pk]), {"status": "recognised"}).status_code == 404
    assert Post.objects.get().status == PostStatus.PROPOSED


def test_a_course_enrols_marks_attendance_with_one_tap_and_assesses(world, login):
    a = world.a
    inspectors = [PersonFactory(name=f"质检员{i}", employer=a.enterprise, team=a.team) for i in range(3)]
    client = login(a.secretary)
    response = client.post(
        reverse("production:course_new") + f"?org={a.branch.pk}",
        {
            "title": "质检技能培训",
            "skill": "质量检验",
            "trainer": a.member.pk,
            "starts_on": START.isoformat(),
            "ends_on": TODAY.isoformat(),
            "hours": "24",
        },
    )
    assert response.status_code == 302
    course_url = response["Location"]
    course_pk = int(re.search(r"/courses/(\d+)/", course_url).group(1))
    response = client.post(reverse("production:course_enrol", args=[course_pk]), {"team": a.team.pk})
    assert response.status_code == 302
    # The team's employees, the trainer excepted, are enrolled.
    assert set(Trainee.objects.values_list("person__name", flat=True)) >= {p.name for p in inspectors}
    response = client.post(
        reverse("production:session_new", args=[course_pk]),
        {"held_on": TODAY.isoformat(), "hours": "2", "topic": "验针"},
    )
    assert response.status_code == 302
    row = SessionAttendance.objects.filter(trainee__person=inspectors[0]).get()
    tapped = client.post(
        reverse("production:attendance", args=[course_pk, row.pk]), {"present": "1"}, HTTP_HX_REQUEST="true"
    )
    assert tapped.status_code == 200 and 'data-present="1"' in tapped.content.decode()
    trainee = Trainee.objects.get(person=inspectors[0])
    response = client.post(
        reverse("production:assess", args=[trainee.pk]),
        {"result": "certified", "assessed_on": TODAY.isoformat(), "certificate_no": ""},
    )
    assert response.status_code == 400
    assert "certificate number" in response.content.decode()
    response = client.post(
        reverse("production:assess", args=[trainee.pk]),
        {
            "result": "certified",
            "assessed_on": TODAY.isoformat(),
            "certificate_no": "ZJ-2026-001",
            "certified_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    # The trainee reads their own result, not their colleagues'.
    trainee_user = UserFactory(username="inspector0", person=inspectors[0])
    page = login(trainee_user).get(reverse("production:course", args=[course_pk])).content.decode()
    assert "ZJ-2026-001" in page
    assert inspectors[1].name not in page


def test_side_b_secretary_cannot_assess_or_tap_a_course_of_side_a(world, login):
    a = world.a
    course = services.open_course(
        actor=None,
        organization=a.branch,
        title="课",
        skill="技能",
        trainer=a.member,
        starts_on=START,
        ends_on=TODAY,
        hours=Decimal(8),
    )
    (trainee,) = services.enrol(actor=None, course=course, people=[a.worker])
    client = login(world.b.secretary)
    assert client.get(reverse("production:course", args=[course.pk])).status_code == 404
    response = client.post(reverse("production:assess", args=[trainee.pk]), {"result": "passed"})
    assert response.status_code == 404
    assert Trainee.objects.get(pk=trainee.pk).result == "pending"


def _grow(a, n: int) -> None:
    """n more teams in charge, pairings, posts and courses in side A's branch."""
    start = TeamCharge.objects.count()
    for i in range(start, start + n):
        team = UnitFactory(enterprise=a.enterprise, kind="team", name=f"扩组{i}", parent=a.workshop)
        member = PersonFactory(name=f"扩员{i}", employer=a.enterprise, team=team)
        people_services.add_membership(
            actor=None,
            person=member,
            organization=a.branch,
            admitted_on=dt.date(2015, 1, 1),
            converted_on=dt.date(2016, 1, 1),
        )
        member.refresh_from_db()
        worker = PersonFactory(name=f"扩工{i}", employer=a.enterprise, team=team)
        services.take_charge(actor=None, organization=a.branch, team=team, member=member, started_on=START)
        pairing = services.pair(
            actor=None, organization=a.branch, member=member, partners=[worker], purposes=["skills"], started_on=START
        )
        services.add_note(actor=None, pairing=pairing, author=worker, text="好", written_on=TODAY)
        services.propose_post(
            actor=None,
            organization=a.branch,
            kind="vanguard",
            title=f"岗{i}",
            holder=member,
            commitment="承诺",
            started_on=START,
            unit=team,
        )
        course = services.open_course(
            actor=None,
            organization=a.branch,
            title=f"课{i}",
            skill="技能",
            trainer=member,
            starts_on=START,
            ends_on=TODAY,
            hours=Decimal(4),
        )
        services.enrol(actor=None, course=course, people=[worker])


def test_the_branch_page_costs_the_same_queries_however_much_it_shows(world, login):
    client = login(world.a.secretary)
    url = reverse("production:page") + f"?org={world.a.branch.pk}"
    _grow(world.a, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _grow(world.a, 6)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert 'data-pairings="8"' in html
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    assert len(few) <= 40


def test_the_county_rollup_counts_each_enterprise(world, login):
    a, b = world.a, world.b
    services.take_charge(actor=None, organization=a.branch, team=a.team, member=a.member, started_on=START)
    html = _page(login(world.county_admin), world.county)
    assert "data-total-coverage>1/2<" in html
    assert 'data-row="A公司"' in html and 'data-row="B公司"' in html
    # A county of another prefecture's reach sees none of it.
    from dangjian.access import services as access_services
    from dangjian.access.models import Role

    other = UserFactory(username="other_county")
    access_services.assign_role(actor=None, user=other, role=Role.ORG_DEPARTMENT, organization=world.outsider_county)
    assert login(other).get(reverse("production:page") + f"?org={world.county.pk}").status_code == 404
    assert b.enterprise.name in html


def test_a_post_photo_uploads_shows_on_its_page_and_sign_but_not_to_side_b(world, login):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), (200, 30, 30)).save(buffer, "PNG")
    a = world.a
    client = login(a.secretary)
    response = client.post(
        reverse("production:post_new") + f"?org={a.branch.pk}",
        {
            "kind": "model",
            "title": "示范岗",
            "holder": a.member.pk,
            "commitment": "带头",
            "started_on": START.isoformat(),
            "photo": SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    post = Post.objects.get()
    photo = client.get(reverse("production:post_photo", args=[post.pk]))
    assert photo.status_code == 200 and photo.content == buffer.getvalue()
    assert bytes(post.photo) != buffer.getvalue()  # kept sealed, not in clear
    assert client.get(reverse("production:post_sign", args=[post.pk])).content.startswith(b"%PDF")
    assert login(world.b.secretary).get(reverse("production:post_photo", args=[post.pk])).status_code == 404
