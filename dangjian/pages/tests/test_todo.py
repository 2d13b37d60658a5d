"""The to-do list on the home page (本月待办): each role sees what it must do now and soon, from
the same rules as the reminders and calendars, overdue first, each item linking to where it is
done; nobody sees another side's items."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.urls import reverse

from dangjian.development import services as development
from dangjian.testing.branchlife import meeting
from dangjian.testing.factories import PersonFactory

NOW = dt.datetime(2026, 12, 15, 10, 0, tzinfo=dt.UTC)


def _todo(body: str) -> str:
    return body.split('id="todo"', 1)[1].split("</section>", 1)[0] if 'id="todo"' in body else ""


def _overdue_applicant(world) -> None:
    """An application to A's branch of 1 October: its talk, due within a month, is overdue now."""
    person = PersonFactory(name="申请人甲", employer=world.a.enterprise, birth_date=dt.date(1998, 5, 5))
    development.apply(
        actor=world.a.secretary,
        person=person,
        organization=world.a.branch,
        applied_on=dt.date(2026, 10, 1),
        today=dt.date(2026, 10, 1),
    )


def _links(section: str) -> list[str]:
    return re.findall(r'href="([^"]+)" data-todo-kind', section)


def test_a_secretary_sees_the_months_meetings_due_and_an_overdue_talk(world, login):
    with time_machine.travel(NOW, tick=False):
        _overdue_applicant(world)
        section = _todo(login(world.a.secretary).get(reverse("home")).content.decode())
    assert "申请人甲" in section and "data-overdue" in section
    kinds = re.findall(r'data-todo-kind="(\w+)"', section)
    assert "meetings" in kinds and "development" in kinds
    first = section.split("data-todo-kind", 2)[1]
    assert "data-overdue" in first  # the most urgent first
    for url in _links(section):
        assert login(world.a.secretary).get(url.replace("&amp;", "&")).status_code == 200  # one tap away


def test_a_held_meeting_leaves_the_list(world, login):
    with time_machine.travel(NOW, tick=False):
        client = login(world.a.secretary)
        before = _todo(client.get(reverse("home")).content.decode())
        assert "主题党日 · " in before or "Theme party day · " in before
        meeting(world.a, kind="theme_day", on=dt.date(2026, 12, 5))
        after = _todo(client.get(reverse("home")).content.decode())
    assert after.count("data-todo-kind") < before.count("data-todo-kind")


def test_a_county_department_is_not_given_each_branchs_calendar(world, login):
    with time_machine.travel(NOW, tick=False):
        _overdue_applicant(world)
        body = login(world.county_admin).get(reverse("home")).content.decode()
    # The branches' meetings and talks are the branches' to do; the department has the roll-up page.
    assert 'data-todo-kind="meetings"' not in body and "申请人甲" not in _todo(body)


def test_side_b_sees_none_of_side_as_items(world, login):
    with time_machine.travel(NOW, tick=False):
        _overdue_applicant(world)
        section = _todo(login(world.b.secretary).get(reverse("home")).content.decode())
    assert "申请人甲" not in section and world.a.branch.name not in section


def test_a_member_without_duties_is_told_nothing_is_due(world, login, member_user):
    with time_machine.travel(NOW, tick=False):
        body = login(member_user).get(reverse("home")).content.decode()
    assert 'id="todo"' not in body


def test_the_higher_committees_steps_are_the_departments_not_the_branchs(world, login):
    from dangjian.testing.development import date_of, walked

    _cand, steps = walked(world, 16)  # next: the higher committee's approval (step 17), due in 3 months
    day = date_of(steps, 16) + dt.timedelta(days=60)
    with time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC), tick=False):
        county = _todo(login(world.county_admin).get(reverse("home")).content.decode())
        branch = _todo(login(world.a.secretary).get(reverse("home")).content.decode())
        other = _todo(login(world.b.secretary).get(reverse("home")).content.decode())
    assert "阿比巴汗" in county and "第 17 步" in county
    assert "第 17 步" not in branch
    assert "阿比巴汗" not in other
