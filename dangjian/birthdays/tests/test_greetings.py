"""The daily greetings: to members with a login on their anniversary (29 February: the 28th in
common years), in their language, with a link to their card, by e-mail too; never twice; one
audit event per run; as a job and as the daily command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.birthdays import services
from dangjian.birthdays.tasks import send_greetings_task
from dangjian.jobs.models import JobStatus
from dangjian.jobs.services import start_job
from dangjian.notifications.models import Kind, Notification
from dangjian.people.models import Person
from dangjian.testing.factories import UserFactory
from dangjian.testing.members import member

pytestmark = pytest.mark.django_db


def _with_login(person, **fields):
    return UserFactory(username=f"u{person.pk}", person=person, **fields)


def test_a_member_with_a_login_is_greeted_on_the_day_in_their_language(world):
    person = member(world.a, dt.date(2016, 3, 8), name="古丽")
    user = _with_login(person, email="guli@example.com")
    member(world.a, dt.date(2016, 3, 8), name="无账号")  # no login: nobody to notify
    result = services.send_greetings(today=dt.date(2026, 3, 8))
    assert result["celebrating"] == 1 and result["notifications"] == 1 and result["emails_sent"] == 1
    note = Notification.objects.get()
    assert note.user == user and note.kind == Kind.BIRTHDAY and note.sent_on == dt.date(2026, 3, 8)
    assert "10" in note.title
    assert "不忘初心" in note.body  # the county's greeting in Chinese, the default language
    assert note.url == reverse("birthdays:card", args=[person.pk]) + "?year=2026"
    (email,) = mail.outbox
    assert email.to == ["guli@example.com"] and note.url in email.body and "不忘初心" in email.body


def test_an_english_reader_gets_the_english_greeting(world):
    services.save_config(actor=None, organization=world.county, message_en="Greetings from Hejing.")
    person = member(world.b, dt.date(2016, 3, 8), name="安娜")
    _with_login(person, language="en")
    services.send_greetings(today=dt.date(2026, 3, 8))
    note = Notification.objects.get()
    assert note.title == "Happy political birthday! 10 years in the Party"
    assert note.body.startswith("Greetings from Hejing.") and "不忘初心" not in note.body


def test_nobody_is_greeted_twice_and_each_run_is_one_audit_event(world):
    for name in ("甲", "乙"):
        _with_login(member(world.a, dt.date(2016, 3, 8), name=name))
    first = services.send_greetings(today=dt.date(2026, 3, 8))
    again = services.send_greetings(today=dt.date(2026, 3, 8))
    assert (first["notifications"], again["notifications"]) == (2, 0)
    assert Notification.objects.count() == 2
    events = AuditEvent.objects.filter(object_type="birthdays.Greetings").order_by("pk")
    assert [e.changes["notifications"] for e in events] == [2, 0]
    assert events[0].object_id == "2026-03-08"


def test_a_member_whose_party_organisation_is_unknown_is_skipped_and_the_others_are_greeted(world):
    # The organisation is a cache of the open membership; should it be missing, there is no
    # organisation whose greeting and issuer the card would carry: skip that member, not the run.
    _with_login(member(world.a, dt.date(2016, 3, 8), name="有组织"))
    lost = member(world.a, dt.date(2016, 3, 8), name="无组织")
    _with_login(lost)
    Person.objects.filter(pk=lost.pk).update(party_org=None)
    result = services.send_greetings(today=dt.date(2026, 3, 8))
    assert result["notifications"] == 1
    assert Notification.objects.get().user.person.name == "有组织"


def test_only_on_the_day_and_not_in_the_year_of_admission(world):
    _with_login(member(world.a, dt.date(2016, 3, 8), name="三月八日"))
    _with_login(member(world.a, dt.date(2026, 3, 8), name="今年入党"))
    assert services.send_greetings(today=dt.date(2026, 3, 7))["notifications"] == 0
    assert services.send_greetings(today=dt.date(2026, 3, 8))["notifications"] == 1
    assert Notification.objects.get().user.person.name == "三月八日"


def test_a_leap_day_member_is_greeted_on_28_february_in_common_years(world):
    person = member(world.a, dt.date(2016, 2, 29), name="闰日")
    _with_login(person)
    assert services.send_greetings(today=dt.date(2024, 2, 28))["notifications"] == 0
    assert services.send_greetings(today=dt.date(2024, 2, 29))["notifications"] == 1
    assert services.send_greetings(today=dt.date(2025, 2, 28))["notifications"] == 1
    assert services.send_greetings(today=dt.date(2025, 3, 1))["notifications"] == 0
    assert [n.sent_on for n in Notification.objects.order_by("sent_on")] == [dt.date(2024, 2, 29), dt.date(2025, 2, 28)]


def test_the_conversion_basis_greets_on_the_conversion_day(world):
    from dangjian.development import services as development

    development.save_config(actor=None, organization=world.county, birthday_basis="conversion")
    _with_login(member(world.a, dt.date(2015, 3, 8), dt.date(2016, 4, 2), name="转正"))
    assert services.send_greetings(today=dt.date(2026, 3, 8))["notifications"] == 0
    assert services.send_greetings(today=dt.date(2026, 4, 2))["notifications"] == 1


def test_the_job_runs_the_greetings_with_progress(world, django_capture_on_commit_callbacks):
    _with_login(member(world.a, dt.date(2016, 3, 8)))
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            actor=world.county_admin, kind="greetings", title="Greetings", task=send_greetings_task, today="2026-03-08"
        )
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result["notifications"] == 1
    assert job.done == job.total == 1 and "2026-03-08" in job.result["summary"]


def test_the_command_prints_the_counts_and_is_safe_to_repeat(world):
    _with_login(member(world.a, dt.date(2016, 3, 8)))
    out = io.StringIO()
    call_command("send_birthday_greetings", "--today", "2026-03-08", stdout=out)
    assert "1 notifications" in out.getvalue()
    out = io.StringIO()
    call_command("send_birthday_greetings", "--today", "2026-03-08", stdout=out)
    assert "0 notifications" in out.getvalue()
    assert AuditEvent.objects.filter(object_type="birthdays.Greetings", source="command").count() == 2
    with pytest.raises(CommandError):
        call_command("send_birthday_greetings", "--today", "8.3.2026")


def test_the_command_without_a_date_greets_on_todays_local_date(world):
    import time_machine

    _with_login(member(world.a, dt.date(2016, 3, 8)))
    # 16:30 UTC on 7 March is already 8 March in Shanghai.
    with time_machine.travel(dt.datetime(2026, 3, 7, 16, 30, tzinfo=dt.UTC), tick=False):
        out = io.StringIO()
        call_command("send_birthday_greetings", stdout=out)
    assert "for 2026-03-08" in out.getvalue() and "1 notifications" in out.getvalue()


def test_the_greeted_member_opens_their_card_from_the_notification(world, login):
    person = member(world.a, dt.date(2016, 3, 8), name="古丽")
    user = _with_login(person)
    services.send_greetings(today=dt.date(2026, 3, 8))
    url = Notification.objects.get().url
    page = login(user).get(url)
    assert page.status_code == 200 and 'data-years="10"' in page.content.decode()
    response = login(user).post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
