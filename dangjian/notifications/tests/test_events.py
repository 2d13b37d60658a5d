"""Events notify at once, without any command: an online application reaches the branch's
officers, a planned, moved or cancelled meeting its expected attendees, a step of an application
its candidate; each in the recipient's language, once, and audited; nobody on side B hears of A."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from dangjian.audit.models import AuditEvent
from dangjian.branchlife import services as branchlife
from dangjian.development import services as development
from dangjian.notifications.models import Kind, Notification
from dangjian.testing.factories import PersonFactory, UserFactory


def test_an_online_application_reaches_the_secretary_at_once(world, login):
    person = PersonFactory(name="阿比巴汗", employer=world.a.enterprise, birth_date=dt.date(1998, 5, 5))
    applicant = UserFactory(username="abibahan_a", person=person)
    response = login(applicant).post(reverse("development:apply"), {"text": "我志愿加入中国共产党。"})
    assert response.status_code == 302
    told = Notification.objects.get(kind=Kind.APPLICATION)
    assert told.user == world.a.secretary and "阿比巴汗" in told.title
    assert not Notification.objects.filter(user=world.b.secretary).exists()
    assert AuditEvent.objects.filter(changes__notified=Kind.APPLICATION).count() == 1
    assert "阿比巴汗" in login(world.a.secretary).get(reverse("notifications:list")).content.decode()  # the bell


def test_a_planned_meeting_tells_its_members_and_a_move_tells_them_again(world, member_user):
    world.a.secretary.language = "en"
    world.a.secretary.save()
    day = timezone.localdate() + dt.timedelta(days=7)
    m = branchlife.plan_meeting(
        actor=world.a.secretary, organization=world.a.branch, kind="general", held_on=day, topic="学习党章"
    )
    told = Notification.objects.get(user=member_user, kind=Kind.MEETING)
    assert "学习党章" in told.title and day.isoformat() in told.body
    assert not Notification.objects.filter(user=world.a.secretary).exists()  # not told of their own act
    branchlife.update_meeting(actor=world.a.secretary, meeting=m, topic="学习党章")  # nothing moved
    assert Notification.objects.filter(user=member_user).count() == 1
    branchlife.update_meeting(actor=world.a.secretary, meeting=m, place="6号厂房")
    assert Notification.objects.filter(user=member_user).count() == 2
    branchlife.update_meeting(actor=world.a.secretary, meeting=m, status="cancelled")
    assert Notification.objects.filter(user=member_user).count() == 3
    assert not Notification.objects.filter(user__person=world.b.member).exists()


def test_a_candidate_is_told_when_their_application_moves_on(world):
    person = PersonFactory(name="申请人乙", employer=world.a.enterprise, birth_date=dt.date(1998, 5, 5))
    user = UserFactory(username="candidate_a", person=person)
    cand = development.apply(
        actor=world.a.secretary, person=person, organization=world.a.branch, applied_on=dt.date(2026, 1, 5)
    )
    development.record_step(
        actor=world.a.secretary, candidacy=cand, number=2, done_on=dt.date(2026, 1, 20), today=dt.date(2026, 1, 20)
    )
    assert not Notification.objects.filter(user=user).exists()  # the talk is not a step they are told of
    development.record_step(
        actor=world.a.secretary,
        candidacy=cand,
        number=3,
        done_on=dt.date(2026, 3, 1),
        data={"recommended_by": "members"},
        today=dt.date(2026, 3, 1),
    )
    told = Notification.objects.get(user=user)
    assert told.kind == Kind.CANDIDACY and told.url == reverse("development:detail", args=[cand.pk])
    development.withdraw(actor=world.a.secretary, candidacy=cand, on=dt.date(2026, 3, 2), reason="本人撤回")
    assert Notification.objects.filter(user=user).count() == 2
    assert not Notification.objects.filter(user=world.b.secretary).exists()


def test_a_new_application_is_on_the_secretarys_to_do_list_at_once(world, login):
    person = PersonFactory(name="阿比巴汗", employer=world.a.enterprise, birth_date=dt.date(1998, 5, 5))
    login(UserFactory(username="abibahan_a", person=person)).post(
        reverse("development:apply"), {"text": "我志愿加入中国共产党。"}
    )
    home = login(world.a.secretary).get(reverse("home")).content.decode()
    todo = home.split('id="todo"', 1)[1].split("</section>", 1)[0]
    assert "阿比巴汗" in todo and 'data-todo-kind="development"' in todo
    assert "阿比巴汗" not in login(world.b.secretary).get(reverse("home")).content.decode()
