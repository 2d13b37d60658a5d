"""The compliance calendar of a branch and the county's roll-up: the same counts, held meetings
only, quorate committee meetings only, party groups and the secretary's lecture."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from dangjian.audit.models import AuditEvent
from dangjian.testing.branchlife import committee, meeting

from .. import rules, selectors, services

pytestmark = pytest.mark.django_db


def label_of(span) -> str:
    """A cell's period as the tests name it, whatever the language: 2026-03, 2026 Q1, 2026."""
    return {"month": f"{span.year}-{span.index:02d}", "quarter": f"{span.year} Q{span.index}"}.get(
        span.kind, str(span.year)
    )


TODAY = dt.date(2026, 7, 15)


def states(cal, key):
    req = next(r for r in cal.requirements if r.key == key)
    return {label_of(c.span): c.state for c in req.cells}


def test_held_meetings_fill_the_calendar_and_planned_ones_do_not(world):
    meeting(world.a, kind="general", on=dt.date(2026, 2, 10))
    meeting(world.a, kind="general", on=dt.date(2026, 5, 10), status="planned")
    meeting(world.a, kind="theme_day", on=dt.date(2026, 7, 1))
    cal = selectors.calendar(world.a.branch, 2026, TODAY)
    general = states(cal, "general")
    assert general["2026 Q1"] == rules.HELD
    assert general["2026 Q2"] == rules.OVERDUE  # only planned
    assert general["2026 Q3"] == rules.DUE
    assert states(cal, "theme_day")["2026-07"] == rules.HELD
    assert "committee" not in {r.key for r in cal.requirements}  # no committee on record
    assert f"group:{world.a.group.pk}" in {r.key for r in cal.requirements}


def test_a_cancelled_meeting_does_not_count(world):
    m = meeting(world.a, kind="theme_day", on=dt.date(2026, 6, 1))
    services.update_meeting(actor=None, meeting=m, status="cancelled")
    assert states(selectors.calendar(world.a.branch, 2026, TODAY), "theme_day")["2026-06"] == rules.OVERDUE


def test_a_committee_meeting_without_quorum_does_not_count(world):
    committee(world.a, "A委员一", "A委员二", "A委员三")
    m = meeting(world.a, kind="committee", on=dt.date(2026, 6, 5))
    cal = selectors.calendar(world.a.branch, 2026, TODAY)
    assert states(cal, "committee")["2026-06"] == rules.OVERDUE
    services.mark_all_present(actor=None, meeting=m)
    cal = selectors.calendar(world.a.branch, 2026, TODAY)
    assert states(cal, "committee")["2026-06"] == rules.HELD


def test_group_meetings_count_for_their_group(world):
    meeting(world.a, kind="group", org=world.a.group, on=dt.date(2026, 6, 20))
    cal = selectors.calendar(world.a.branch, 2026, TODAY)
    assert states(cal, f"group:{world.a.group.pk}")["2026-06"] == rules.HELD
    assert states(cal, f"group:{world.a.group.pk}")["2026-05"] == rules.OVERDUE


def test_the_secretary_must_give_a_lecture_a_year(world):
    meeting(world.a, kind="lecture", on=dt.date(2026, 3, 1), host=world.a.member)
    cal = selectors.calendar(world.a.branch, 2026, dt.date(2027, 1, 5))
    assert states(cal, "lecture")["2026 Q1"] == rules.HELD
    assert states(cal, selectors.SECRETARY_LECTURE)["2026"] == rules.OVERDUE  # the member's lecture is not his
    meeting(world.a, kind="lecture", on=dt.date(2026, 11, 1), host=world.a.secretary.person)
    cal = selectors.calendar(world.a.branch, 2026, dt.date(2027, 1, 5))
    assert states(cal, selectors.SECRETARY_LECTURE)["2026"] == rules.HELD


def test_a_year_boundary_keeps_december_meetings_in_their_year(world):
    meeting(world.a, kind="life", on=dt.date(2025, 12, 31))
    assert states(selectors.calendar(world.a.branch, 2025, dt.date(2026, 1, 1)), "life")["2025"] == rules.HELD
    assert states(selectors.calendar(world.a.branch, 2026, dt.date(2026, 1, 1)), "life")["2026"] == rules.DUE


