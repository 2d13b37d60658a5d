"""Each user chooses where each kind of notification is copied: e-mail, and group-chat robots
(WeCom, DingTalk, Feishu) whose webhook and secret are kept encrypted. Posted to a local
stand-in that answers and checks signatures as the platforms do."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.notifications.models import Kind, Robot
from dangjian.testing.factories import PersonFactory, UserFactory


def add_robot(client, platform: str, url: str, secret: str = "", name: str = "支委会群"):
    client.cookies["django_language"] = "en"
    return client.post(
        reverse("notifications:channels"),
        {"action": "add_robot", "platform": platform, "name": name, "url": url, "secret": secret},
    )


def apply_online(login, world, capture, name="阿依努尔"):
    """An employee applies online; the copies go out once the application commits."""
    person = PersonFactory(name=name, employer=world.a.enterprise, birth_date=dt.date(1999, 3, 3))
    applicant = UserFactory(username=f"applicant_{person.pk}", person=person)
    with capture(execute=True):
        response = login(applicant).post(reverse("development:apply"), {"text": "我志愿加入中国共产党。"})
    assert response.status_code == 302


def test_a_wecom_robot_is_kept_encrypted_tested_and_told_of_an_application(
    world, login, fake_robots, mailoutbox, django_capture_on_commit_callbacks
):
    secretary = login(world.a.secretary)
    url = fake_robots.url("/wecom/cgi-bin/webhook/send?key=abc-123")
    assert add_robot(secretary, "wecom", url).status_code == 302
    assert fake_robots.posts[-1]["body"]["msgtype"] == "markdown" and fake_robots.posts[-1]["ok"]
    robot = Robot.objects.get()
    with connection.cursor() as c:
        c.execute("SELECT url FROM notifications_robot")
        stored = c.fetchone()[0]
    assert stored.startswith("v1:") and "abc-123" not in stored
    created = AuditEvent.objects.get(object_type="notifications.Robot", action="create")
    assert "abc-123" not in str(created.changes)
    world.a.secretary.email = "sec-a@example.cn"
    world.a.secretary.save()
    apply_online(login, world, django_capture_on_commit_callbacks)
    told = fake_robots.posts[-1]["body"]["markdown"]["content"]
    assert "阿依努尔" in told and "/development/" in told
    assert any("阿依努尔" in m.subject for m in mailoutbox)
    robot.refresh_from_db()
    assert robot.last_sent_at is not None and not robot.last_error


def test_dingtalk_and_feishu_messages_are_signed_as_the_platforms_check(world, login, fake_robots):
    secretary = login(world.a.secretary)
    fake_robots.secrets = {"/dingtalk/robot/send": "SECd1ng", "/feishu/open-apis/bot/v2/hook/x1": "f3ishu"}
    add_robot(secretary, "dingtalk", fake_robots.url("/dingtalk/robot/send?access_token=t0k"), "SECd1ng", "钉钉群")
    add_robot(secretary, "feishu", fake_robots.url("/feishu/open-apis/bot/v2/hook/x1"), "f3ishu", "飞书群")
    assert [p["ok"] for p in fake_robots.posts] == [True, True]
    ding, feishu = fake_robots.posts
    assert ding["query"]["access_token"] == ["t0k"] and ding["body"]["msgtype"] == "markdown"
    assert feishu["body"]["msg_type"] == "text" and "sign" in feishu["body"]
    # A wrong secret is refused by the platform, and its owner reads why.
    fake_robots.secrets["/dingtalk/robot/send"] = "another"
    robot = Robot.objects.get(platform="dingtalk")
    secretary.post(reverse("notifications:robot_action", args=[robot.pk, "test"]))
    robot.refresh_from_db()
    assert "sign not match" in robot.last_error
    page = secretary.get(reverse("notifications:channels")).content.decode()
    assert "sign not match" in page


def test_only_the_platforms_own_hosts_are_posted_to(world, login, settings):
    settings.NOTIFY_ROBOT_HOSTS = {}
    secretary = login(world.a.secretary)
    for url in (
        "http://127.0.0.1:9/internal",
        "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",  # not HTTPS
        "https://qyapi.weixin.qq.com@127.0.0.1/x",  # a host hidden behind user info
        "https://qyapi.weixin.qq.com:99999/x",  # no such port
    ):
        response = add_robot(secretary, "wecom", url)
        assert response.status_code == 400, url
        assert "qyapi.weixin.qq.com" in response.content.decode()
    assert not Robot.objects.exists()


def test_a_robot_that_redirects_is_not_followed(world, login, fake_robots):
    secretary = login(world.a.secretary)
    add_robot(secretary, "wecom", fake_robots.url("/wecom/moved"))
    robot = Robot.objects.get()
    assert "302" in robot.last_error
    assert [p["path"] for p in fake_robots.posts] == ["/wecom/moved"]


def test_each_kind_goes_where_its_user_chose(world, login, fake_robots, mailoutbox, django_capture_on_commit_callbacks):
    world.a.secretary.email = "sec-a@example.cn"
    world.a.secretary.save()
    secretary = login(world.a.secretary)
    add_robot(secretary, "wecom", fake_robots.url("/wecom/send?key=k"))
    posted = len(fake_robots.posts)
    choices = {f"email_{k}": "on" for k in Kind.values} | {f"robot_{k}": "on" for k in Kind.values}
    del choices[f"robot_{Kind.APPLICATION}"], choices[f"email_{Kind.APPLICATION}"]
    secretary.post(reverse("notifications:channels"), {"action": "preferences", **choices})
    assert AuditEvent.objects.filter(object_type="notifications.Preference").count() == 1
    apply_online(login, world, django_capture_on_commit_callbacks, "再努尔")
    assert len(fake_robots.posts) == posted and not mailoutbox
    # The inbox keeps it all the same.
    assert "再努尔" in secretary.get(reverse("notifications:list")).content.decode()


def test_a_robot_is_its_owners_alone(world, login, fake_robots):
    add_robot(login(world.a.secretary), "wecom", fake_robots.url("/wecom/send?key=a"))
    robot = Robot.objects.get()
    other = login(world.b.secretary)
    assert other.post(reverse("notifications:robot_action", args=[robot.pk, "remove"])).status_code == 404
    assert other.post(reverse("notifications:robot_action", args=[robot.pk, "test"])).status_code == 404
    assert "支委会群" not in other.get(reverse("notifications:channels")).content.decode()
    assert Robot.objects.filter(pk=robot.pk).exists()
    mine = login(world.a.secretary)
    assert mine.post(reverse("notifications:robot_action", args=[robot.pk, "remove"])).status_code == 302
    assert not Robot.objects.exists()
    assert AuditEvent.objects.filter(object_type="notifications.Robot", action="delete").count() == 1
