"""`manage.py load_demo`: the article's numbers, valid identifiers, sealed ID numbers, idempotence.

The demo is loaded once for the module inside a transaction that is rolled back at the end (the
audit table refuses DELETE, so it could not be flushed); each test runs in a savepoint within it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from dangjian.access.models import Role, RoleAssignment, User
from dangjian.audit.models import AuditEvent
from dangjian.audit.services import verify_chain
from dangjian.ballots.models import Ballot
from dangjian.birthdays.selectors import cohort_people
from dangjian.branchlife import rules as branchlife_rules
from dangjian.branchlife import selectors as branchlife
from dangjian.branchlife import services as branchlife_services
from dangjian.branchlife.models import Attendance, Meeting, MeetingKind
from dangjian.choices import PoliticalStatus
from dangjian.demo import meetings, scenario
from dangjian.development import rules as development_rules
from dangjian.development import services as development
from dangjian.development.models import Candidacy, Stage, Step
from dangjian.indicators.models import Value
from dangjian.organizations.models import Enterprise, Organization, OrgKind, ProductionUnit
from dangjian.organizations.validators import validate_uscc
from dangjian.people.models import Membership, Person
from dangjian.people.validators import parse_id_number
from dangjian.production import selectors as production
from dangjian.production.models import Course, Pairing, Post, Result, TeamCharge, Trainee
from dangjian.selections.models import Round
from dangjian.transfers.models import Transfer
from dangjian.transfers.todo import todo as transfers_todo

# Under pytest-xdist (`make test`) these tests run on one worker, so that the demo (a module fixture, 50 s) is loaded once.
pytestmark = pytest.mark.xdist_group("load_demo")

MEMBER_STATUSES = (PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
            out = StringIO()
            call_command("load_demo", stdout=out)
            yield {"output": out.getvalue(), "last_event_before": last_event}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def county(demo, db) -> Organization:
    return Organization.objects.get(code=scenario.HEJING_CODE)


@pytest.fixture
def branch(demo, db) -> Organization:
    return Organization.objects.get(name=scenario.GARMENT_BRANCH_NAME)


@pytest.fixture
def garment(demo, db) -> Enterprise:
    return Enterprise.objects.get(name=scenario.GARMENT_NAME)


def test_tree_and_hejing_county_supervises_68_enterprises(county):
    pref = Organization.objects.get(code=scenario.PREFECTURE_CODE)
    assert pref.kind == OrgKind.PREFECTURE_COMMITTEE and pref.name_en == "Bayingolin Prefecture Committee"
    assert county.parent == pref and county.kind == OrgKind.COUNTY_COMMITTEE
    park = Organization.objects.get(name="和静县工业园区党委")
    assert park.parent == county and park.name_en == "Hejing County Industrial Park Committee"
    assert {"652826", "652801"} <= set(pref.children.values_list("code", flat=True))

    hejing = Enterprise.objects.filter(supervising_org__path__startswith=county.path)
    assert hejing.count() == scenario.HEJING_ENTERPRISES
    assert all(e.supervising_org.is_committee for e in hejing.select_related("supervising_org"))
    covered = hejing.filter(party_org__isnull=False).count()
    assert 50 <= covered < scenario.HEJING_ENTERPRISES  # coverage is meaningful: most, not all
    ownerships = set(hejing.values_list("ownership", flat=True))
    assert {"private", "state", "collective", "foreign", "mixed"} <= ownerships
    assert hejing.filter(party_org__kind=OrgKind.JOINT_BRANCH).count() >= 6
    assert hejing.filter(party_org__kind=OrgKind.ENTERPRISE_COMMITTEE).count() == 2
    for ent in Enterprise.objects.all():
        validate_uscc(ent.uscc)
    assert Enterprise.objects.values("uscc").distinct().count() == Enterprise.objects.count()


def test_each_instructor_is_paired_with_one_hejing_enterprise(county):
    pairs = RoleAssignment.objects.filter(role=Role.INSTRUCTOR)
    assert pairs.count() == scenario.HEJING_ENTERPRISES
    assert pairs.values("enterprise").distinct().count() == scenario.HEJING_ENTERPRISES
    assert pairs.values("user").distinct().count() == scenario.HEJING_ENTERPRISES
    assert all(
        ra.enterprise.supervising_org.path.startswith(county.path)
        for ra in pairs.select_related("enterprise__supervising_org")
    )
    usable = [ra.user.username for ra in pairs.select_related("user") if ra.user.has_usable_password()]
    assert usable == ["instructor"]
    assert all(ra.user.person is not None and ra.user.person.employer_id is None for ra in pairs)


def test_garment_company_and_its_branch(garment, branch):
    assert garment.name_en == scenario.GARMENT_NAME_EN
    assert garment.ownership == "private" and garment.settled_on == dt.date(2020, 4, 16)
    assert garment.party_org == branch and branch.parent.name == "和静县工业园区党委"
    assert garment.employees.count() == 816

    today = timezone.localdate()
    assert (branch.founded_on.month, branch.founded_on.day) == (5, 4)
    assert 150 <= (today - branch.founded_on).days <= 366 + 183
    assert branch.children.filter(kind=OrgKind.PARTY_GROUP).count() in (3, 4)

    members = Person.objects.filter(party_org__path__startswith=branch.path, political_status__in=MEMBER_STATUSES)
    assert members.count() == 38
    assert set(members.values_list("employer", flat=True)) == {garment.pk}
    open_memberships = Membership.objects.filter(organization__path__startswith=branch.path, ended_on__isnull=True)
    assert open_memberships.count() == 38
    probationary = open_memberships.filter(converted_on__isnull=True)
    assert 2 <= probationary.count() <= 3
    assert all(today - m.admitted_on <= dt.timedelta(days=366) for m in probationary)
    assert open_memberships.filter(joined_org_on=branch.founded_on).count() >= 36

    # Every production team has a party member in it ("full coverage of all teams").
    for team in garment.units.filter(kind="team"):
        assert team.members.filter(political_status__in=MEMBER_STATUSES).exists(), team.name
        if team.name != "质检班组":
            assert 10 <= team.members.count() <= 40, team.name


def test_article_people(garment, branch):
    he = Person.objects.get(name="何艳萍")
    assert he.name_latin == "He Yanping" and he.political_status == PoliticalStatus.FULL and he.party_org == branch
    assert RoleAssignment.objects.filter(user__person=he, role=Role.SECRETARY, organization=branch).exists()

    huo = Person.objects.get(name="霍秀全")
    assert huo.political_status == PoliticalStatus.FULL and huo.post == "质检工程师"
    assert huo.team.name == "质检班组" and huo.team.parent.name == "6号厂房"
    assert huo.team.parent.name_en == "No. 6 Factory Building"
    assert huo.team.members.filter(post="质检员").count() == 44
    assert RoleAssignment.objects.filter(user__person=huo, role=Role.COMMITTEE_MEMBER, organization=branch).exists()

    li = Person.objects.get(name="李晓燕")
    assert li.post == "班组长兼技术总监" and li.political_status not in MEMBER_STATUSES and li.employer == garment

    abibahan = Person.objects.get(name="阿比巴汗·买提沙力")
    assert abibahan.employer == garment and abibahan.political_status == PoliticalStatus.APPLICANT

    liu = Person.objects.get(name="刘红")
    assert liu.employer is None and liu.user.username == "liuhong"
    assert ProductionUnit.objects.filter(enterprise=garment, kind="workshop", name="6号厂房").exists()


def test_seven_applications_in_the_first_month(branch):
    founded = branch.founded_on
    first_month = Candidacy.objects.filter(
        organization=branch, applied_on__gt=founded, applied_on__lte=founded + dt.timedelta(days=31)
    )
    assert first_month.count() == 7
    assert first_month.filter(person__name="阿比巴汗·买提沙力", stage=Stage.APPLICANT).exists()
    # Written through the development services: every candidacy and step has its audit event.
    events = AuditEvent.objects.filter(action="create")
    assert events.filter(object_type="development.Candidacy").count() == Candidacy.objects.count()
    assert events.filter(object_type="development.Step").count() == Step.objects.count()


def test_the_branch_board_shows_every_state_as_of_today(branch):
    today = timezone.localdate()
    candidacies = list(Candidacy.objects.filter(organization=branch).select_related("person"))
    steps = {c.pk: list(c.steps.all()) for c in candidacies}
    due = {c.pk: development.due_for(c, today, steps=steps[c.pk]) for c in candidacies}
    assert Counter(c.stage for c in candidacies) == {"applicant": 7, "activist": 3, "target": 1, "admitted": 3}
    statuses = Counter(c.person.political_status for c in candidacies)
    assert statuses == {"applicant": 7, "activist": 3, "target": 1, "probationary": 3}
    # Every probationary member of the branch has the development record their status comes from
    # (the board and the branch count the same three), so each conversion is tracked and reminded.
    probationary = Person.objects.filter(party_org__path__startswith=branch.path, political_status="probationary")
    assert {p.pk for p in probationary} == {c.person_id for c in candidacies if c.stage == Stage.ADMITTED}

    applicants = [c for c in candidacies if c.stage == Stage.APPLICANT]
    talked = [c for c in applicants if any(s.number == 2 for s in steps[c.pk])]
    assert len(talked) == 4 and "阿比巴汗·买提沙力" in {c.person.name for c in talked}
    waiting = [c for c in applicants if c not in talked]
    overdue = [c for c in candidacies if any(d.overdue for d in due[c.pk])]
    assert len(overdue) == 1 and overdue[0] in waiting  # one talk overdue, and nothing else
    assert [d.number for d in due[overdue[0].pk] if d.overdue] == [2]
    assert development_rules.add_months(overdue[0].applied_on, 1) < today
    recent = [c for c in waiting if c is not overdue[0]]
    assert len(recent) == 2 and all(today - c.applied_on < dt.timedelta(days=28) for c in recent)

    # The target and the probationary member began before the branch existed (with the park's joint
    # branch); the branch itself designated the target, after a year as activist.
    (target,) = [c for c in candidacies if c.stage == Stage.TARGET]
    assert branch.founded_on <= target.target_on <= today
    assert target.activist_on <= development_rules.add_years(target.target_on, -1)
    assert {d.number for d in due[target.pk]} >= {10, 11}
    assert any("联合党支部" in s.acted_by for s in steps[target.pk] if s.done_on < branch.founded_on)

    admitted = min((c for c in candidacies if c.stage == Stage.ADMITTED), key=lambda c: c.probation_ends_on)
    later = sorted(c.probation_ends_on for c in candidacies if c.stage == Stage.ADMITTED)[1:]
    assert all(end > today + dt.timedelta(days=31) for end in later)  # admitted 230 and 75 days ago
    assert today < admitted.probation_ends_on <= today + dt.timedelta(days=31)  # conversion due next month
    conversion = next(d for d in due[admitted.pk] if d.number == 22)
    assert conversion.earliest <= today and conversion.due_by == admitted.probation_ends_on
    assert not conversion.overdue
    membership = admitted.person.memberships.get(ended_on__isnull=True)
    assert membership.organization == branch and membership.admitted_on == admitted.admitted_on
    assert 330 <= (today - admitted.admitted_on).days <= 358
    review = next(s for s in steps[admitted.pk] if s.number == 10)
    assert review.conclusion and "conclusion" not in review.data


def test_every_id_number_is_valid_and_matches_the_person(demo, db):
    seen = set()
    count = 0
    for person in Person.objects.all().iterator():
        facts = parse_id_number(person.id_number)
        assert facts.birth_date == person.birth_date, person.name
        assert facts.gender == person.gender, person.name
        assert facts.division in {"652827", "652826", "652801"}
        assert person.id_number not in seen
        seen.add(person.id_number)
        age = (timezone.localdate() - person.birth_date).days / 365.25
        assert 18 <= age < 59.5, person.name
        assert len(person.phone) == 11 and person.phone.isdigit()
        count += 1
    assert count == Person.objects.count() > 2000


def test_no_id_number_in_clear_in_the_database(demo, db):
    clear = set(Person.objects.values_list("id_number", flat=True))
    assert len(clear) > 2000
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM people_person")
        stored = cursor.fetchall()
        assert all(idn.startswith("v1:") and phone.startswith("v1:") for idn, phone in stored)
        cursor.execute("SELECT * FROM people_person")
        person_text = "\n".join("|".join(str(v) for v in row) for row in cursor.fetchall())
        cursor.execute("SELECT changes, object_repr FROM audit_auditevent")
        audit_text = "\n".join(f"{changes}|{repr_}" for changes, repr_ in cursor.fetchall())
    for number in clear:
        assert number not in person_text
        assert number not in audit_text


def test_logins(demo, db):
    for username in scenario.DEMO_USERNAMES:
        user = User.objects.get(username=username)
        assert user.check_password(scenario.DEMO_PASSWORD), username
        assert user.language == ""
    assert User.objects.get(username="admin").is_superuser
    assert RoleAssignment.objects.filter(
        user__username="liuhong", role=Role.ORG_DEPARTMENT, organization__code="652827"
    ).exists()
    assert RoleAssignment.objects.filter(
        user__username="bazhou", role=Role.ORG_DEPARTMENT, organization__code="652800"
    ).exists()
    assert RoleAssignment.objects.filter(
        user__username="hr", role=Role.MANAGER, enterprise__name=scenario.GARMENT_NAME
    ).exists()
    assert not RoleAssignment.objects.filter(user__username="hr", role=Role.STATISTICIAN).exists()
    # The statistician is a person on the garment company's staff, named as the logins print her.
    statistician = User.objects.get(username="statistician")
    assert [(ra.role, ra.enterprise.name) for ra in statistician.role_assignments.select_related("enterprise")] == [
        (Role.STATISTICIAN, scenario.GARMENT_NAME)
    ]
    assert statistician.person.employer.name == scenario.GARMENT_NAME and statistician.person.post == "统计员"
    login = next(login for login in scenario.LOGINS if login.username == "statistician")
    assert login.who.startswith(f"{statistician.person.name} {statistician.person.name_latin},")
    member = User.objects.get(username="member")
    assert member.person.political_status == PoliticalStatus.FULL and not member.role_assignments.exists()
    employee = User.objects.get(username="abibahan")
    assert employee.person.name == "阿比巴汗·买提沙力" and not employee.role_assignments.exists()
    for login in scenario.LOGINS:
        assert login.username in demo["output"]


def test_audit_events_come_from_the_command_and_chain(demo, db):
    new = AuditEvent.objects.filter(id__gt=demo["last_event_before"])
    assert new.count() > Person.objects.count()
    assert not new.exclude(source="command").exists()
    assert not new.exclude(actor__isnull=True).exists()
    checked, bad, reason = verify_chain()
    assert bad is None and reason == "", reason


def test_second_run_changes_nothing(demo, db):
    models = (
        Organization,
        Enterprise,
        ProductionUnit,
        Person,
        Membership,
        Candidacy,
        User,
        RoleAssignment,
        Meeting,
        Attendance,
        TeamCharge,
        Pairing,
        Post,
        Course,
        Trainee,
        Round,
        Ballot,
        Value,
        AuditEvent,
    )
    before = {m.__name__: m.objects.count() for m in models}
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert {m.__name__: m.objects.count() for m in models} == before
    assert "演示数据已加载，未做任何修改。" in out.getvalue()
    assert "heyanping" in out.getvalue() and scenario.DEMO_PASSWORD in out.getvalue()


def test_founding_date_rule():
    assert scenario.branch_founding_date(dt.date(2026, 11, 25)) == dt.date(2026, 5, 4)
    assert scenario.branch_founding_date(dt.date(2026, 10, 1)) == dt.date(2025, 5, 4)
    assert scenario.branch_founding_date(dt.date(2026, 3, 1)) == dt.date(2025, 5, 4)
    assert scenario.branch_founding_date(dt.date(2026, 5, 4)) == dt.date(2025, 5, 4)


def _figure(html: str, key: str) -> str:
    import re

    match = re.search(rf'data-figure="{key}">([^<]*)<', html)
    assert match, key
    return match.group(1)


def test_pages_show_the_article_numbers(county, garment, branch, client):
    client.force_login(User.objects.get(username="heyanping"))
    page = client.get(f"/orgs/enterprises/{garment.pk}/").content.decode()
    assert (_figure(page, "employees"), _figure(page, "members")) == ("816", "38")
    page = client.get(f"/orgs/{branch.pk}/").content.decode()
    # Applicants in the wide sense: the 7 applicants, 3 activists and the development target.
    assert (_figure(page, "members"), _figure(page, "applicants")) == ("38", "11")
    client.force_login(User.objects.get(username="liuhong"))
    page = client.get(f"/orgs/{county.pk}/").content.decode()
    assert _figure(page, "enterprises") == "68"
    assert _figure(page, "instructors") == "68"
    home = client.get("/").content.decode()
    assert _figure(home, "enterprises") == "68"


# --- the branch's life (demo.meetings) ------------------------------------------------------------


def _cell(cal, key: str, label: str):
    requirement = next(r for r in cal.requirements if r.key == key)
    return next(c for c in requirement.cells if c.span.label == label)


def test_the_branch_holds_every_scheduled_kind_of_meeting(branch):
    today = timezone.localdate()
    held = Meeting.objects.filter(organization__path__startswith=branch.path, status=Meeting.Status.HELD)
    kinds = set(held.values_list("kind", flat=True))
    life_day = meetings.workday(dt.date(branch.founded_on.year, 11, 20))
    expected = set(MeetingKind.values) - ({MeetingKind.LIFE} if today <= life_day else set())
    assert kinds == expected
    assert not held.filter(held_on__lt=branch.founded_on).exists() and not held.filter(held_on__gte=today).exists()
    # The founding meeting, monthly theme days on the 5th, every party group every month.
    founding = held.get(kind=MeetingKind.GENERAL, held_on=branch.founded_on)
    assert founding.topic == "党支部成立大会暨第一次党员大会"
    assert set(held.filter(kind=MeetingKind.THEME_DAY).values_list("held_on__day", flat=True)) == {5}
    months = len(meetings.months_between(branch.founded_on, today - dt.timedelta(days=20)))
    for group in branch.children.filter(kind=OrgKind.PARTY_GROUP):
        assert held.filter(organization=group, kind=MeetingKind.GROUP).count() >= months, group.name
    # The secretary gave a party lecture; the learning sessions record materials and hours.
    assert held.filter(kind=MeetingKind.LECTURE, host__name="何艳萍").exists()
    for study in held.filter(kind=MeetingKind.STUDY):
        assert study.materials and study.hours > 0 and study.minutes
    assert all(m.minutes and m.place and m.host_id for m in held.filter(organization=branch))


def test_the_calendar_shows_held_meetings_and_the_gaps(branch, client):
    today = timezone.localdate()
    # The theme party day of the month before last was called off and the committee meeting
    # three months ago was not quorate: both overdue.
    (y, m) = meetings.months_before(today, 2)
    assert _cell(branchlife.calendar(branch, y, today), "theme_day", f"{y}-{m:02d}").state == branchlife_rules.OVERDUE
    missed = Meeting.objects.get(organization=branch, kind=MeetingKind.THEME_DAY, held_on=dt.date(y, m, 5))
    assert missed.status == Meeting.Status.CANCELLED and missed.note
    (y, m) = meetings.months_before(today, 3)
    assert _cell(branchlife.calendar(branch, y, today), "committee", f"{y}-{m:02d}").state == branchlife_rules.OVERDUE
    short = Meeting.objects.get(organization=branch, kind=MeetingKind.COMMITTEE, held_on__year=y, held_on__month=m)
    tally = branchlife.tallies([short])[short.pk]
    assert not short.quorate and tally.expected == 4 and tally.present * 2 < tally.expected

    # A meeting is planned ahead, and a committee member sees it on the calendar.
    assert Meeting.objects.filter(organization=branch, status=Meeting.Status.PLANNED, held_on__gte=today).exists()
    if today.month >= 3:  # the gaps are in this year's calendar
        cal = branchlife.calendar(branch, today.year, today)
        states = Counter(c.state for r in cal.requirements for c in r.cells)
        assert states[branchlife_rules.OVERDUE] >= 1 and states[branchlife_rules.HELD] >= 5
        client.force_login(User.objects.get(username="heyanping"))
        page = client.get("/meetings/calendar/").content.decode()
        assert 'data-state="overdue"' in page and 'data-state="held"' in page
        assert f'data-overdue-total="{len(cal.overdue)}"' in page

    # In the county's roll-up the branch is behind on something.
    county = Organization.objects.get(code=scenario.HEJING_CODE)
    row = next(c for c in branchlife.rollup(county, today.year, today) if c.org == branch)
    assert row.overdue or today.month < 3


def test_attendance_most_come_a_few_on_leave_or_absent(branch):
    rows = Attendance.objects.filter(
        meeting__organization=branch, meeting__status=Meeting.Status.HELD, invited=False
    ).exclude(meeting__kind=MeetingKind.COMMITTEE)
    states = Counter(rows.values_list("state", flat=True))
    assert states[Attendance.State.PRESENT] >= 0.85 * rows.count()
    assert states[Attendance.State.LEAVE] >= 5 and states[Attendance.State.ABSENT] >= 1
    reasons = " ".join(
        Attendance.objects.filter(meeting__organization=branch, state=Attendance.State.LEAVE).values_list(
            "reason", flat=True
        )
    )
    for reason in ("夜班", "出差", "病假", "探亲"):
        assert reason in reasons
    assert not Attendance.objects.filter(state=Attendance.State.LEAVE, reason="").exists()


def test_the_collective_political_birthday_on_28_june(branch, client):
    celebration = Meeting.objects.get(
        organization=branch, kind=MeetingKind.CELEBRATION, held_on=dt.date(branch.founded_on.year, 6, 28)
    )
    assert celebration.status == Meeting.Status.HELD
    assert celebration.topic == "重温入党誓词 集体过政治生日" and "6号厂房" in celebration.place
    members, invited = branchlife.attendance_of(celebration)
    cohort = set(cohort_people(branch, celebration.held_on).values_list("pk", flat=True))
    # The article: all the branch's members celebrated together, the June cohort among them.
    assert celebration.all_members
    expected = {a.person_id for a in members}
    on_the_day = set(branchlife_services.members_under(branch, celebration.held_on).values_list("pk", flat=True))
    assert expected == on_the_day and cohort < expected and 8 <= len(cohort)
    assert len(expected) >= 36  # the 38, less any admitted since 28 June
    assert Person.objects.get(name="何艳萍").pk in cohort
    assert all(a.state == Attendance.State.PRESENT for a in members) and not invited
    client.force_login(User.objects.get(username="heyanping"))
    page = client.get(f"/meetings/{celebration.pk}/").content.decode()
    assert "重温入党誓词 集体过政治生日" in page
    assert f'data-present="{len(expected)}" data-expected="{len(expected)}"' in page


def test_invited_non_members_are_counted_apart(branch, client):
    general = (
        Meeting.objects.filter(organization=branch, kind=MeetingKind.GENERAL, attendances__invited=True)
        .distinct()
        .order_by("held_on")
    )
    assert general.count() >= 1
    meeting = general.first()
    members, invited = branchlife.attendance_of(meeting)
    assert "阿比巴汗·买提沙力" in {a.person.name for a in invited}
    assert not any(a.person.is_party_member for a in invited) and all(a.person.is_party_member for a in members)
    # Expected: the members of the day (a member admitted since is not), never the invited.
    from dangjian.branchlife.services import members_under

    of_the_day = members_under(branch, meeting.held_on).count()
    assert len(members) == of_the_day and 36 <= of_the_day <= 38
    tally = branchlife.tally(members, invited)
    assert tally.expected == of_the_day and tally.present + tally.leave + tally.absent == of_the_day
    assert 1 <= tally.invited_present < tally.invited
    client.force_login(User.objects.get(username="heyanping"))
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'data-invited="{tally.invited}" data-invited-present="{tally.invited_present}"' in page


def test_the_countys_roll_up_has_branches_ahead_and_behind(branch):
    import datetime as dt

    from django.utils import timezone

    from dangjian.branchlife import selectors as branchlife_selectors

    county = branch.parent.parent if branch.parent.kind != "county" else branch.parent
    while county.kind != "county":
        county = county.parent
    rows = branchlife_selectors.rollup(county, timezone.localdate().year)
    behind = [c for c in rows if c.overdue]
    assert len(rows) >= 40 and 0 < len(behind) < len(rows)  # neither all on time nor all behind
    assert len({len(c.overdue) for c in rows}) > 3  # a spread, furthest behind first
    assert all(c.last_held is None or c.last_held < timezone.localdate() + dt.timedelta(days=1) for c in rows)


def test_a_new_demo_employee_gets_a_login_activates_it_and_applies(garment, branch, client):
    """The demo's HR gives one of the garment company's workers a login; the worker activates it
    with the card's code and their ID ending, applies to join, and the branch secretary has it in
    the to-do list and the bell."""
    from dangjian.accounts import services as account_services
    from dangjian.accounts.models import Activation
    from dangjian.notifications.models import Notification

    hr = User.objects.get(username="hr")
    worker = (
        Person.objects.filter(employer=garment, political_status=PoliticalStatus.MASSES, user__isnull=True)
        .exclude(id_number="")
        .order_by("pk")
        .first()
    )
    client.force_login(hr)
    client.cookies["django_language"] = "en"
    assert client.post(reverse("access:logins_give") + f"?person={worker.pk}", {"days": 14}).status_code == 302
    client.logout()
    activation = Activation.objects.get(user__person=worker)
    response = client.post(
        reverse("activate"),
        {
            "code": account_services.shown(activation.code_sealed),
            "id_tail": worker.id_number[-6:],
            "password1": "Garment-line-2026",
            "password2": "Garment-line-2026",
        },
    )
    assert response.status_code == 302
    assert client.post(reverse("development:apply"), {"text": "我志愿加入中国共产党。"}).status_code == 302
    secretary = User.objects.get(role_assignments__role=Role.SECRETARY, role_assignments__organization=branch)
    assert Notification.objects.filter(user=secretary, kind="application", title__contains=worker.name).exists()
    client.force_login(secretary)
    assert worker.name in client.get(reverse("home")).content.decode()


# --- party building in production (demo.build.production) ----------------------------------------


def test_every_garment_team_is_in_a_members_charge_since_the_founding(county, branch, garment):
    coverage = production.coverage(branch)
    # The article: "all teams and groups of the enterprise have achieved full coverage".
    assert (coverage.covered, coverage.total, coverage.percent) == (26, 26, 100)
    assert {r.covered_since for r in coverage.rows} == {branch.founded_on}
    for row in coverage.rows:
        assert row.charge is not None
        member = row.charge.member
        assert member.employer == garment and member.party_org is not None, row.team.name
        assert member.party_org.path.startswith(branch.path), row.team.name
    huo = Person.objects.get(name="霍秀全")
    qc = next(r for r in coverage.rows if r.team.name == "质检班组")
    assert qc.charge is not None and qc.charge.member == huo
    # One team changed hands without a day uncovered.
    assert TeamCharge.objects.filter(organization=branch, end_reason=TeamCharge.EndReason.HANDED_OVER).count() == 1
    # In the county's roll-up the garment company is full; a few other teams are not.
    rows, total = production.rollup(county)
    ours = next(r for r in rows if r.enterprise_id == garment.pk)
    assert (ours.teams, ours.covered) == (26, 26)
    assert 0.8 * total.teams <= total.covered < total.teams


def test_huo_xiuquan_trained_the_44_quality_inspectors(branch):
    huo = Person.objects.get(name="霍秀全")
    assert production.trained_by(huo) == {"trainees": 44, "passed": 44}
    (course,) = Course.objects.filter(trainer=huo)
    trainees = list(production.trainees_of(course))
    assert len(trainees) == 44
    assert all(t.person.post == "质检员" and t.person.team_id == huo.team_id for t in trainees)
    assert {t.result for t in trainees} == {Result.PASSED, Result.CERTIFIED}
    certified = [t for t in trainees if t.result == Result.CERTIFIED]
    numbers = {t.certificate_no for t in certified}
    assert len(numbers) == len(certified) > 22 and "" not in numbers
    for t in certified:
        assert t.certified_on and t.assessed_on and branch.founded_on
        assert t.certified_on >= t.assessed_on >= course.starts_on >= branch.founded_on
    # Sessions with their attendance marked, most present.
    sessions = production.sessions_of(course)
    assert len(sessions) >= 6 and all(36 <= s.n_present <= 44 for s in sessions)
    assert course.organization == branch and huo.team is not None and huo.team.parent is not None
    assert huo.team.parent.name == "6号厂房"


def test_the_county_recognised_45_party_pioneer_posts(county, branch):
    rows, total = production.rollup(county)
    assert total.recognised == 45 and total.posts > 45  # and some proposed, awaiting the county
    liu = User.objects.get(username="liuhong")
    registry = production.post_registry(liu, county)
    recognised = registry.filter(status="recognised")
    assert recognised.count() == 45 and registry.filter(status="proposed").count() >= 2
    assert set(recognised.values_list("recognised_by", flat=True)) == {county.pk}
    assert recognised.values("enterprise").distinct().count() >= 20  # across the county's enterprises
    for post in registry.select_related("holder__party_org", "organization"):
        assert post.holder.political_status == PoliticalStatus.FULL, post.title
        assert post.holder.employer_id == post.enterprise_id, post.title
        assert post.holder.party_org is not None and post.holder.party_org.path.startswith(post.organization.path)
    # The garment company's posts, those of No. 6 factory building among them.
    garment_posts = registry.filter(organization=branch)
    assert garment_posts.filter(line="6号厂房").count() >= 3
    assert garment_posts.filter(holder__name="霍秀全", status="recognised").exists()


def test_pairings_and_abibahan_applied_after_her_pairing(branch):
    view = production.branch_view(User.objects.get(username="heyanping"), branch)
    assert 12 <= len(view.pairings) <= 15
    partners = {p.member.name: [x.person.name for x in p.partners.all()] for p in view.pairings}
    assert partners["何艳萍"] == ["李晓燕"]  # the article: Li Xiaoyan is He Yanping's partner
    assert any(len(names) > 1 for names in partners.values())  # 1+N as well as 1+1
    abibahan = Person.objects.get(name="阿比巴汗·买提沙力")
    (pairing,) = Pairing.objects.filter(partners__person=abibahan)
    applied = Candidacy.objects.get(person=abibahan).applied_on
    assert pairing.started_on < applied
    # 双培养: she is among the paired employees who later applied.
    assert view.outcomes is not None and abibahan in view.outcomes.applied
    assert view.quiet and len(view.quiet) < len(view.pairings)  # a few pairings gone quiet


def test_the_instructors_visit_and_one_problem_is_overdue_at_the_garment_company(county, garment, client):
    from dangjian.guidance import selectors as guidance
    from dangjian.guidance.models import FollowUp

    rows = guidance.instructors_of(county)
    assert len(rows) == 68 and all(r.declaration is not None for r in rows)
    summary = guidance.overview(rows)
    assert 0 < summary.behind < 68 and summary.visits > 68
    today = timezone.localdate()
    overdue = FollowUp.objects.filter(status=FollowUp.Status.OPEN, due_on__lt=today)
    assert [f.enterprise_id for f in overdue] == [garment.pk]
    assert overdue.get().owner.username == "heyanping"
    client.force_login(User.objects.get(username="liuhong"))
    client.cookies["django_language"] = "en"
    page = client.get(reverse("guidance:page")).content.decode()
    assert "Instructors&#x27; visits" in page or "Instructors' visits" in page


def test_this_years_three_good_round_rated_seven_branches_the_garment_branch_among_them(county, branch, client):
    from dangjian.guidance.models import Candidate, RatingRound, Reviewer

    rnd = RatingRound.objects.get(organization=county, year=timezone.localdate().year)
    assert rnd.scheme.name == "三好党支部" and rnd.status == RatingRound.Status.CLOSED
    awarded = rnd.candidates.filter(result=Candidate.Result.AWARDED)
    assert awarded.count() == 7 and rnd.candidates.count() > 7
    garment = rnd.candidates.get(organization=branch)
    assert garment.result == Candidate.Result.AWARDED and garment.certificate_no
    assert all(c.total >= rnd.pass_mark for c in awarded)
    assert all(c.total < rnd.pass_mark for c in rnd.candidates.exclude(result=Candidate.Result.AWARDED))
    # Every reviewer scored every candidate; the branch scored itself as He Yanping.
    scores = garment.scores.exclude(reviewer="")
    assert {s.reviewer for s in scores} == set(Reviewer.values)
    assert {s.scored_by.username for s in scores if s.reviewer == Reviewer.SELF} == {"heyanping"}
    client.force_login(User.objects.get(username="heyanping"))
    page = client.get(reverse("guidance:candidate", args=[garment.pk])).content.decode()
    assert "data-certificate" in page
    client.force_login(User.objects.get(username="liuhong"))
    page = client.get(reverse("guidance:round", args=[rnd.pk])).content.decode()
    assert page.count('data-result="awarded"') == 7


def test_last_years_appraisals_within_the_countys_cap_with_the_garment_companys_opinion(county, garment, client):
    from dangjian.guidance.models import Appraisal, GuidanceConfig, Opinion

    year = timezone.localdate().year - 1
    appraisals = Appraisal.objects.filter(committee=county, year=year)
    assert appraisals.count() == 68
    grades = Counter(appraisals.values_list("grade", flat=True))
    assert GuidanceConfig.objects.get(organization=county).excellent_cap == 20
    assert 0 < grades["excellent"] <= 68 * 20 // 100
    assert grades["competent"] > grades["basically_competent"] > grades["not_competent"] == 1
    assert not appraisals.filter(appraised_by__isnull=False).exists()  # written by the command
    assert appraisals.filter(visits__gt=0).count() > 60
    instructor = User.objects.get(username="instructor")
    opinions = Opinion.objects.filter(instructor=instructor, enterprise=garment, year=year)
    assert sorted(opinions.values_list("author__username", flat=True)) == ["heyanping", "hr"]
    client.force_login(instructor)
    page = client.get(reverse("guidance:appraisal_history", args=[instructor.pk])).content.decode()
    assert f'data-year="{year}"' in page
    client.force_login(User.objects.get(username="liuhong"))
    listing = client.get(f"{reverse('guidance:appraisals')}?org={county.pk}&year={year}").content.decode()
    assert 'data-rows="68"' in listing and "每季度都来支部" in listing


def test_the_prefecture_roll_up_and_screen_show_hejing_beside_the_other_counties(county, client):
    client.force_login(User.objects.get(username="bazhou"))
    client.cookies["django_language"] = "en"
    prefecture = county.parent
    page = client.get(reverse("guidance:rollup") + f"?org={prefecture.pk}").content.decode()
    counties = Organization.objects.filter(parent=prefecture, kind=OrgKind.COUNTY_COMMITTEE)
    assert counties.count() >= 3
    from django.utils import translation

    with translation.override("en"):
        for c in counties:
            assert f'data-row="{c.display_name}"' in page
    screen = client.get(reverse("guidance:screen") + f"?org={prefecture.pk}")
    assert screen.status_code == 200 and b"data-screen-chart" in screen.content
    from dangjian.guidance import rollups

    r = rollups.rollup(prefecture)
    hejing = next(row for row in r.rows if row.org_id == county.pk)
    assert hejing.figures.enterprises == 68 and hejing.figures.rated == 7 and hejing.figures.posts_recognised == 45


# --- the four pacesetters (demo.build.selections) -------------------------------------------------


def _rounds(garment):
    first, second = Round.objects.filter(enterprise=garment).order_by("opens_on")
    return first, second


def test_the_first_pacesetter_round_is_announced_li_xiaoyan_learning_model_and_the_income_couple(garment, branch):
    from dangjian.ballots import selectors as ballot_selectors
    from dangjian.selections import selectors
    from dangjian.selections.models import Builtin, Decision, Eligible, Phase

    first, _second = _rounds(garment)
    assert first.organization == branch and first.phase == Phase.ANNOUNCED
    assert first.nominees == Eligible.EMPLOYEES and first.voters == Eligible.EMPLOYEES
    # About a month after the branch's founding; Li Xiaoyan had worked there about a month.
    assert 20 <= (first.opens_on - branch.founded_on).days <= 40
    li = Person.objects.get(name="李晓燕")
    assert 28 <= (first.opens_on - li.hire_date).days <= 45
    assert first.announced_on is not None and first.announced_on.year == branch.founded_on.year
    assert [h.category for h in selectors.honours_of(li.pk)] == ["学习型标兵"]

    # The income model's two places went to a couple who both work here and saved 40,000 yuan.
    income = first.categories.get(builtin=Builtin.INCOME)
    assert income.quota == 2
    winners = selectors.winners(first)
    couple = {r.nomination.nominee.name for r in winners if r.category_id == income.pk}
    assert couple == {"阿比巴汗·买提沙力", "艾尔肯·买买提"}
    for nomination in first.nominations.filter(category=income, nominee__name__in=couple):
        assert nomination.nominee.employer == garment
        evidence = " ".join(e.text + str(e.figures) for e in nomination.evidence.all())
        assert "4万" in evidence
    # One learning, thinking and performance model each, all confirmed by the committee before the notice.
    assert sorted(r.category.builtin for r in winners) == sorted(
        [Builtin.LEARNING, Builtin.THINKING, Builtin.PERFORMANCE, Builtin.INCOME, Builtin.INCOME]
    )
    assert all(r.decision == Decision.CONFIRMED and r.decided_on < first.noticed_on for r in winners)
    assert not first.results.filter(decision=Decision.SET_ASIDE).exists()

    # Nominated by themselves, colleagues and team leaders, each with a reason and evidence.
    nominations = list(selectors.nominations(first))
    assert {n.kind for n in nominations} == {"self", "peer", "team_leader"}
    assert all(n.reason and n.evidence_count for n in nominations)
    assert len({n.nominee_id for n in nominations}) == len(nominations) >= 12
    # Most of the employees voted, not all; anyone may count again and get the same.
    roll, voted = ballot_selectors.roll_size(first.poll)
    assert roll == garment.employees.count() == 816 and 0.7 * roll < voted < roll
    same, stored, again = ballot_selectors.recount_agrees(first.poll)
    assert same and stored.ballots == voted

    # One objection during the notice, answered before the announcement.
    (objection,) = selectors.objections(first)
    assert first.noticed_on <= objection.raised_on <= objection.answered_on <= first.notice_until
    assert objection.answer and first.announced_on > first.notice_until


def test_the_second_round_is_in_its_vote_and_a_demo_login_has_a_ballot_to_cast(garment):
    from dangjian.ballots import selectors as ballot_selectors
    from dangjian.ballots import services as ballots
    from dangjian.selections import selectors
    from dangjian.selections.models import NominationStatus, Phase

    first, second = _rounds(garment)
    today = timezone.localdate()
    assert second.phase == Phase.VOTE and second.vote_on <= today <= second.vote_until
    assert second.opens_on > first.announced_on
    assert second.nominations.filter(status=NominationStatus.DECLINED).count() == 1
    assert all(c.standing for c in selectors.categories(second))  # someone stands in every category
    roll, voted = ballot_selectors.roll_size(second.poll)
    assert roll == 816 and 0 < voted < roll / 2

    # The secretary and Huo Xiuquan have voted; the member, Abibahan and HR have it on their to-do.
    for username in ("heyanping", "huoxiuquan"):
        assert selectors.open_ballots(User.objects.get(username=username).person_id) == []
    for username in ("member", "abibahan", "hr"):
        [(found, _line)] = selectors.open_ballots(User.objects.get(username=username).person_id)
        assert found == second

    # The member votes: one ballot, a receipt, and the ballot leaves her to-do.
    member = User.objects.get(username="member").person
    line = ballot_selectors.voter_line(second.poll, member.pk)
    choices = {q.pk: q.options.all()[0].pk for q in ballot_selectors.questions(second.poll)}
    assert ballots.cast(actor=None, voter=line, choices=choices)
    assert selectors.open_ballots(member.pk) == []
    assert ballot_selectors.roll_size(second.poll) == (roll, voted + 1)


# --- production indicators (demo.build.indicators) -------------------------------------------------


def test_two_years_of_figures_for_the_garment_companys_26_teams_and_the_countys_others(county, garment):
    from dangjian.demo.build.indicators import demo_months
    from dangjian.indicators import selectors as indicators
    from dangjian.organizations import selectors as org_selectors

    months = demo_months(timezone.localdate())
    last_complete = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert len(months) == 24 and months[-1] == last_complete
    codes = set(indicators.defaults().values_list("code", flat=True))
    assert len(codes) == 6
    stored = Value.objects.filter(enterprise=garment, value__isnull=False)
    assert stored.count() == 26 * 24 * 6
    assert stored.values("team").distinct().count() == 26
    assert sorted(stored.values_list("month", flat=True).distinct()) == months
    assert set(stored.values_list("indicator__code", flat=True).distinct()) == codes
    # Every team of the county's other enterprises has its figures too: the comparison.
    hejing = org_selectors.enterprises_supervised_under(county)
    teams = ProductionUnit.objects.filter(enterprise__in=hejing, kind="team")
    assert Value.objects.filter(team__in=teams).values("team").distinct().count() == teams.count() > 26
    # "In the second quarter, various production and operation indicators improved steadily."
    founded = Organization.objects.get(name=scenario.GARMENT_BRANCH_NAME).founded_on
    for code in ("pass_rate", "on_time", "efficiency"):
        indicator = indicators.defaults().get(code=code)
        by_quarter = {q: v for q, v, _n in indicators.quarters(indicator, indicators.series([garment.pk], indicator))}
        assert by_quarter[(founded.year, 2)] > by_quarter[(founded.year, 1)], code


def test_the_countys_pass_rate_comparison_finds_a_moderate_difference_with_an_honest_range(county, garment):
    from django.utils import translation

    from dangjian.indicators import effects, wording
    from dangjian.indicators import selectors as indicators
    from dangjian.indicators.analysis import NO_COMPARISON, OK

    liu = User.objects.get(username="liuhong")
    pass_rate = indicators.defaults().get(code="pass_rate")
    county_ids = list(indicators.visible_enterprises(liu).values_list("pk", flat=True))
    assert garment.pk in county_ids and len(county_ids) == 68
    effect = effects.compute(county_ids, pass_rate)
    assert effect.status == OK
    assert effect.covered_teams >= 26 and effect.comparison_teams >= 10
    # The simulated difference is 1.2 points: found, within a range that is neither nothing nor huge.
    assert effect.low is not None and effect.high is not None and effect.estimate is not None
    assert 0.5 < effect.estimate < 2 and 0 < effect.low < 1.2 < effect.high < 2.5
    assert not effect.pretrend_flagged  # demo.data.indicators.SIMULATION_SEED
    with translation.override("en"):
        assert wording.headline(pass_rate, effect).startswith(
            "After a member took charge of them, covered teams' Quality pass rate rose"
        )
    # The garment company alone, every team covered on the same day, has nobody to compare with.
    assert effects.compute([garment.pk], pass_rate).status == NO_COMPARISON


def test_a_few_figures_were_corrected_and_one_confirmed_outside_its_range(garment):
    from dangjian.indicators.models import Revision

    revisions = Revision.objects.filter(value__enterprise=garment).select_related("value__indicator")
    assert revisions.count() == 3
    assert all(r.reason and r.old != r.new and r.value.value == r.new for r in revisions)
    (confirmed,) = Value.objects.filter(confirmed=True).select_related("indicator", "team")
    assert confirmed.enterprise == garment and confirmed.indicator.code == "pass_rate"
    assert not confirmed.indicator.plausible(confirmed.value)


def test_the_income_couples_40000_yuan_is_pacesetter_evidence_not_a_figure(garment):
    from dangjian.selections.models import Evidence

    assert any("4万" in e.text + str(e.figures) for e in Evidence.objects.filter(nomination__round__enterprise=garment))
    # Income is a team's average monthly pay; a household's yearly saving is no indicator value.
    assert not Value.objects.filter(value=40000).exists()
    pay = Value.objects.filter(indicator__code="income").values_list("value", flat=True)
    assert pay and max(pay) < 10000
    abibahan = Person.objects.get(name="阿比巴汗·买提沙力")
    assert not Value.objects.filter(indicator__code="income", team=abibahan.team, value__gte=10000).exists()


def test_the_founding_members_came_by_transfer_and_one_member_is_leaving_for_another_county(county, branch, client):
    founding = branch.founded_on
    founders = Membership.objects.filter(
        organization__path__startswith=branch.path, joined_org_on=founding, admitted_on__lt=founding
    )
    letters = Transfer.objects.filter(to_org__path__startswith=branch.path, status="accepted")
    assert letters.count() == founders.count() >= 30
    joint = {t.from_org for t in letters}
    assert len(joint) == 1 and next(iter(joint)).kind == OrgKind.JOINT_BRANCH
    assert {t.done_on for t in letters} == {founding}
    # Each founder's history shows where they came from: their record at the joint branch.
    one = letters.order_by("pk").first()
    came_from = Membership.objects.get(person=one.person, organization=one.from_org)
    assert (came_from.ended_on, came_from.end_reason) == (founding, "transferred")
    he = User.objects.get(username="heyanping")
    client.force_login(he)
    assert one.number in client.get(reverse("transfers:person", args=[one.person_id])).content.decode()
    # This month's letter: issued to a branch in another county, not yet accepted.
    leaving = Transfer.objects.get(from_org__path__startswith=branch.path, status="issued")
    today = timezone.localdate()
    assert (leaving.issued_on.year, leaving.issued_on.month) == (today.year, today.month)
    assert not leaving.to_org.path.startswith(county.path)
    assert leaving.person.party_org.path.startswith(branch.path)  # still the branch's member
    assert leaving.number not in {t.detail for t in transfers_todo(he)}  # the sender waits


def test_the_garment_branchs_dues_since_may_with_a_few_paid_on_behalf_and_two_members_behind(branch):
    from dangjian.calendar import add_months
    from dangjian.dues import selectors as dues
    from dangjian.dues.models import Charge, ClosedMonth, Payment

    this = dues.this_month()
    first = Charge.objects.filter(organization__path__startswith=branch.path).order_by("month").first()
    assert first is not None and first.month.month == 5
    behind = [u for u in dues.unpaid_list(branch, add_months(this, -1)) if u.months >= 3]
    assert len(behind) == 2
    assert Payment.objects.filter(organization__path__startswith=branch.path, paid_by__isnull=False).exists()
    closed = set(
        ClosedMonth.objects.filter(organization=branch, reopened_at__isnull=True).values_list("month", flat=True)
    )
    assert add_months(this, -1) in closed and this not in closed


def test_last_years_appraisal_is_confirmed_and_this_years_is_in_its_mutual_assessment(branch, db):
    from dangjian.appraisal import rules as appraisal_rules
    from dangjian.appraisal.models import Grade, Part, Participant
    from dangjian.appraisal.models import Round as Appraisal

    today = timezone.localdate()
    done = Appraisal.objects.get(year=today.year - 1)
    assert done.organization.kind == OrgKind.JOINT_BRANCH and done.step == "confirmed"
    graded = Participant.objects.filter(round=done, part=Part.MEMBER)
    excellent = graded.filter(grade=Grade.EXCELLENT).count()
    assert 0 < excellent <= appraisal_rules.excellent_cap(graded.count())
    assert not graded.filter(grade="").exists()
    assert done.poll.tally["turnout"] == done.participants.count()
    now = Appraisal.objects.get(year=today.year)
    assert now.organization == branch and now.step == "mutual"
    written = now.participants.exclude(self_written_on=None).count()
    assert 0 < written < now.participants.count()
    member = User.objects.get(username="member")
    assert not now.participants.get(person_id=member.person_id).self_written_on
