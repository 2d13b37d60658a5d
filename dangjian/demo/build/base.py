"""The builder the demo's parts share: the seeded random streams, what has been built so far
(committees, named people, users), and the small writers every part uses — each through the
owning app's services with actor=None, so every row has its audit event and every person their
blind index."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from dangjian.access import services as access_services
from dangjian.access.models import Role, User
from dangjian.calendar import add_years
from dangjian.demo.codes import CodeFactory
from dangjian.demo.data.people import DEMO_PASSWORD, EDUCATION_WEIGHTS, RESERVED_NAMES
from dangjian.demo.data.places import ETHNICITY_BY_DIVISION
from dangjian.demo.names import Name, NamePool
from dangjian.organizations import services as org_services
from dangjian.organizations.models import Enterprise, Organization, ProductionUnit
from dangjian.people import services as people_services
from dangjian.people.models import Membership, Person
from dangjian.people.rules import age_on

SEED = 20200504

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 13 → 十三, 20 → 二十 (enough for team numbers)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


# Shares of the garment branch's members admitted in the second half of June and on 1 July.
JUNE_ADMISSIONS = 0.4
JULY_FIRST_ADMISSIONS = 0.1


def near_july_first(day: dt.date, lo: dt.date, hi: dt.date, rng: random.Random) -> dt.date:
    """`day`, or (at the shares above) a day in late June or 1 July of a year near it, kept
    between `lo` and `hi`."""
    draw = rng.random()
    if draw >= JUNE_ADMISSIONS + JULY_FIRST_ADMISSIONS:
        return day
    june_day = rng.randint(15, 30)
    for year in (day.year, day.year - 1, day.year + 1):
        moved = dt.date(year, 6, june_day) if draw < JUNE_ADMISSIONS else dt.date(year, 7, 1)
        if lo <= moved <= hi:
            return moved
    return day


def branch_founding_date(today: dt.date) -> dt.date:
    """The most recent 4 May at least about six months ago (the garment branch's founding)."""
    candidate = dt.date(today.year, 5, 4)
    if (today - candidate).days < 183:
        candidate = dt.date(today.year - 1, 5, 4)
    return candidate


@dataclass
class Slot:
    """One place on an enterprise's roster, decided before the person is created."""

    post: str
    team: ProductionUnit | None = None
    kind: str = "worker"  # worker / office (for education)
    member: str = ""  # "", "full", "probationary"
    applicant: bool = False
    name: Name | None = None
    gender: str | None = None
    ethnicity: str | None = None
    age: int | None = None
    education: str | None = None
    hire_date: dt.date | None = None
    key: str = ""
    person: Person | None = None
    # Membership development (see demo.build.development): where this person stands today,
    # and the dates their steps are placed on.
    track: str = ""
    dates: dict[str, dt.date] = field(default_factory=dict)

    @property
    def filled(self) -> Person:
        """The person in this place, once created (memberships and candidacies come after)."""
        if self.person is None:
            raise RuntimeError(f"slot {self.key or self.post!r} has no person yet")
        return self.person


@dataclass
class Summary:
    organisations: int = 0
    enterprises: int = 0
    hejing_enterprises: int = 0
    hejing_covered: int = 0
    persons: int = 0
    members: int = 0
    applicants: int = 0
    users: int = 0
    audit_events: int = 0
    garment_employees: int = 0
    garment_members: int = 0
    branch_founded_on: dt.date | None = None
    extras: dict = field(default_factory=dict)


class Builder:
    def __init__(self, *, today: dt.date, seed: int = SEED, password: str = DEMO_PASSWORD) -> None:
        self.today = today
        self.seed = seed
        self.rng = random.Random(seed)
        self.names = NamePool(self.rng, reserved=RESERVED_NAMES)
        self.codes = CodeFactory(self.rng)
        self.password = password
        self.founding = branch_founding_date(today)
        self.committees: dict[str, Organization] = {}
        self.joint: dict[str, Organization] = {}
        self.joint_full: dict[str, list[Person]] = {}
        self.users: dict[int, User] = {}  # person pk → user
        self.user_seq: dict[str, int] = {}
        self.named: dict[str, Person] = {}
        self.instructors: list[Person] = []
        self.organ_branches: list[Organization] = []
        self.hejing_enterprises: list[Enterprise] = []
        self.garment: Enterprise | None = None
        self.garment_branch: Organization | None = None
        self.garment_groups: list[Organization] = []
        self.garment_full: list[Person] = []
        self.meetings: list = []  # the garment branch's meetings (demo.meetings)

    # --- small helpers ------------------------------------------------------------------------

    def rand_date(self, lo: dt.date, hi: dt.date) -> dt.date:
        if hi <= lo:
            return lo
        return lo + dt.timedelta(days=self.rng.randint(0, (hi - lo).days))

    def birth_date(self, age: int) -> dt.date:
        """A date of birth for someone who is `age` today."""
        latest = add_years(self.today, -age)
        birth = latest - dt.timedelta(days=self.rng.randint(0, 360))
        assert age_on(birth, self.today) == age
        return birth

    def age(self, lo: int, hi: int, mode: float | None = None) -> int:
        return int(round(self.rng.triangular(lo, hi, mode if mode is not None else (lo + hi) / 2)))

    def education(self, kind: str) -> str:
        options, weights = zip(*EDUCATION_WEIGHTS[kind], strict=True)
        return self.rng.choices(options, weights=weights)[0]

    def ethnicity(self, division: str) -> str:
        weights = ETHNICITY_BY_DIVISION.get(division)
        if weights is None:
            return self.names.ethnicity()
        codes = [code for code, _share in weights]
        return self.rng.choices(codes, weights=[share for _code, share in weights])[0]

    def org(self, kind: str, name: str, parent: Organization | None, name_en: str = "", **extra) -> Organization:
        return org_services.create_organization(
            actor=None, kind=kind, name=name, parent=parent, name_en=name_en, **extra
        )

    def unit(self, enterprise: Enterprise, kind: str, name: str, name_en: str, parent=None) -> ProductionUnit:
        return org_services.create_unit(
            actor=None, enterprise=enterprise, kind=kind, name=name, name_en=name_en, parent=parent
        )

    def person(
        self,
        *,
        division: str,
        employer: Enterprise | None = None,
        team: ProductionUnit | None = None,
        post: str = "",
        name: Name | None = None,
        gender: str | None = None,
        ethnicity: str | None = None,
        age: int | None = None,
        education: str | None = None,
        hire_date: dt.date | None = None,
        hire_after: dt.date | None = None,
        hire_before: dt.date | None = None,
        female_share: float = 0.5,
        league_ok: bool = True,
        kind: str = "worker",
    ) -> Person:
        ethnicity = ethnicity or self.ethnicity(division)
        gender = gender or ("F" if self.rng.random() < female_share else "M")
        name = name or self.names.make(ethnicity, gender)
        age = age if age is not None else self.age(18, 58, 33)
        birth = self.birth_date(age)
        if employer is not None and hire_date is None:
            lo = max(add_years(birth, 18), hire_after or dt.date(2008, 3, 1))
            hi = hire_before or self.today - dt.timedelta(days=7)
            hire_date = self.rand_date(min(lo, hi), hi)
        league = league_ok and age < 28 and self.rng.random() < 0.3
        return people_services.create_person(
            actor=None,
            name=name.name,
            name_latin=name.latin,
            gender=gender,
            ethnicity=ethnicity,
            birth_date=birth,
            id_number=self.codes.id_number(division, birth, gender),
            phone=self.codes.phone(),
            education=education or self.education(kind),
            post=post,
            employer=employer,
            team=team,
            hire_date=hire_date,
            is_league_member=league,
        )

    def membership(
        self,
        person: Person,
        org: Organization,
        *,
        full: bool = True,
        joined_on: dt.date | None = None,
        admitted_before: dt.date | None = None,
        admitted_on: dt.date | None = None,
    ) -> Membership:
        if admitted_on is None:
            if full:
                lo = add_years(person.birth_date, 19)
                hi = admitted_before or self.today - dt.timedelta(days=400)
                admitted_on = self.rand_date(min(lo, hi), hi)
            else:
                admitted_on = self.today - dt.timedelta(days=self.rng.randint(30, 330))
        converted_on = None
        if full:
            # Most converted on time after a year; a few had their probation extended.
            extra = self.rng.choice((0,) * 12 + (183,))
            converted_on = min(add_years(admitted_on, 1) + dt.timedelta(days=extra), self.today)
        if joined_on is None:
            joined_on = max(d for d in (admitted_on, person.hire_date, org.founded_on) if d is not None)
        return people_services.add_membership(
            actor=None,
            person=person,
            organization=org,
            admitted_on=admitted_on,
            converted_on=converted_on,
            joined_org_on=joined_on,
        )

    def user(
        self,
        person: Person | None,
        username: str | None = None,
        *,
        prefix: str = "",
        password: str | None = None,
        **fields,
    ) -> User:
        if person is not None and person.pk in self.users:
            return self.users[person.pk]
        if username is None:
            self.user_seq[prefix] = self.user_seq.get(prefix, 0) + 1
            username = f"{prefix}{self.user_seq[prefix]:03d}"
        user = access_services.create_user(
            actor=None, username=username, password=password, person=person, language="", **fields
        )
        if person is not None:
            self.users[person.pk] = user
        return user

    def role(self, user: User, role: str, *, organization=None, enterprise=None, started_on=None) -> None:
        access_services.assign_role(
            actor=None, user=user, role=role, organization=organization, enterprise=enterprise, started_on=started_on
        )

    def staff_branch(self, branch: Organization, full_members: list[Person]) -> None:
        """A secretary for every branch; a branch with 7 or more full members also elects a
        committee (支委会) of 3–5, so two committee members are added to the secretary."""
        if not full_members:
            return
        self.role(self.user(full_members[0], prefix="secretary"), Role.SECRETARY, organization=branch)
        if len(full_members) >= 7:
            for person in full_members[1:3]:
                self.role(self.user(person, prefix="committee"), Role.COMMITTEE_MEMBER, organization=branch)