def test_the_county_sees_which_branches_are_behind(world):
    for month in range(1, 7):
        meeting(world.a, kind="theme_day", on=dt.date(2026, month, 1))
    rows = selectors.rollup(world.county, 2026, TODAY)
    by_org = {c.org.pk: c for c in rows}
    assert set(by_org) == {world.a.branch.pk, world.b.branch.pk}
    assert rows[0].org == world.b.branch  # furthest behind first
    assert len(by_org[world.b.branch.pk].overdue) > len(by_org[world.a.branch.pk].overdue)
    # The roll-up row and the branch's own calendar agree.
    own = selectors.calendar(world.a.branch, 2026, TODAY)
    assert [(r.key, [c.state for c in r.cells]) for r in own.requirements] == [
        (r.key, [c.state for c in r.cells]) for r in by_org[world.a.branch.pk].requirements
    ]


def test_the_county_roll_up_page_and_a_secretary_kept_out_of_it(world, login):
    page = login(world.county_admin).get(reverse("branchlife:calendar"), {"org": world.county.pk, "year": 2026})
    assert page.status_code == 200
    body = page.content.decode()
    assert "A公司党支部" in body and "B公司党支部" in body
    client = login(world.a.secretary)
    assert client.get(reverse("branchlife:calendar"), {"org": world.b.branch.pk}).status_code == 404
    own = client.get(reverse("branchlife:calendar"))
    assert own.status_code == 200 and own.context["cal"].org == world.a.branch


