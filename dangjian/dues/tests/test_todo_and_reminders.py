"""The member's unpaid months and the branch's dues work on the to-do list; the monthly reminder
on its day, once; side B's secretary is told nothing of A's."""

import datetime as dt

from django.test import override_settings

from dangjian.dues import services, todo
from dangjian.notifications.models import Notification
from dangjian.testing.dues import base, charge, month
from dangjian.testing.factories import UserFactory

TODAY = dt.date(2026, 3, 10)
JAN, FEB, MAR = month(2026, 1), month(2026, 2), month(2026, 3)


def test_a_member_sees_their_unpaid_months_and_the_secretary_the_branchs_work(world):
    base(world.a.member, JAN, "3000.00")
    charge(world.a.branch, JAN, FEB, MAR)
    services.record_payment(actor=None, person=world.a.member, first_month=JAN)
    user = UserFactory(username="member_a", person=world.a.member)
    [item] = todo.todo(user, TODAY)
    assert "2" in item.title and "30.00" in item.title and item.overdue
    titles = [t.title for t in todo.todo(world.a.secretary, TODAY)]
    assert any("this month" in t or "本月" in t for t in titles)
    assert any("2026-02" in t for t in titles)  # February to close
    assert todo.todo(world.b.secretary, TODAY) == []


@override_settings(DUES_REMINDER_DAY=10)
def test_the_daily_task_charges_the_month_and_reminds_on_its_day_once(world):
    base(world.a.member, JAN, "3000.00")
    user = UserFactory(username="member_a", person=world.a.member)
    UserFactory(username="member_b", person=world.b.member)
    assert services.daily(today=dt.date(2026, 3, 9)) == {"charged": 1, "reminded": 0}
    assert services.daily(today=TODAY) == {"charged": 0, "reminded": 1}
    assert services.daily(today=TODAY)["reminded"] == 0
    [note] = Notification.objects.all()
    assert note.user == user and note.kind == "dues" and "2026-03" in note.title
