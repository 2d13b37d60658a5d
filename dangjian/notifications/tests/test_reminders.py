"""The daily reminders: who is reminded of which deadline, when, once, and in which language."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.core import mail
from django.urls import reverse

from dangjian.access import services as access
from dangjian.access.models import Role
from dangjian.audit.models import AuditEvent
from dangjian.development import reminders, rules
from dangjian.development import services as development
from dangjian.notifications.models import Kind, Notification
from dangjian.organizations.models import OrgKind
from dangjian.testing.development import applicant, date_of, walked
from dangjian.testing.factories import UserFactory, make_org

pytestmark = pytest.mark.django_db

APPLIED = dt.date(2026, 1, 5)  # the talk is due by 2026-02-05


def _mine(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("pk"))


def test_a_talk_due_in_seven_days_reminds_the_secretary_once(world):
    cand = applicant(world, APPLIED)
    assert reminders.send_reminders(today=dt.date(2026, 1, 28))["notifications"] == 0
    result = reminders.send_reminders(today=dt.date(2026, 1, 29))
    assert result["notifications"] == 1 and result["recipients"] == 1
    (note,) = _mine(world.a.secretary)
    assert note.kind == Kind.DEVELOPMENT_DUE
    assert note.key == f"dev:{cand.pk}:2:2026-02-05:soon"
    assert "2026-02-05" in note.title and cand.person.name in note.title
    assert note.url == reverse("development:detail", args=[cand.pk])
    # Run again the same day, and on the following days before the deadline: nothing new.
    for day in (29, 30, 31):
        assert reminders.send_reminders(today=dt.date(2026, 1, day))["notifications"] == 0
    assert len(_mine(world.a.secretary)) == 1


def test_every_run_leaves_one_summary_event_with_the_count(world):
    applicant(world, APPLIED)
    reminders.send_reminders(today=dt.date(2026, 1, 29))
    reminders.send_reminders(today=dt.date(2026, 1, 29))
    events = AuditEvent.objects.filter(object_type="notifications.Reminders").order_by("pk")
    assert [e.changes["notifications"] for e in events] == [1, 0]
    assert events[0].changes["today"] == "2026-01-29" and events[0].changes["candidacies"] == 1


def test_an_overdue_talk_reminds_on_the_first_day_then_weekly(world):
    applicant(world, APPLIED)
    reminders.send_reminders(today=dt.date(2026, 1, 29))

    def overdue_on(day: dt.date) -> int:
        reminders.send_reminders(today=day)
        return Notification.objects.filter(user=world.a.secretary, kind=Kind.DEVELOPMENT_OVERDUE).count()

    assert overdue_on(dt.date(2026, 2, 5)) == 0  # the deadline itself is not late
    assert overdue_on(dt.date(2026, 2, 6)) == 1  # the day it becomes overdue
    assert overdue_on(dt.date(2026, 2, 7)) == 1  # not the next day
    assert overdue_on(dt.date(2026, 2, 12)) == 1
    assert overdue_on(dt.date(2026, 2, 13)) == 2  # a week later
    assert overdue_on(dt.date(2026, 2, 13)) == 2
    assert overdue_on(dt.date(2026, 2, 20)) == 3
    late = Notification.objects.filter(kind=Kind.DEVELOPMENT_OVERDUE).latest("pk")
    assert "15" in late.body  # days late on 2026-02-20


def test_the_talk_once_recorded_is_no_longer_reminded(world):
    cand = applicant(world, APPLIED)
    development.record_step(
        actor=world.a.secretary, candidacy=cand, number=2, done_on=dt.date(2026, 1, 20), today=dt.date(2026, 1, 20)
    )
    assert reminders.send_reminders(today=dt.date(2026, 2, 10))["notifications"] == 0


def test_committee_members_are_reminded_with_the_secretary(world):
    member = UserFactory(username="committee_a")
    access.assign_role(actor=None, user=member, role=Role.COMMITTEE_MEMBER, organization=world.a.branch)
    applicant(world, APPLIED)
    reminders.send_reminders(today=dt.date(2026, 1, 29))
    assert len(_mine(world.a.secretary)) == len(_mine(member)) == 1


def test_nobody_outside_the_organisations_line_gets_anything(world):
    other_department = UserFactory(username="yanqi_department")
    access.assign_role(actor=None, user=other_department, role=Role.ORG_DEPARTMENT, organization=world.outsider_county)
    applicant(world, APPLIED)
    for day in (29, 30):
        reminders.send_reminders(today=dt.date(2026, 1, day))
    reminders.send_reminders(today=dt.date(2026, 2, 6))
    assert {n.user for n in Notification.objects.all()} == {world.a.secretary}
    for user in (world.b.secretary, world.b.manager, world.a.manager, world.county_admin, other_department):
        assert _mine(user) == []


def test_a_branch_without_officers_is_looked_after_by_the_nearest_organisation_above(world):
    lonely = make_org(OrgKind.BRANCH, "C公司党支部", world.park)
    park_secretary = UserFactory(username="park_secretary")
    access.assign_role(actor=None, user=park_secretary, role=Role.SECRETARY, organization=world.park)
    applicant(world, APPLIED, organization=lonely)
    reminders.send_reminders(today=dt.date(2026, 1, 29))
    assert len(_mine(park_secretary)) == 1
    assert _mine(world.a.secretary) == [] and _mine(world.b.secretary) == []


def test_the_conversion_application_is_prompted_thirty_days_before_probation_ends(world):
    cand, steps = walked(world, up_to=20)
    end = rules.add_years(date_of(steps, 15), 1)
    assert cand.probation_ends_on == end
    assert reminders.send_reminders(today=end - dt.timedelta(days=31))["notifications"] == 0
    assert reminders.send_reminders(today=end - dt.timedelta(days=30))["notifications"] == 1
    (note,) = _mine(world.a.secretary)
    assert note.key == f"dev:{cand.pk}:22:{end.isoformat()}:soon"
    assert end.isoformat() in note.body
    assert _mine(world.county_admin) == []


def test_a_county_setting_of_45_days_prompts_earlier(world):
    development.save_config(actor=world.county_admin, organization=world.county, conversion_prompt_days=45)
    cand, steps = walked(world, up_to=20)
    end = cand.probation_ends_on
    assert reminders.send_reminders(today=end - dt.timedelta(days=46))["notifications"] == 0
    assert reminders.send_reminders(today=end - dt.timedelta(days=45))["notifications"] == 1
    # The setting moves the reminder; when the application may be made is the rules' to say.
    (item,) = [d for d in development.due_for(cand, end) if d.number == 22]
    assert f"{end.isoformat()}" in _mine(world.a.secretary)[0].body
    assert item.earliest.isoformat() in _mine(world.a.secretary)[0].body


def test_an_approval_due_reminds_the_organisation_department_above(world):
    cand, steps = walked(world, up_to=16)
    due_by = rules.add_months(date_of(steps, 15), 3)
    assert reminders.send_reminders(today=due_by - dt.timedelta(days=15))["notifications"] == 0
    assert reminders.send_reminders(today=due_by - dt.timedelta(days=14))["notifications"] == 1
    (note,) = _mine(world.county_admin)
    assert note.key == f"dev:{cand.pk}:17:{due_by.isoformat()}:soon"
    assert _mine(world.a.secretary) == [] and _mine(world.b.secretary) == []


def test_a_half_yearly_assessment_is_reminded_two_weeks_before(world):
    cand, steps = walked(world, up_to=5)
    due_by = rules.add_months(date_of(steps, 3), 6)
    assert reminders.send_reminders(today=due_by - dt.timedelta(days=15))["notifications"] == 0
    assert reminders.send_reminders(today=due_by - dt.timedelta(days=14))["notifications"] == 1
    assert _mine(world.a.secretary)[0].key == f"dev:{cand.pk}:6:{due_by.isoformat()}:soon"


def test_emails_go_out_in_each_recipients_language(world):
    world.a.secretary.email, world.a.secretary.language = "secretary@example.com", "en"
    world.a.secretary.save()
    member = UserFactory(username="committee_a", email="weiyuan@example.com", language="")  # the default: zh-hans
    access.assign_role(actor=None, user=member, role=Role.COMMITTEE_MEMBER, organization=world.a.branch)
    silent = UserFactory(username="committee_no_mail", email="")
    access.assign_role(actor=None, user=silent, role=Role.COMMITTEE_MEMBER, organization=world.a.branch)
    applicant(world, APPLIED)
    result = reminders.send_reminders(today=dt.date(2026, 1, 29))
    assert result["notifications"] == 3 and result["emails_sent"] == 2 and result["emails_failed"] == 0
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {"secretary@example.com", "weiyuan@example.com"}
    english, chinese = by_to["secretary@example.com"], by_to["weiyuan@example.com"]
    assert english.subject.startswith("[Dangjian] Due by 2026-02-05")
    assert "is due by 2026-02-05" in english.body
    assert chinese.subject.startswith("【党建】") and "截止" in chinese.subject
    assert "阿比巴汗" in chinese.body and "应于2026-02-05前" in chinese.body
    assert "截止" in _mine(member)[0].title and "Due by" in _mine(world.a.secretary)[0].title


def test_a_failing_mail_server_is_counted_and_keeps_the_in_app_reminders(world, settings):
    world.a.secretary.email = "secretary@example.com"
    world.a.secretary.save()
    # A real SMTP connection to a port nothing listens on: refused.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    applicant(world, APPLIED)
    result = reminders.send_reminders(today=dt.date(2026, 1, 29))
    assert result["emails_failed"] == 1 and result["emails_sent"] == 0
    assert len(_mine(world.a.secretary)) == 1


def test_several_reminders_make_one_email(world):
    world.a.secretary.email = "secretary@example.com"
    world.a.secretary.save()
    applicant(world, APPLIED, name="甲")
    applicant(world, APPLIED, name="乙")
    result = reminders.send_reminders(today=dt.date(2026, 1, 29))
    assert result["notifications"] == 2 and result["emails_sent"] == 1
    (message,) = mail.outbox
    assert "甲" in message.body and "乙" in message.body


def test_the_settings_are_read_once_for_all_organisations(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    development.save_config(actor=world.county_admin, organization=world.park, conversion_prompt_days=40)
    applicant(world, APPLIED)
    lonely = make_org(OrgKind.BRANCH, "C公司党支部", world.park)
    applicant(world, APPLIED, organization=lonely, name="乙")
    with CaptureQueriesContext(connection) as ctx:
        assert reminders.send_reminders(today=dt.date(2026, 1, 29))["candidacies"] == 2
    assert sum("development_developmentconfig" in q["sql"] for q in ctx.captured_queries) == 1


def test_the_conversion_application_is_prompted_to_the_candidate_too(world):
    cand, steps = walked(world, up_to=20)
    own = UserFactory(username="abibahan", person=cand.person, email="abibahan@example.com")
    end = cand.probation_ends_on
    assert reminders.send_reminders(today=end - dt.timedelta(days=30))["notifications"] == 2
    (note,) = _mine(own)
    assert note.key == f"dev:{cand.pk}:22:{end.isoformat()}:soon"
    assert len(_mine(world.a.secretary)) == 1
    assert {m.to[0] for m in mail.outbox} == {"abibahan@example.com"}
    # Overdue, it is repeated to them as to the branch.
    reminders.send_reminders(today=end + dt.timedelta(days=1))
    assert [n.kind for n in _mine(own)] == [Kind.DEVELOPMENT_DUE, Kind.DEVELOPMENT_OVERDUE]


def test_a_candidate_without_a_login_or_inactive_gets_nothing(world):
    cand, steps = walked(world, up_to=20)
    UserFactory(username="abibahan", person=cand.person, is_active=False)
    assert reminders.send_reminders(today=cand.probation_ends_on - dt.timedelta(days=30))["notifications"] == 1


def test_an_approval_past_its_six_month_limit_is_no_longer_reminded_but_stays_overdue(world):
    cand, steps = walked(world, up_to=16)
    meeting = date_of(steps, 15)
    limit = rules.approval_deadlines(meeting)[1]
    assert reminders.send_reminders(today=limit)["notifications"] == 1  # overdue, still possible
    (note,) = _mine(world.county_admin)
    assert note.kind == Kind.DEVELOPMENT_OVERDUE
    for day in (1, 8, 15, 40):
        assert reminders.send_reminders(today=limit + dt.timedelta(days=day))["notifications"] == 0
    (item,) = [d for d in development.due_for(cand, limit + dt.timedelta(days=40)) if d.number == 17]
    assert item.overdue  # the board still shows it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