def test_a_county_sets_a_stricter_rule_and_its_branches_follow(world, login):
    client = login(world.county_admin)
    data = {}
    for kind, rule in rules.DEFAULT_RULES.items():
        data[f"{kind}-period"] = rule.period
        data[f"{kind}-times"] = rule.times
    data["lecture-period"] = "month"  # local practice: a lecture every month
    data["theme_day-day_of_month"] = 1
    response = client.post(reverse("branchlife:frequency", args=[world.county.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    cal = selectors.calendar(world.a.branch, 2026, TODAY)
    assert len(next(r for r in cal.requirements if r.key == "lecture").cells) == 12
    assert next(r for r in cal.requirements if r.key == "theme_day").rule.day_of_month == 1
    assert AuditEvent.objects.filter(object_type="branchlife.FrequencyRule", action="create").count() == 2


@translation.override("en")
def test_a_county_cannot_loosen_a_regulated_rule(world):
    with pytest.raises(ValidationError, match="regulations"):
        services.save_rule(actor=None, organization=world.county, kind="general", period="year", times=2)
    assert not world.county.meeting_rules.exists()


def test_a_secretary_cannot_set_the_countys_rules(world, login):
    response = login(world.a.secretary).get(reverse("branchlife:frequency", args=[world.county.pk]))
    assert response.status_code == 404  # the county is outside the secretary's part of the tree


@translation.override("en")
def test_a_park_cannot_undo_its_countys_stricter_rule(world):
    services.save_rule(actor=None, organization=world.county, kind="general", period="month", times=1)
    with pytest.raises(ValidationError, match="committee above"):
        services.save_rule(actor=None, organization=world.park, kind="general", period="quarter", times=1)
    services.save_rule(actor=None, organization=world.park, kind="lecture", period="year", times=1)  # local practice
    assert selectors.calendar(world.a.branch, 2026, TODAY).requirements[0].rule.period == "month"


def test_the_calendar_follows_meeting_roles_not_the_tree(world, login):
    from dangjian.testing.factories import UserFactory

    assert login(world.a.manager).get(reverse("branchlife:calendar")).status_code == 403  # HR: no party meetings
    member = UserFactory(username="a_member", person=world.a.member)
    client = login(member)
    page = client.get(reverse("branchlife:calendar"))
    assert page.status_code == 200 and page.context["cal"].org == world.a.branch
    assert client.get(reverse("branchlife:calendar"), {"org": world.b.branch.pk}).status_code == 404
    assert (
        client.get(reverse("branchlife:calendar"), {"org": world.county.pk}).status_code == 404
    )  # the county roll-up is the county's


def test_a_member_who_manages_another_firm_sees_no_calendar_of_it(world, login):
    """Meeting roles decide the calendars: a member of A who is B's HR manager reads A's branch
    (and, from a party group, still the branch's), never B's."""
    from dangjian.access import services as access_services
    from dangjian.access.models import Role
    from dangjian.testing.branchlife import add_member
    from dangjian.testing.factories import UserFactory

    grouped = add_member(world.a, "A组员", org=world.a.group)
    user = UserFactory(username="a_member_b_hr", person=grouped)
    access_services.assign_role(actor=None, user=user, role=Role.MANAGER, enterprise=world.b.enterprise)
    assert set(selectors.calendar_orgs(user)) == {world.a.branch}  # not the group's committees above
    client = login(user)
    assert client.get(reverse("branchlife:calendar"), {"org": world.a.branch.pk}).status_code == 200
    assert client.get(reverse("branchlife:calendar"), {"org": world.b.branch.pk}).status_code == 404
    assert client.get(reverse("branchlife:calendar"), {"org": world.park.pk}).status_code == 404


def test_an_ordinary_member_reads_meetings_but_not_the_register_or_leave_reasons(world, login):
    from dangjian.testing.branchlife import meeting
    from dangjian.testing.factories import UserFactory

    m = meeting(world.a)
    services.set_attendance(
        actor=None, attendance=m.attendances.get(person=world.a.member), state="leave", reason="病假"
    )
    client = login(UserFactory(username="a_member", person=world.a.member))
    page = client.get(reverse("branchlife:detail", args=[m.pk])).content.decode()
    assert "病假" not in page and 'data-state="leave"' in page  # the leave shows, its reason does not
    assert "data-register" not in client.get(reverse("branchlife:list")).content.decode()
    assert client.post(reverse("branchlife:register")).status_code == 403
    secretary = login(world.a.secretary).get(reverse("branchlife:detail", args=[m.pk])).content.decode()
    assert "病假" in secretary


def test_a_planned_meeting_is_marked_in_words_not_a_symbol_phones_lack(world, login):
    on = timezone.localdate() + dt.timedelta(days=3)
    meeting(world.a, on=on, status="planned")
    client = login(world.a.secretary)
    body = client.get(reverse("branchlife:calendar"), {"year": on.year}).content.decode()
    assert "data-planned>已计划<" in body and "⏲" not in body
    other = login(world.b.secretary).get(reverse("branchlife:calendar"), {"year": on.year}).content.decode()
    assert "data-planned" not in other  # B's calendar shows none of A's plans


def test_the_county_home_tile_and_the_roll_up_count_the_same_organisations(world, login):
    """One definition of a grassroots organisation: the county's home tile and its meetings
    roll-up count the same units (branches, joint and general branches, enterprise committees)."""
    from dangjian.organizations.models import OrgKind
    from dangjian.testing.factories import make_org

    make_org(OrgKind.ENTERPRISE_COMMITTEE, "某公司党委", world.park)  # counted by both, not a "branch"
    client = login(world.county_admin)
    home = client.get(reverse("home")).content.decode()
    tile = int(home.split('data-figure="party_units">', 1)[1].split("<", 1)[0])
    rollup = client.get(reverse("branchlife:calendar"), {"org": world.county.pk, "year": 2026}).content.decode()
    total = len(selectors.rollup(world.county, 2026, TODAY))
    assert tile == total >= 3 and 'data-behind="' in rollup
    # A's secretary sees neither: the county's figures are not a branch's.
    assert login(world.a.secretary).get(reverse("branchlife:calendar"), {"org": world.county.pk}).status_code == 404


def test_the_roll_up_downloads_as_excel_as_the_page_shows_it(world, login):
    import io

    import openpyxl

    from dangjian.audit.models import Action, AuditEvent

    meeting(world.a, on=dt.date(2026, 3, 10))
    client = login(world.county_admin)
    query = f"?org={world.county.pk}&year=2026"
    assert "data-rollup-download" in client.get(reverse("branchlife:calendar") + query).content.decode()
    response = client.post(reverse("branchlife:rollup_download") + query)
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    names = [r[0] for r in rows]
    assert world.a.branch.name in names and world.b.branch.name in names
    assert len([n for n in names[2:] if n]) == len(selectors.rollup(world.county, 2026))
    assert AuditEvent.objects.filter(object_type="branchlife.rollup", action=Action.EXPORT).count() == 1
    # A branch secretary has no roll-up of the county; nor does the other county's department.
    assert login(world.a.secretary).post(reverse("branchlife:rollup_download") + query).status_code == 404
