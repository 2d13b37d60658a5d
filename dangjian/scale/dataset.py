"""Generated data at county, prefecture and province size, for benchmarks and load tests.

`generate(scale, seed)` writes a party tree, enterprises with workshops and production teams,
their employees, the party members among them with membership records, people on the way to
joining with their development records, and the users who hold the roles (organisation
departments, secretaries, managers, instructors). The same scale and seed give the same data
(only the encryption nonces differ).

Proportions follow DOMAIN.md and the source article: enterprise sizes are long-tailed (a few large
factories, many small firms); about 5% of employees are party members, more in state-owned firms;
an enterprise with three or more members has its own branch (a general branch from 50, a
committee from 100), smaller ones share a joint branch, and the rest are the "coverage" gap;
teams hold 10–40 people; the ethnic mix varies by county around the region's. Where an
enterprise has members, its party organisation keeps production work (DOMAIN.md §5): about 90%
of its teams in a member's charge, a pairing for about one member in three (1 to 5 employees),
a post for about one member in eight (most recognised by the county), a course a year with its
trainees' assessments. Each enterprise has its instructor (DOMAIN.md §4), assigned the spring
before the dataset's last year, with their declaration, their visits from then on (one or two a
quarter, a share of instructors behind) and the problems the visits found (most closed, a share
still open, some of those overdue). Every team has two years of monthly production figures
(the six default indicators) ending with the data's last complete month, from the same
simulator as the demo (indicators.simulate): a season, noise and a moderate effect of coverage
from the month its first charge began.

Rows are written with bulk inserts and primary keys assigned here, one county per transaction,
so memory stays flat and the prefecture takes minutes. The derived caches on Person
(political_status, party_org) are written consistent with the records, as people.services would
leave them. One audit event records the run: the rows themselves are synthetic.

Why it writes other apps' tables directly: a prefecture is millions of rows, so the generator
bulk-inserts at the floor (no per-row services; the one audit event above) instead of going
through each app's services as the demo does (issue 13 keeps this exception; nothing else does).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from dangjian.access.models import Role, RoleAssignment, User
from dangjian.audit import services as audit
from dangjian.audit.models import Action, AuditEvent
from dangjian.ballots import rules as ballot_rules
from dangjian.ballots.models import Ballot, Mark, Option, Poll, PollState, Question, Voter
from dangjian.ballots.selectors import Tally
from dangjian.bulk import insert_rows
from dangjian.calendar import QUARTER, Period, period_of
from dangjian.choices import PoliticalStatus
from dangjian.demo.build.guidance import CLOSINGS, MET, PROBLEMS
from dangjian.demo.codes import PHONE_PREFIXES, CodeFactory
from dangjian.demo.data import selections as pacesetters
from dangjian.demo.names import ETHNICITY_WEIGHTS, NamePool
from dangjian.development.models import Candidacy, Stage, Step
from dangjian.dues import builtin as dues_builtin
from dangjian.dues import rules as dues_rules
from dangjian.dues.models import Charge as DuesCharge
from dangjian.dues.models import DuesBase, RateBand
from dangjian.dues.models import Payment as DuesPayment
from dangjian.guidance.models import Candidate as RatingCandidate
from dangjian.guidance.models import (
    Criterion,
    Declaration,
    FollowUp,
    Method,
    OwnerRole,
    RatingRound,
    RatingScheme,
    Reviewer,
    Score,
    Topic,
    Visit,
)
from dangjian.guidance.ratings import builtin, measures
from dangjian.indicators import selectors as indicator_selectors
from dangjian.indicators import simulate
from dangjian.indicators.models import Indicator, Value
from dangjian.organizations.models import Enterprise, Organization, OrgKind, Ownership, ProductionUnit, UnitKind
from dangjian.people.choices import Education
from dangjian.people.crypto import Sealed, blind_index, encrypt
from dangjian.people.models import Membership, Person
from dangjian.people.validators import id_check_digit
from dangjian.production.models import (
    Course,
    Pairing,
    Partner,
    Post,
    PostKind,
    PostStatus,
    Purpose,
    TeamCharge,
    Trainee,
)
from dangjian.production.models import Result as Assessment
from dangjian.selections.models import Category, Decision, Evidence, Nomination, NominationKind, Phase, Round
from dangjian.selections.models import Result as Standing
from dangjian.transfers.models import Transfer

from . import appraisal_rows

# Dates are fixed, not relative to today, so that a seed always gives the same data.
AS_OF = dt.date(2026, 1, 1)

# Xinjiang's prefecture-level divisions (GB/T 2260 codes), in the order a province run uses them.
PREFECTURES: tuple[tuple[str, str, str], ...] = (
    ("6529", "阿克苏地区", "Aksu"),
    ("6531", "喀什地区", "Kashgar"),
    ("6540", "伊犁哈萨克自治州", "Ili"),
    ("6523", "昌吉回族自治州", "Changji"),
    ("6528", "巴音郭楞蒙古自治州", "Bayingolin"),
    ("6532", "和田地区", "Hotan"),
    ("6501", "乌鲁木齐市", "Urumqi"),
    ("6542", "塔城地区", "Tacheng"),
    ("6543", "阿勒泰地区", "Altay"),
    ("6505", "哈密市", "Hami"),
    ("6504", "吐鲁番市", "Turpan"),
    ("6527", "博尔塔拉蒙古自治州", "Bortala"),
    ("6530", "克孜勒苏柯尔克孜自治州", "Kizilsu"),
    ("6502", "克拉玛依市", "Karamay"),
)
# The county a county-sized dataset is (its code, names).
LONE_COUNTY = ("652926", "拜城县", "Baicheng County")
COUNTY_SYLLABLES = (
    "阿 A,拜 Bai,城 Cheng,达 Da,额 E,富 Fu,高 Gao,和 He,吉 Ji,喀 Ka,库 Ku,轮 Lun,玛 Ma,纳 Na,"
    "皮 Pi,奇 Qi,若 Ruo,沙 Sha,塔 Ta,乌 Wu,新 Xin,英 Ying,泽 Ze,尉 Yu,温 Wen,焉 Yan,博 Bo,精 Jing"
)
SYLLABLES = tuple(tuple(p.split(" ")) for p in COUNTY_SYLLABLES.split(","))
BRAND = "天山 昆仑 丝路 绿洲 金穗 雪莲 胡杨 博湖 孔雀 天池 阳光 丰源 众和 新星 恒通 瑞丰 鑫达 宏远 金沙 银河".split()
INDUSTRIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    # (name part, industry, main post, other posts)
    ("服装", "服装制造", "缝纫工", ("裁剪工", "熨烫工", "质检员")),
    ("纺织", "纺织", "挡车工", ("络筒工", "保全工", "质检员")),
    ("农业科技", "农业", "种植员", ("农机手", "技术员")),
    ("食品", "食品加工", "操作工", ("包装工", "质检员")),
    ("建材", "建材", "操作工", ("电工", "叉车司机")),
    ("物流", "物流", "分拣员", ("司机", "调度员")),
    ("电子", "电子制造", "装配工", ("测试员", "技术员")),
    ("果业", "林果业", "分拣员", ("包装工", "冷库管理员")),
)
OWNERSHIP_WEIGHTS = (
    (Ownership.PRIVATE, 72),
    (Ownership.STATE, 9),
    (Ownership.MIXED, 9),
    (Ownership.COLLECTIVE, 4),
    (Ownership.FOREIGN, 3),
    (Ownership.HMT, 3),
)
EDUCATION_WEIGHTS = (
    (Education.PRIMARY, 8),
    (Education.JUNIOR, 38),
    (Education.SENIOR, 20),
    (Education.VOCATIONAL, 14),
    (Education.COLLEGE, 12),
    (Education.BACHELOR, 7),
    (Education.MASTER, 1),
)
# Share of employees at each step on the way in (of enterprises that have a party organisation).
APPLICANT_SHARE, ACTIVIST_SHARE, TARGET_SHARE = 0.012, 0.006, 0.002
PROBATIONARY_SHARE = 0.08  # of members
BATCH = 2000
# Party building in production, per enterprise with members: the share of its teams in a
# member's charge, members per pairing, members per post, shares of posts by status.
COVERED_SHARE = 0.9
MEMBERS_PER_PAIRING = 3
MEMBERS_PER_POST = 8
POST_STATUS_WEIGHTS = ((PostStatus.RECOGNISED, 85), (PostStatus.PROPOSED, 10), (PostStatus.SUSPENDED, 5))
COURSE_YEARS = (AS_OF.year - 2, AS_OF.year - 1)
# County guidance, as of the dataset's last day: instructors assigned the spring before (as the
# demo's county sent its 68), visits since; shares of instructors and of the problems found.
GUIDANCE_DAY = AS_OF - dt.timedelta(days=1)
INSTRUCTORS_ASSIGNED = dt.date(GUIDANCE_DAY.year - 1, 3, 1)
NEWCOMER_SHARE = 0.03  # instructors assigned in the last month, not yet declared (so no visits)
BEHIND_SHARE = 0.12  # instructors who missed an ended quarter of the last year
NOT_YET_SHARE = 0.35  # of the others, no visit yet in the current quarter (due, not behind)
TWICE_SHARE = 0.3  # quarters with a second visit
PROBLEM_SHARE = 0.3  # visits that found a problem to follow up
LEFT_OPEN_SHARE = 0.15  # of the problems due before the last day, still open (overdue)
DECLARATION = "本人与所联系企业无持股、任职、业务往来及亲属在其管理层任职等利益关系。"
# Branch ratings: each county's 三好 round of the data's year, counted as of GUIDANCE_DAY and closed.
RATED_SHARE = 0.1  # of a county's branches standing in it
RATING_PASS_MARK = Decimal(70)
RATING_NOTES = ("班子健全，作用明显", "制度落实到位", "材料齐全，现场查看属实")
# Pacesetter selections (DOMAIN.md §5): a finished "four pacesetters" round of the data's year in a
# share of the enterprises with a party organisation, at least one per county (2–4 nominees a
# category, most of the employees voting), and, for the benchmark, a round still in its vote in the first county's
# largest enterprise and in every enterprise of BENCH_ROLL employees or more, with BENCH_BALLOTS
# ballots cast (all but BENCH_LEFT of its roll, where the roll is smaller).
SELECTION_SHARE = 0.06
# Membership transfers (the transfers app): about 2% of members move branch in a year. The year
# before AS_OF is kept as accepted letters (with the member's earlier record at the sender), and
# a month's worth is on its way at AS_OF; a tenth of those past their validity.
TRANSFER_SHARE = 0.02
TRANSFER_EXPIRED_SHARE = 0.1
SELECTION_TURNOUT = (0.6, 0.95)
SELECTION_BLANK_SHARE = 0.03
NOMINATION_KINDS = ((NominationKind.SELF, 30), (NominationKind.PEER, 45), (NominationKind.TEAM_LEADER, 25))
BENCH_ROLL = 5_000
BENCH_BALLOTS = 5_000
BENCH_LEFT = 100  # on the open round's roll, not voted: the benchmark casts their ballots (rolled back)
TIE_BROKEN = "得票相同，支委会研究决定由其当选"
TIE_LOST = "得票相同，支委会研究决定由另一位同志当选"
# The demo's reasons and evidence, less those naming the article's people.
_GENERIC = [
    n
    for n in pacesetters.FIRST_NOMINEES + pacesetters.SECOND_NOMINEES
    if n.who not in ("li", "abibahan", "husband", "huo")
]
# Production indicators: months of figures for every team, ending with the data's last complete
# month (2025-12), as periods (year * 12 + month − 1, indicators.analysis.period_of).
INDICATOR_MONTHS = 24
INDICATOR_PERIODS = tuple(
    range(AS_OF.year * 12 + AS_OF.month - 1 - INDICATOR_MONTHS, AS_OF.year * 12 + AS_OF.month - 1)
)
VALUE_COLUMNS = (
    "indicator_id",
    "enterprise_id",
    "team_id",
    "month",
    "value",
    "confirmed",
    "entered_by_id",
    "updated_at",
)
# Party dues: a year of monthly charges for every member (2025), ending with the data's last
# complete month; most paid quarterly in advance, a few behind, a few six months behind (flagged).
DUES_MONTHS = tuple(dues_rules.months_between(dt.date(AS_OF.year - 1, AS_OF.month, 1), dt.date(AS_OF.year - 1, 12, 1)))
DUES_BEHIND_SHARE = 0.05  # stopped paying some months before the end
DUES_FLAGGED_SHARE = 0.02  # nothing paid for the last six months
CHARGE_COLUMNS = (
    "person_id",
    "organization_id",
    "month",
    "category",
    "band_id",
    "regular",
    "due",
    "paid",
    "payment_id",
)
PAYMENT_COLUMNS = (
    "id",
    "person_id",
    "organization_id",
    "kind",
    "amount",
    "paid_on",
    "first_month",
    "months",
    "to_centre",
    "note",
    "created_at",
)
NOMINATION_TEXTS = {
    c.builtin: [(n.reason, n.evidence) for n in _GENERIC if n.category == c.builtin] for c in pacesetters.CATEGORIES
}


@dataclass(frozen=True)
class Scale:
    name: str
    prefectures: int  # 0: a single county at the root
    counties: int  # in all
    enterprises: int
    persons: int


SCALES: dict[str, Scale] = {
    # A county of a dozen firms: a quick look at the generator's output, and the tests'.
    "tiny": Scale("tiny", 0, 1, 12, 1_200),
    "county": Scale("county", 0, 1, 70, 20_000),
    "prefecture": Scale("prefecture", 1, 9, 1_500, 400_000),
    "province": Scale("province", 14, 100, 20_000, 5_000_000),
}


@dataclass
class Counts:
    organizations: int = 0
    enterprises: int = 0
    units: int = 0
    persons: int = 0
    members: int = 0
    memberships: int = 0
    candidacies: int = 0
    steps: int = 0
    users: int = 0
    roles: int = 0
    charges: int = 0
    pairings: int = 0
    posts: int = 0
    courses: int = 0
    trainees: int = 0
    declarations: int = 0
    visits: int = 0
    follow_ups: int = 0
    open_follow_ups: int = 0
    rating_candidates: int = 0
    rated: int = 0
    selection_rounds: int = 0
    open_votes: int = 0
    nominations: int = 0
    ballots: int = 0
    appraisals: int = 0
    appraisal_ballots: int = 0
    indicator_values: int = 0
    transfers: int = 0
    open_transfers: int = 0
    dues_charges: int = 0
    dues_payments: int = 0

    def minus(self, other: Counts) -> Counts:
        return Counts(**{name: getattr(self, name) - getattr(other, name) for name in self.__dataclass_fields__})


@dataclass
class Result:
    scale: str
    seed: int
    counts: Counts
    seconds: float
    roots: list[str]  # the root committees' codes
    logins: dict[str, str] = field(default_factory=dict)  # role → a username holding it
    guidance_seconds: float = 0.0  # of `seconds`, writing the instructors' declarations, visits and follow-ups
    selections_seconds: float = (
        0.0  # of `seconds`, writing the pacesetter rounds and last year's appraisals, their rolls and ballots
    )
    indicators_seconds: float = 0.0  # of `seconds`, simulating and writing the teams' monthly figures
    dues_seconds: float = 0.0  # of `seconds`, writing the members' dues bases, charges and payments


class AlreadyGenerated(Exception):
    pass


class _Ids:
    """Primary keys handed out here, so rows can refer to each other before they are written."""

    def __init__(self) -> None:
        self.next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model]) -> int:
        if model not in self.next:
            last = model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0
            self.next[model] = last + 1
        pk = self.next[model]
        self.next[model] = pk + 1
        return pk


def _weighted(rng: random.Random, pairs: tuple[tuple[Any, int], ...]) -> Any:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _split(total: int, parts: int, rng: random.Random, sigma: float, minimum: int = 1) -> list[int]:
    """`total` split into `parts` long-tailed sizes (log-normal), each at least `minimum`."""
    raw = [rng.lognormvariate(0, sigma) for _ in range(parts)]
    scale = (total - minimum * parts) / sum(raw)
    sizes = [minimum + int(r * scale) for r in raw]
    # Hand out what rounding left over, largest first, so the total is exact.
    short = total - sum(sizes)
    for i in sorted(range(parts), key=lambda i: -raw[i])[: max(short, 0)]:
        sizes[i] += 1
    return sizes


def _team_sizes(size: int, rng: random.Random) -> list[int]:
    """Teams of 10–40 people (fewer only in a firm smaller than ten), sizes varying."""
    k = max(1, math.ceil(size / 40))
    sizes = [size // k + (1 if i < size % k else 0) for i in range(k)]
    for _ in range(k * 2):
        a, b = rng.randrange(k), rng.randrange(k)
        d = rng.randint(1, 8)
        if a != b and sizes[a] - d >= 10 and sizes[b] + d <= 40:
            sizes[a] -= d
            sizes[b] += d
    return sizes


class _IdNumbers:
    """Valid resident ID numbers (GB 11643), unique without remembering them all: the sequence
    digits count up per county, birth date and sex."""

    def __init__(self) -> None:
        self.used: dict[tuple[str, dt.date, int], int] = {}

    def make(self, division: str, birth: dt.date, gender: str) -> str:
        parity = 1 if gender == "M" else 0
        key = (division, birth, parity)
        n = self.used.get(key, 0)
        self.used[key] = n + 1
        seq = n * 2 + parity  # odd for men, even for women
        if seq > 999:
            raise ValueError("more than 500 people of one sex born on one day in one county")
        first17 = f"{division}{birth:%Y%m%d}{seq:03d}"
        return first17 + id_check_digit(first17)


def _phone(i: int) -> str:
    # 7,919 is prime to 10^8, so i ↦ i·7919 mod 10^8 never repeats below 10^8 people.
    return PHONE_PREFIXES[i % len(PHONE_PREFIXES)] + f"{(i * 7919 + 12_345) % 100_000_000:08d}"


def _quarters(first: dt.date, last: dt.date) -> list[Period]:
    """The quarters from the one holding `first` to the one holding `last`."""
    q, end, out = period_of(first, QUARTER), period_of(last, QUARTER), []
    while q <= end:
        out.append(q)
        q = q.next()
    return out


def _ethnic_mix(rng: random.Random) -> tuple[tuple[str, int], ...]:
    """The region's mix, shifted county by county (some mostly Han, some mostly Uyghur)."""
    return tuple((code, max(1, round(w * rng.lognormvariate(0, 0.6)))) for code, w in ETHNICITY_WEIGHTS)


@dataclass
class _County:
    code: str
    name: str
    name_en: str
    enterprises: int
    persons: int
    prefecture: int | None  # index into PREFECTURES


class Generator:
    def __init__(
        self,
        scale: Scale,
        seed: int = 1,
        *,
        password: str | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.scale = scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.names = NamePool(self.rng)
        self.codes = CodeFactory(self.rng)
        self.ids = _Ids()
        self.id_numbers = _IdNumbers()
        self.person_no = 0
        self.progress = progress or (lambda _msg: None)
        # One hash for every generated user (hashing is slow on purpose); none → no login by password.
        self.password = make_password(password) if password else make_password(None)
        self.counts = Counts()
        self.logins: dict[str, str] = {}
        self.guidance_seconds = self.last_guidance = 0.0
        self.selections_seconds = self.last_selections = 0.0
        self.indicators_seconds = self.last_indicators = 0.0
        self.dues_seconds = self.last_dues = 0.0
        self.indicator_ids: dict[str, int] = {}  # the default indicators' keys, by code

    # --- the plan --------------------------------------------------------------------------------

    def counties(self) -> list[_County]:
        """The plan: each county's code, names, size and prefecture (by index), nothing written."""
        s = self.scale
        rng = random.Random(self.seed * 7 + 1)
        ent_split = _split(s.enterprises, s.counties, rng, 0.5, minimum=5)
        # People per county follow enterprises, with some counties richer in big employers.
        weights = [e * rng.lognormvariate(0, 0.3) for e in ent_split]
        per = [max(e * 20, round(s.persons * w / sum(weights))) for e, w in zip(ent_split, weights, strict=True)]
        per[per.index(max(per))] += s.persons - sum(per)
        if s.prefectures == 0:
            return [_County(*LONE_COUNTY, ent_split[0], per[0], None)]
        plan: list[_County] = []
        numbers: dict[int, int] = {}
        for i in range(s.counties):
            p = i * s.prefectures // s.counties
            numbers[p] = numbers.get(p, 0) + 1
            code = f"{PREFECTURES[p][0]}{20 + numbers[p]:02d}"
            a, b = SYLLABLES[(i * 7 + p) % len(SYLLABLES)], SYLLABLES[(i * 11 + 3) % len(SYLLABLES)]
            plan.append(_County(code, f"{a[0]}{b[0]}县", f"{a[1]}{b[1].lower()} County", ent_split[i], per[i], p))
        return plan

    def committee_codes(self) -> list[str]:
        """Every committee code the run writes (they are unique in the database)."""
        prefectures = [f"{c}00" for c, _n, _e in PREFECTURES[: self.scale.prefectures]]
        return prefectures + [c.code for c in self.counties()]

    def is_complete(self) -> bool:
        """Whether this scale was generated here to the end, with any seed (the run's audit event;
        the committees' codes do not depend on the seed)."""
        return AuditEvent.objects.filter(object_type="dataset", object_id__startswith=f"{self.scale.name}:").exists()

    @property
    def run_id(self) -> str:
        return f"{self.scale.name}:{self.seed}"

    def check_empty(self) -> None:
        taken = [
            code
            for code in Organization.objects.filter(code__in=self.committee_codes()).values_list("code", flat=True)
            if code
        ]
        if not taken:
            return
        if self.is_complete():
            raise AlreadyGenerated(
                f"This database already holds the {self.scale.name} dataset (committees {', '.join(sorted(taken)[:5])}"
                f"{'…' if len(taken) > 5 else ''}): generate into an empty database (make bench does)."
            )
        raise AlreadyGenerated(
            f"This database holds committees {', '.join(sorted(taken)[:5])}{'…' if len(taken) > 5 else ''} but no "
            f"finished {self.scale.name} dataset (another scale, or a run that was stopped): generate into an empty "
            "database (make bench does)."
        )

    # --- writing ---------------------------------------------------------------------------------

    def run(self) -> Result:
        start = time.perf_counter()
        self.check_empty()
        roots: list[str] = []
        prefectures: dict[int, Organization] = {}
        for county in self.counties():
            t0 = time.perf_counter()
            if county.prefecture is not None and county.prefecture not in prefectures:
                prefectures[county.prefecture] = self._prefecture(county.prefecture)
                roots.append(prefectures[county.prefecture].code or "")
            elif county.prefecture is None:
                roots.append(county.code)
            with transaction.atomic():
                counts = self._county(county, None if county.prefecture is None else prefectures.get(county.prefecture))
            # After every county, so a stopped run leaves the sequences past the rows it wrote.
            self._reset_sequences()
            took = time.perf_counter() - t0
            self.progress(
                f"{county.code} {county.name}: {counts.enterprises} enterprises, {counts.persons} persons, "
                f"{counts.members} members in {took:.1f} s ({counts.persons / took:,.0f} persons/s, "
                f"{self.last_guidance:.2f} s of it guidance, {self.last_selections:.2f} s selections, "
                f"{self.last_indicators:.2f} s indicators); "
                f"total {self.counts.persons:,} persons"
            )
        seconds = time.perf_counter() - start
        with transaction.atomic():
            audit.record(
                actor=None,
                action=Action.CREATE,
                object_type="dataset",
                object_id=self.run_id,
                object_repr=f"generated {self.scale.name} dataset, seed {self.seed}",
                changes={"counts": vars(self.counts), "roots": roots},
                org_path="",
            )
        return Result(
            self.scale.name,
            self.seed,
            self.counts,
            seconds,
            roots,
            self.logins,
            self.guidance_seconds,
            self.selections_seconds,
            self.indicators_seconds,
            self.dues_seconds,
        )

    def _reset_sequences(self) -> None:
        sql = connection.ops.sequence_reset_sql(no_style(), list(self.ids.next))
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)

    def _org(self, kind: str, name: str, parent: Organization | None, code: str | None = None, **kw) -> Organization:
        pk = self.ids.take(Organization)
        path = f"{parent.path if parent else '/'}{pk}/"
        org = Organization(
            pk=pk,
            kind=kind,
            name=name,
            parent=parent,
            path=path,
            depth=parent.depth + 1 if parent else 0,
            code=code,
            **kw,
        )
        self.counts.organizations += 1
        return org

    def _prefecture(self, p: int) -> Organization:
        code, name, name_en = PREFECTURES[p]
        org = self._org(
            OrgKind.PREFECTURE_COMMITTEE, f"中共{name}委员会", None, f"{code}00", name_en=f"{name_en} committee"
        )
        with transaction.atomic():
            org.save(force_insert=True)
            user = self._user(f"{code}00-org", None)
            User.objects.bulk_create([user])
            RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=Role.ORG_DEPARTMENT, organization=org)])
        self.counts.roles += 1
        self.logins.setdefault("prefecture_org_department", user.username)
        return org

    def _user(self, username: str, person: Person | None) -> User:
        self.counts.users += 1
        return User(
            pk=self.ids.take(User),
            username=username,
            password=self.password,
            person=person,
            first_name=person.name if person else "",
        )

    def _county(self, c: _County, prefecture: Organization | None) -> Counts:
        before = Counts(**vars(self.counts))
        # ID numbers are unique per county's division code: forget the last county's, or the
        # province's 100 counties keep 3 million keys (420 MB at province scale).
        self.id_numbers = _IdNumbers()
        rng = random.Random(f"{self.seed}:{c.code}")
        self.rng.seed(f"{self.seed}:{c.code}:names")
        orgs: list[Organization] = []
        county = self._org(
            OrgKind.COUNTY_COMMITTEE, f"中共{c.name}委员会", prefecture, c.code, name_en=f"{c.name_en} committee"
        )
        orgs.append(county)
        parks = [
            self._org(OrgKind.PARK_COMMITTEE, f"{c.name}{'工业园区' if i == 0 else f'第{i + 1}园区'}党工委", county)
            for i in range(1 + c.enterprises // 150)
        ]
        orgs.extend(parks)
        mix = _ethnic_mix(rng)
        sizes = _split(c.persons, c.enterprises, rng, 1.1, minimum=5)
        plans = [self._plan_enterprise(rng, c, county, parks, n) for n in sizes]
        self._place_party_orgs(rng, c, county, parks, plans, orgs)
        Organization.objects.bulk_create(orgs, batch_size=BATCH)
        Enterprise.objects.bulk_create([p.enterprise for p in plans], batch_size=BATCH)
        units: list[ProductionUnit] = []
        for p in plans:
            units.extend(p.units)
        ProductionUnit.objects.bulk_create(units, batch_size=BATCH)
        self.counts.enterprises += len(plans)
        self.counts.units += len(units)

        users: list[User] = []
        roles: list[RoleAssignment] = []
        org_user = self._user(f"{c.code}-org", None)
        users.append(org_user)
        roles.append(RoleAssignment(user=org_user, role=Role.ORG_DEPARTMENT, organization=county))
        self.logins.setdefault("county_org_department", org_user.username)
        secretaries: dict[int, User] = {}  # party organisation → its secretary's user
        people = _Buffer()
        guidance = random.Random(f"{self.seed}:{c.code}:guidance")
        for n, p in enumerate(plans, 1):
            self._people(rng, c, p, mix, people, users, roles, secretaries)
            # An instructor for each enterprise, as the county did (68 instructors for 68 firms).
            instructor = self._user(f"{c.code}-i{n:04d}", None)
            users.append(instructor)
            newcomer = guidance.random() < NEWCOMER_SHARE
            p.instructor = RoleAssignment(
                user=instructor,
                role=Role.INSTRUCTOR,
                enterprise=p.enterprise,
                started_on=GUIDANCE_DAY - dt.timedelta(days=guidance.randint(1, 30))
                if newcomer
                else INSTRUCTORS_ASSIGNED,
            )
            roles.append(p.instructor)
            self.logins.setdefault("instructor", instructor.username)
            people.flush_if_full()
        people.flush()
        # Keys handed out here, so that the instructors' declarations can name their assignment.
        for ra in roles:
            ra.pk = self.ids.take(RoleAssignment)
        User.objects.bulk_create(users, batch_size=BATCH)
        RoleAssignment.objects.bulk_create(roles, batch_size=BATCH)
        self.counts.roles += len(roles)
        charges = self._production(random.Random(f"{self.seed}:{c.code}:production"), county, plans)
        t0 = time.perf_counter()
        self._guidance(guidance, plans, secretaries)
        self._ratings(random.Random(f"{self.seed}:{c.code}:ratings"), county, plans)
        self.last_guidance = time.perf_counter() - t0
        self.guidance_seconds += self.last_guidance
        t0 = time.perf_counter()
        self._selections(random.Random(f"{self.seed}:{c.code}:selections"), plans)
        # Last year's democratic appraisal in every branch with members (appraisal_rows).
        rounds, ballots = appraisal_rows.write(
            self.ids,
            random.Random(f"{self.seed}:{c.code}:appraisal"),
            [m for p in plans for m in p.members_in],
            GUIDANCE_DAY.year - 1,
        )
        self.counts.appraisals += rounds
        self.counts.appraisal_ballots += ballots
        self.last_selections = time.perf_counter() - t0
        self.selections_seconds += self.last_selections
        t0 = time.perf_counter()
        self._indicators(random.Random(f"{self.seed}:{c.code}:indicators"), plans, charges)
        self.last_indicators = time.perf_counter() - t0
        self.indicators_seconds += self.last_indicators
        self._transfers(random.Random(f"{self.seed}:{c.code}:transfers"), plans)
        t0 = time.perf_counter()
        self._dues(random.Random(f"{self.seed}:{c.code}:dues"), county)
        self.last_dues = time.perf_counter() - t0
        self.dues_seconds += self.last_dues
        self.counts.persons += people.persons
        self.counts.members += people.members
        self.counts.memberships += people.memberships
        self.counts.candidacies += people.candidacies
        self.counts.steps += people.steps
        return self.counts.minus(before)

    def _transfers(self, rng: random.Random, plans: list[_Plan]) -> None:
        """Letters between the county's branches, what transfers.services would write, in bulk:
        TRANSFER_SHARE of the members moved in the year before AS_OF (accepted: their record at
        the sender ended that day, reason transferred, and the receiver's joined then), and a
        month's worth issued and not yet accepted, some of them past their validity."""
        members = [m for p in plans if p.party_org is not None for m in p.members_in]
        branches = sorted({m.party_org_id for m in members if m.party_org_id is not None})
        if len(branches) < 2:
            return
        moved = rng.sample(members, k=min(len(members), round(len(members) * TRANSFER_SHARE)))
        in_flight = rng.sample(members, k=min(len(members), max(1, round(len(members) * TRANSFER_SHARE / 12))))
        memberships = {
            m.person_id: m
            for m in Membership.objects.filter(person_id__in=[p.pk for p in moved], ended_on__isnull=True)
        }
        counters: dict[tuple[int, int], int] = {}
        letters: list[Transfer] = []
        earlier: list[Membership] = []
        joined: list[Membership] = []
        seen: set[int] = set()

        def letter(person: Person, sender: int, receiver: int, issued: dt.date, **kw: Any) -> Transfer:
            seq = counters[(sender, issued.year)] = counters.get((sender, issued.year), 0) + 1
            return Transfer(
                kind="internal",
                number=f"{issued.year}-{sender:04d}-{seq:03d}",
                year=issued.year,
                sequence=seq,
                person=person,
                from_org_id=sender,
                to_org_id=receiver,
                person_name=person.name,
                gender=person.gender,
                ethnicity=person.ethnicity,
                birth_date=person.birth_date,
                member_status="full" if person.political_status == PoliticalStatus.FULL else "probationary",
                issued_on=issued,
                dues_paid_to=(issued.replace(day=1) - dt.timedelta(days=1)).replace(day=1),
                **kw,
            )

        for person in moved:
            m = memberships.get(person.pk)
            accepted = AS_OF - dt.timedelta(days=rng.randint(5, 360))
            if m is None or accepted <= m.admitted_on + dt.timedelta(days=30):
                continue
            sender = rng.choice([b for b in branches if b != m.organization_id])
            issued = accepted - dt.timedelta(days=rng.randint(2, 20))
            converted = m.converted_on if m.converted_on and m.converted_on <= accepted else None
            earlier.append(
                Membership(
                    person=person,
                    organization_id=sender,
                    admitted_on=m.admitted_on,
                    converted_on=converted,
                    joined_org_on=max(m.admitted_on, accepted - dt.timedelta(days=rng.randint(200, 2000))),
                    ended_on=accepted,
                    end_reason=Membership.EndReason.TRANSFERRED,
                )
            )
            m.joined_org_on = accepted
            joined.append(m)
            seen.add(person.pk)
            letters.append(
                letter(
                    person,
                    sender,
                    m.organization_id,
                    issued,
                    status="accepted",
                    valid_until=issued + dt.timedelta(days=30),
                    done_on=accepted,
                    admitted_on=m.admitted_on,
                    converted_on=converted,
                )
            )
        for person in in_flight:
            if person.pk in seen or person.party_org_id is None:
                continue
            expired = rng.random() < TRANSFER_EXPIRED_SHARE
            issued = AS_OF - dt.timedelta(days=rng.randint(35, 80) if expired else rng.randint(0, 25))
            receiver = rng.choice([b for b in branches if b != person.party_org_id])
            letters.append(
                letter(
                    person,
                    person.party_org_id,
                    receiver,
                    issued,
                    status="issued",
                    valid_until=issued + dt.timedelta(days=30),
                )
            )
            self.counts.open_transfers += 1
        Membership.objects.bulk_create(earlier, batch_size=BATCH)
        Membership.objects.bulk_update(joined, ["joined_org_on"], batch_size=BATCH)
        Transfer.objects.bulk_create(letters, batch_size=BATCH)
        self.counts.memberships += len(earlier)
        self.counts.transfers += len(letters)

    def _production(self, rng: random.Random, county: Organization, plans: list[_Plan]) -> list[TeamCharge]:
        """Party building in production for every enterprise with members, written in bulk after
        its people (the rows name them): teams in charge, pairings, posts, courses. Returns the
        charges (the indicators' coverage)."""
        charges: list[TeamCharge] = []
        pairings: list[Pairing] = []
        partners: list[Partner] = []
        posts: list[Post] = []
        courses: list[Course] = []
        trainees: list[Trainee] = []
        earliest = AS_OF - dt.timedelta(days=3 * 365)

        def since(person: Person) -> dt.date:
            return max(earliest, person.hire_date or earliest)

        def day(lo: dt.date, hi: dt.date) -> dt.date:
            return lo if hi <= lo else lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))

        def about(x: float) -> int:
            """x rounded up or down at random, so small firms get their share on average."""
            return int(x) + (rng.random() < x - int(x))

        for p in plans:
            org, ent = p.top, p.enterprise
            members = p.members_in
            if org is None or not members:
                continue
            full = [m for m in members if m.political_status == PoliticalStatus.FULL]
            kept = {"organization": org, "enterprise": ent}
            # Teams in charge: a member on the team where there is one; some teams changed hands.
            on_team: dict[int, list[Person]] = {}
            for m in members:
                if m.team_id is not None:
                    on_team.setdefault(m.team_id, []).append(m)
            for i, team in enumerate(p.teams):
                if rng.random() >= COVERED_SHARE:
                    continue
                member = rng.choice(on_team.get(team.pk) or members)
                start = day(since(member), AS_OF - dt.timedelta(days=1))
                if start - earliest > dt.timedelta(days=60) and rng.random() < 0.2:
                    before = members[(i + 1) % len(members)]
                    first = day(earliest, start - dt.timedelta(days=30))
                    charges.append(
                        TeamCharge(
                            **kept,
                            team=team,
                            member=before,
                            started_on=first,
                            ended_on=start - dt.timedelta(days=1),
                            end_reason=TeamCharge.EndReason.HANDED_OVER,
                        )
                    )
                charges.append(TeamCharge(**kept, team=team, member=member, started_on=start))
            if not full:
                continue
            # Pairings: about one member in three, each with 1–5 employees not yet paired.
            free = list(p.workers)
            rng.shuffle(free)
            for member in rng.sample(full, min(len(full), about(len(members) / MEMBERS_PER_PAIRING))):
                take = min(len(free), rng.choice((1, 1, 2, 2, 3, 4, 5)))
                if take == 0:
                    break
                start = day(since(member), AS_OF - dt.timedelta(days=7))
                ended = start + dt.timedelta(days=rng.randint(90, 300)) if rng.random() < 0.1 else None
                pairing = Pairing(
                    pk=self.ids.take(Pairing),
                    **kept,
                    member=member,
                    purposes=[Purpose.SKILLS, *rng.sample([Purpose.THINKING, Purpose.LIFE, Purpose.POLICY], 1)],
                    started_on=start,
                    ended_on=ended if ended is not None and ended < AS_OF else None,
                )
                pairings.append(pairing)
                partners.extend(Partner(pairing=pairing, person=free.pop()) for _ in range(take))
            # Posts: about one member in eight, most recognised by the county.
            for holder in rng.sample(full, min(len(full), about(len(members) / MEMBERS_PER_POST))):
                status = _weighted(rng, POST_STATUS_WEIGHTS)
                start = day(since(holder), AS_OF - dt.timedelta(days=30))
                recognised = status != PostStatus.PROPOSED
                pk = self.ids.take(Post)
                posts.append(
                    Post(
                        pk=pk,
                        **kept,
                        kind=rng.choice(PostKind.values),
                        title="党员先锋岗" if holder.team is None else f"{holder.team.name}党员先锋岗",
                        unit=holder.team,
                        holder=holder,
                        commitment="立足岗位作表率，带头完成生产任务。",
                        status=status,
                        status_reason="整改期间暂停" if status == PostStatus.SUSPENDED else "",
                        started_on=start,
                        recognised_on=start + dt.timedelta(days=rng.randint(10, 40)) if recognised else None,
                        recognised_by=county if recognised else None,
                        public_key=f"{pk:x}-{rng.getrandbits(64):016x}",
                    )
                )
            # A course a year led by a member, for 5–30 employees, with their assessments.
            for year in COURSE_YEARS:
                if not p.workers:
                    break
                trainer = rng.choice(full)
                starts = dt.date(year, rng.randint(1, 10), rng.randint(1, 28))
                ends = starts + dt.timedelta(days=rng.randint(14, 60))
                course = Course(
                    pk=self.ids.take(Course),
                    **kept,
                    title=f"{year}年{p.post}技能培训",
                    skill=p.post,
                    trainer=trainer,
                    starts_on=starts,
                    ends_on=ends,
                    hours=rng.choice((8, 12, 16, 24, 32)),
                )
                courses.append(course)
                assessed = min(ends + dt.timedelta(days=3), AS_OF)
                for person in rng.sample(p.workers, min(len(p.workers), rng.randint(5, 30))):
                    result = _weighted(
                        rng,
                        (
                            (Assessment.PASSED, 70),
                            (Assessment.CERTIFIED, 12),
                            (Assessment.FAILED, 10),
                            (Assessment.PENDING, 8),
                        ),
                    )
                    done = result != Assessment.PENDING
                    certified = result == Assessment.CERTIFIED
                    trainees.append(
                        Trainee(
                            course=course,
                            person=person,
                            result=result,
                            assessed_on=assessed if done else None,
                            certificate_no=f"PX-{course.pk}-{person.pk}" if certified else "",
                            certified_on=assessed + dt.timedelta(days=7) if certified else None,
                        )
                    )
        TeamCharge.objects.bulk_create(charges, batch_size=BATCH)
        Pairing.objects.bulk_create(pairings, batch_size=BATCH)
        Partner.objects.bulk_create(partners, batch_size=BATCH)
        Post.objects.bulk_create(posts, batch_size=BATCH)
        Course.objects.bulk_create(courses, batch_size=BATCH)
        Trainee.objects.bulk_create(trainees, batch_size=BATCH)
        self.counts.charges += len(charges)
        self.counts.pairings += len(pairings)
        self.counts.posts += len(posts)
        self.counts.courses += len(courses)
        self.counts.trainees += len(trainees)
        return charges

    def _indicators(self, rng: random.Random, plans: list[_Plan], charges: list[TeamCharge]) -> None:
        """Every team's monthly figures of the six default indicators over INDICATOR_PERIODS, from
        indicators.simulate (a season, noise, a moderate effect from the month the team's first
        charge began, as the analysis counts it: selectors.coverage_period). Inserted at the floor
        (dangjian.bulk.insert_rows: one executemany on SQLite, COPY on PostgreSQL), one indicator
        at a time: a prefecture is 1.5 million figures, too many to build as models."""
        if not self.indicator_ids:
            self.indicator_ids = dict(
                Indicator.objects.filter(enterprise__isnull=True, code__in=simulate.CODES).values_list("code", "pk")
            )
        first: dict[int, dt.date] = {}
        for charge in charges:
            if charge.team_id not in first or charge.started_on < first[charge.team_id]:
                first[charge.team_id] = charge.started_on
        starts = {team: indicator_selectors.coverage_period(day) for team, day in first.items()}
        enterprise_of: dict[int, int] = {}
        teams: list[simulate.Team] = []
        for p in plans:
            for team, size in zip(p.teams, p.team_sizes, strict=True):
                enterprise_of[team.pk] = p.enterprise.pk
                teams.append(simulate.Team(team.pk, size))
        figures = simulate.figures(teams, INDICATOR_PERIODS, starts, seed=rng.randrange(2**31))
        ops = connection.ops
        month = {p: ops.adapt_datefield_value(dt.date(p // 12, p % 12 + 1, 1)) for p in INDICATOR_PERIODS}
        stamp = ops.adapt_datetimefield_value(timezone.make_aware(dt.datetime.combine(AS_OF, dt.time())))
        for code, values in figures.items():
            pk = self.indicator_ids[code]
            rows = [(pk, enterprise_of[t], t, month[p], v, False, None, stamp) for t, p, v in values]
            insert_rows(Value._meta.db_table, VALUE_COLUMNS, rows)
            self.counts.indicator_values += len(rows)

    def _dues(self, rng: random.Random, county: Organization) -> None:
        """A year of party dues for every member of the county (DUES_MONTHS, from their month of
        admission): a base each (an employed member's pay, encrypted as the app stores it), every
        month charged with the band in effect, paid a quarter at a time in advance — a share
        stopped some months before the end, a share paid nothing for the last six months (the
        six-month flag). Charges and payments inserted at the floor (dangjian.bulk.insert_rows)."""
        dues_builtin.install(RateBand)
        bands = list(RateBand.objects.filter(category="employed"))
        members = (
            Membership.objects.filter(organization__path__startswith=county.path, ended_on__isnull=True)
            .order_by("person_id")
            .values_list("person_id", "organization_id", "admitted_on")
        )
        ops = connection.ops
        stamp = ops.adapt_datetimefield_value(timezone.make_aware(dt.datetime.combine(AS_OF, dt.time())))
        first = DUES_MONTHS[0]
        bases: list[DuesBase] = []
        charges: list[tuple[Any, ...]] = []
        payments: list[tuple[Any, ...]] = []

        def flush() -> None:
            DuesBase.objects.bulk_create(bases, batch_size=BATCH)
            insert_rows(DuesPayment._meta.db_table, PAYMENT_COLUMNS, payments)
            insert_rows(DuesCharge._meta.db_table, CHARGE_COLUMNS, charges)
            self.counts.dues_charges += len(charges)
            self.counts.dues_payments += len(payments)
            bases.clear()
            charges.clear()
            payments.clear()

        for person_id, org_id, admitted in members.iterator(chunk_size=5000):
            since = max(first, dues_rules.month_of(admitted))
            months = [m for m in DUES_MONTHS if m >= since]
            if not months:
                continue
            pay = Decimal(rng.randrange(2200, 12000, 10))
            bases.append(
                DuesBase(
                    person_id=person_id,
                    organization_id=org_id,
                    month=since,
                    category="employed",
                    base_pay=Sealed(encrypt(f"{pay:.2f}")),
                    source="generator",
                )
            )
            band = dues_rules.band_for(bands, "employed", since, pay)
            assert isinstance(band, RateBand)  # one of the rows handed in
            due = dues_rules.amount_due(band, pay)
            draw = rng.random()
            if draw < DUES_FLAGGED_SHARE:
                paid_until = len(months) - 6
            elif draw < DUES_FLAGGED_SHARE + DUES_BEHIND_SHARE:
                paid_until = len(months) - rng.randint(1, 5)
            else:
                paid_until = len(months)
            payment_of: dict[int, int] = {}
            i = 0
            while i < max(paid_until, 0):
                n = min(3, paid_until - i)
                pk = self.ids.take(DuesPayment)
                month = months[i]
                paid_on = ops.adapt_datefield_value(month + dt.timedelta(days=rng.randint(2, 25)))
                payments.append(
                    (
                        pk,
                        person_id,
                        org_id,
                        "dues",
                        due * n,
                        paid_on,
                        ops.adapt_datefield_value(month),
                        n,
                        False,
                        "",
                        stamp,
                    )
                )
                for k in range(i, i + n):
                    payment_of[k] = pk
                i += n
            for k, month in enumerate(months):
                paid = payment_of.get(k)
                charges.append(
                    (
                        person_id,
                        org_id,
                        ops.adapt_datefield_value(month),
                        "employed",
                        band.pk,
                        due,
                        due,
                        due if paid else Decimal("0.00"),
                        paid,
                    )
                )
            if len(charges) >= 20 * BATCH:
                flush()
        flush()

    def _guidance(self, rng: random.Random, plans: list[_Plan], secretaries: dict[int, User]) -> None:
        """Each enterprise's instructor with their declaration, their visits since they were
        assigned (one or two a quarter; a share of instructors missed a quarter of the last year,
        a share have not yet come this quarter) and the problems found, each in the hands of the
        secretary, the manager or the instructor: closed with a note, or open (some overdue).
        Newcomers (assigned in the last month) have not declared yet, so no visits (the services
        take a visit only after the declaration). As of GUIDANCE_DAY, in bulk."""
        today = GUIDANCE_DAY
        declarations: list[Declaration] = []
        visits: list[Visit] = []
        follow_ups: list[FollowUp] = []
        topics = [t.value for t in Topic]
        current = period_of(today, QUARTER)
        ended = [q for q in _quarters(dt.date(today.year, 1, 1), today) if q.last_day < today]
        settled = [i for i, p in enumerate(plans) if p.instructor and p.instructor.started_on <= INSTRUCTORS_ASSIGNED]
        behind = set(rng.sample(settled, min(len(settled), max(1, round(BEHIND_SHARE * len(settled))))))

        def day(lo: dt.date, hi: dt.date) -> dt.date:
            return lo if hi <= lo else lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))

        for i, p in enumerate(plans):
            ra, ent = p.instructor, p.enterprise
            assert ra is not None
            if ra.started_on > INSTRUCTORS_ASSIGNED:
                continue  # a newcomer
            declared = ra.started_on + dt.timedelta(days=rng.randint(0, 14))
            declarations.append(Declaration(assignment=ra, declared_on=declared, statement=DECLARATION))
            owners: list[tuple[User, str]] = [(ra.user, OwnerRole.INSTRUCTOR)]
            if p.manager is not None:
                owners.append((p.manager, OwnerRole.MANAGER))
            secretary = secretaries.get(ent.party_org_id) if ent.party_org_id is not None else None
            if secretary is not None:
                owners.append((secretary, OwnerRole.SECRETARY))
            skipped = rng.choice(ended) if ended and i in behind else None
            for q in _quarters(declared, today):  # visits from the declaration on
                if q == skipped or (q == current and rng.random() < NOT_YET_SHARE):
                    continue
                lo, hi = max(q.first_day, declared), min(q.last_day, today - dt.timedelta(days=1))
                for _ in range(2 if rng.random() < TWICE_SHARE else 1):
                    visit = Visit(
                        pk=self.ids.take(Visit),
                        instructor=ra.user,
                        enterprise=ent,
                        visited_on=day(lo, hi),
                        minutes=rng.choice((45, 60, 90, 120)),
                        met="、".join(rng.sample(MET, 2)),
                        topics=rng.sample(topics, rng.randint(1, 3)),
                    )
                    visits.append(visit)
                    if rng.random() >= PROBLEM_SHARE:
                        continue
                    owner, role = rng.choice(owners)
                    due = visit.visited_on + dt.timedelta(days=rng.choice((14, 30, 30, 45)))
                    # Closed when due (some late, some early), a share left open past the day.
                    closed = rng.random() < (1 - LEFT_OPEN_SHARE if due < today else 0.4)
                    closed_on = day(
                        min(visit.visited_on + dt.timedelta(days=3), today), min(due + dt.timedelta(days=10), today)
                    )
                    follow_ups.append(
                        FollowUp(
                            visit=visit,
                            enterprise=ent,
                            problem=rng.choice(PROBLEMS),
                            owner=owner,
                            owner_role=role,
                            due_on=due,
                            status=FollowUp.Status.CLOSED if closed else FollowUp.Status.OPEN,
                            closed_on=closed_on if closed else None,
                            closing_note=rng.choice(CLOSINGS) if closed else "",
                            closed_by=owner if closed else None,
                        )
                    )
        Declaration.objects.bulk_create(declarations, batch_size=BATCH)
        Visit.objects.bulk_create(visits, batch_size=BATCH)
        FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
        self.counts.declarations += len(declarations)
        self.counts.visits += len(visits)
        self.counts.follow_ups += len(follow_ups)
        self.counts.open_follow_ups += sum(1 for f in follow_ups if f.status == FollowUp.Status.OPEN)

    def _ratings(self, rng: random.Random, county: Organization, plans: list[_Plan]) -> None:
        """The county's 三好 round of the data's year (the built-in scheme), counted as of
        GUIDANCE_DAY and closed: a share of its branches stand; their counted criteria are read
        from the generated records as the round reads them (ratings.measures), the reviewed ones
        scored by the branch, its instructor and the county with a note; awarded at the pass
        mark. In bulk, like the rest."""
        scheme = builtin.install(RatingScheme, Criterion)
        criteria = list(scheme.criteria.order_by("order", "pk"))
        units = {
            o.pk: o
            for p in plans
            for o in (p.party_org, *p.branches)
            if o is not None and o.kind in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.JOINT_BRANCH)
        }
        if not units:
            return
        chosen = rng.sample(sorted(units), max(1, round(RATED_SHARE * len(units))))
        day = GUIDANCE_DAY
        rnd = RatingRound.objects.create(
            scheme=scheme,
            organization=county,
            year=day.year,
            counted_on=day,
            pass_mark=RATING_PASS_MARK,
            status=RatingRound.Status.CLOSED,
            closed_on=day,
        )
        candidates: list[RatingCandidate] = []
        scores: list[Score] = []
        seq = 0
        for pk in sorted(chosen, key=lambda k: units[k].path):
            org = units[pk]
            candidate = RatingCandidate(pk=self.ids.take(RatingCandidate), round=rnd, organization=org)
            total = Decimal(0)
            quality = rng.uniform(0.5, 1.0)
            memo: dict[str, Any] = {}
            for cr in criteria:
                if cr.method == Method.COUNTED:
                    reading = measures.read(cr.measure, org, day, memo)
                    points = measures.points(cr.weight, cr.target, reading)
                    scores.append(
                        Score(
                            candidate=candidate,
                            criterion=cr,
                            reviewer="",
                            points=points,
                            figure=reading.figure,
                            basis={**reading.basis, "as_of": day.isoformat()},
                        )
                    )
                    total += points
                    continue
                for reviewer, lift in ((Reviewer.SELF, 0.15), (Reviewer.INSTRUCTOR, 0.05), (Reviewer.COUNTY, 0.0)):
                    points = (Decimal(cr.weight) * Decimal(str(min(1.0, quality + lift)))).quantize(Decimal("1"))
                    scores.append(
                        Score(
                            candidate=candidate,
                            criterion=cr,
                            reviewer=reviewer,
                            points=points,
                            note=rng.choice(RATING_NOTES),
                        )
                    )
                    if reviewer == Reviewer.COUNTY:
                        total += points
            candidate.total = total
            if total >= RATING_PASS_MARK:
                seq += 1
                candidate.result = RatingCandidate.Result.AWARDED
                candidate.certificate_no = f"{rnd.year}-{rnd.pk:03d}-{seq:03d}"
            else:
                candidate.result = RatingCandidate.Result.NOT_AWARDED
            candidates.append(candidate)
        RatingCandidate.objects.bulk_create(candidates, batch_size=BATCH)
        Score.objects.bulk_create(scores, batch_size=BATCH)
        self.counts.rating_candidates += len(candidates)
        self.counts.rated += seq

    def _selections(self, rng: random.Random, plans: list[_Plan]) -> None:
        """Pacesetter rounds (SELECTION_SHARE and BENCH_ROLL above): a finished round of the data's
        year, announced, in a share of the enterprises with a party organisation, and the
        benchmark's rounds in their vote. What the services would write, in bulk: the round, its
        categories, nominations (self, a colleague, someone of the team) with their evidence, the
        poll with its questions, options, roll, ballots and marks (random keys from the seeded
        stream, no times, receipt digests) and, for a finished round, the tally and digest the
        count keeps (the engine's own `Tally` and digest, so a recount agrees) and each nominee's
        result, those within the places confirmed by the committee."""
        covered = [p for p in plans if p.party_org is not None and len(p.workers) + len(p.members_in) >= 2]
        if not covered:
            return
        bench = [p for p in covered if p.size >= BENCH_ROLL]
        if self.counts.open_votes == 0:  # the first county's largest enterprise, at every scale
            largest = max(covered, key=lambda p: p.size)
            if all(p is not largest for p in bench):
                bench.insert(0, largest)
        rows = _RoundRows()
        others = [p for p in covered if all(p is not b for b in bench)]
        finished = [p for p in others if rng.random() < SELECTION_SHARE]
        if not finished and others:  # every county has a finished round to show
            finished = [rng.choice(others)]
        for p in finished:
            self._round(rng, p, rows, open_vote=False)
        for p in bench:
            self._round(rng, p, rows, open_vote=True)
        rows.write()

    def _round(self, rng: random.Random, p: _Plan, rows: _RoundRows, *, open_vote: bool) -> None:
        ent, org = p.enterprise, p.party_org
        assert org is not None
        day = GUIDANCE_DAY
        if open_vote:  # in its vote as of the data's last day
            vote_on = day - dt.timedelta(days=3)
            opens_on = vote_on - dt.timedelta(days=21)
            evidence_on, vote_until = opens_on + dt.timedelta(days=10), day + dt.timedelta(days=7)
        else:
            opens_on = dt.date(day.year, 3, 1) + dt.timedelta(days=rng.randint(0, 240))
            evidence_on, vote_on = opens_on + dt.timedelta(days=7), opens_on + dt.timedelta(days=14)
            vote_until = vote_on + dt.timedelta(days=3)
        notice_on, notice_days = vote_until + dt.timedelta(days=4), 5
        reviewed = vote_until + dt.timedelta(days=1)
        counted_at = dt.datetime.combine(reviewed, dt.time(9), tzinfo=dt.UTC)
        title = f"{day.year}年“四型标兵”评选"
        poll = Poll(
            pk=self.ids.take(Poll),
            title=title,
            org_path=org.path,
            state=PollState.OPEN if open_vote else PollState.COUNTED,
            closed_at=None if open_vote else counted_at,
            counted_at=None if open_vote else counted_at,
        )
        r = Round(
            pk=self.ids.take(Round),
            enterprise=ent,
            organization=org,
            title=title,
            opens_on=opens_on,
            evidence_on=evidence_on,
            vote_on=vote_on,
            vote_until=vote_until,
            notice_on=notice_on,
            notice_days=notice_days,
            phase=Phase.VOTE if open_vote else Phase.ANNOUNCED,
            noticed_on=None if open_vote else notice_on,
            announced_on=None if open_vote else notice_on + dt.timedelta(days=notice_days),
            poll=poll,
        )
        rows.polls.append(poll)
        rows.rounds.append(r)
        pool = p.workers + p.members_in
        teams: dict[int, list[Person]] = {}
        for person in pool:
            if person.team_id is not None:
                teams.setdefault(person.team_id, []).append(person)
        # Per question: the question, its category, and its options with their nomination and weight.
        questions: list[tuple[Question, Category, list[tuple[int, Nomination, float]]]] = []
        for order, spec in enumerate(pacesetters.CATEGORIES):
            category = Category(
                pk=self.ids.take(Category),
                round=r,
                order=order,
                builtin=spec.builtin,
                name=spec.name,
                description=spec.description,
                quota=spec.quota,
            )
            question = Question(
                pk=self.ids.take(Question), poll=poll, order=order, label=spec.name, ref=str(category.pk)
            )
            rows.categories.append(category)
            rows.questions.append(question)
            options: list[tuple[int, Nomination, float]] = []
            for i, nominee in enumerate(rng.sample(pool, min(len(pool), rng.randint(2, 4)))):
                kind = _weighted(rng, NOMINATION_KINDS)
                mates = [x for x in teams.get(nominee.team_id or 0, ()) if x is not nominee]
                by = nominee
                if kind == NominationKind.TEAM_LEADER and mates:
                    by = rng.choice(mates)
                elif kind != NominationKind.SELF:
                    kind = NominationKind.PEER
                    while by is nominee:
                        by = pool[rng.randrange(len(pool))]
                reason, evidence = rng.choice(NOMINATION_TEXTS[spec.builtin])
                nomination = Nomination(
                    pk=self.ids.take(Nomination),
                    round=r,
                    category=category,
                    nominee=nominee,
                    nominated_by=by,
                    kind=kind,
                    reason=reason,
                )
                option = Option(
                    pk=self.ids.take(Option), question=question, order=i, label=nominee.name, ref=str(nomination.pk)
                )
                rows.nominations.append(nomination)
                rows.evidence.append(Evidence(nomination=nomination, text=evidence))
                rows.options.append(option)
                options.append((option.pk, nomination, rng.lognormvariate(0, 0.7)))
            questions.append((question, category, options))
        # The roll (every employee), who voted, and their ballots.
        roll = p.staff
        cast = (
            min(BENCH_BALLOTS, len(roll) - BENCH_LEFT)
            if open_vote
            else round(len(roll) * rng.uniform(*SELECTION_TURNOUT))
        )
        voted = set(rng.sample(roll, max(0, cast)))
        rows.voters.extend(Voter(poll=poll, person_id=pk, voted=pk in voted) for pk in roll)
        votes: dict[int, dict[int | None, int]] = {q.pk: {o: 0 for o, _n, _w in opts} for q, _c, opts in questions}
        choices = [
            (q.pk, [o for o, _n, _w in opts], list(itertools.accumulate(w for _o, _n, w in opts)))
            for q, _c, opts in questions
        ]
        ballots: list[tuple[str, list[tuple[int, int | None]]]] = []
        for _ in range(len(voted)):
            ballot = Ballot(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                poll=poll,
                receipt=ballot_rules.digest_code(f"{rng.getrandbits(60):015X}"),
            )
            rows.ballots.append(ballot)
            marks: list[tuple[int, int | None]] = []
            for qid, ids, cum in choices:
                # rng.choices(ids, cum_weights=cum) without its per-call set-up (the same draw).
                oid = None if rng.random() < SELECTION_BLANK_SHARE else ids[bisect.bisect(cum, rng.random() * cum[-1])]
                marks.append((qid, oid))
                votes[qid][oid] = votes[qid].get(oid, 0) + 1
                rows.marks.append(
                    Mark(
                        id=uuid.UUID(int=rng.getrandbits(128), version=4), ballot=ballot, question_id=qid, option_id=oid
                    )
                )
            ballots.append((str(ballot.id), marks))
        self.counts.selection_rounds += 1
        self.counts.nominations += sum(len(opts) for _q, _c, opts in questions)
        self.counts.ballots += len(voted)
        if open_vote:
            self.counts.open_votes += 1
            return
        tally = Tally(roll=len(roll), turnout=len(voted), ballots=len(voted), votes=votes)
        poll.tally, poll.digest = tally.as_json(), ballot_rules.ballots_digest(ballots)
        for question, category, opts in questions:
            nominations = {n.pk: n for _o, n, _w in opts}
            confirmed = 0
            by_nomination = {n.pk: votes[question.pk][o] for o, n, _w in opts}
            for nid, n, rank, tied in ballot_rules.ranked(by_nomination, category.quota):
                elected = n > 0 and rank <= category.quota and not tied
                decision, reason = Decision.PENDING, ""
                if elected or tied:  # the committee confirms within the places and breaks a tie
                    if confirmed < category.quota:
                        decision, confirmed = Decision.CONFIRMED, confirmed + 1
                        reason = "" if elected else TIE_BROKEN
                    else:
                        decision, reason = Decision.SET_ASIDE, TIE_LOST
                rows.results.append(
                    Standing(
                        round=r,
                        category=category,
                        nomination=nominations[nid],
                        votes=n,
                        rank=rank,
                        elected=elected,
                        tied=tied,
                        decision=decision,
                        reason=reason,
                        decided_on=None if decision == Decision.PENDING else reviewed,
                    )
                )

    def _plan_enterprise(
        self, rng: random.Random, c: _County, county: Organization, parks: list[Organization], size: int
    ) -> _Plan:
        ownership = _weighted(rng, OWNERSHIP_WEIGHTS)
        part, industry, post, posts = rng.choice(INDUSTRIES)
        # Members: ~5% of employees, more in state-owned firms, varying firm to firm.
        rate = 0.05 * rng.lognormvariate(-0.18, 0.6) * (2.2 if ownership == Ownership.STATE else 1.0)
        expected = size * min(rate, 0.6)
        members = max(0, min(size, round(rng.gauss(expected, math.sqrt(max(expected, 0.01))))))
        supervisor = rng.choice(parks) if parks and rng.random() < 0.45 else county
        ent = Enterprise(
            pk=self.ids.take(Enterprise),
            name=f"{c.name[:-1]}{rng.choice(BRAND)}{part}有限责任公司{self.ids.next[Enterprise] - 1}",
            uscc=self.codes.uscc(c.code, legacy=rng.random() < 0.2),
            ownership=ownership,
            industry=industry,
            address=f"新疆{c.name}{rng.randint(1, 300)}号",
            supervising_org=supervisor,
            settled_on=AS_OF - dt.timedelta(days=rng.randint(200, 6000)) if supervisor is not county else None,
        )
        plan = _Plan(ent, size, members, post, posts)
        # Production: teams of 10–40 (the size drawn per team), in workshops of up to 8 teams.
        teams: list[ProductionUnit] = []
        plan.team_sizes = _team_sizes(size, rng)
        workshops = (
            []
            if len(plan.team_sizes) < 4
            else [
                ProductionUnit(
                    pk=self.ids.take(ProductionUnit), enterprise=ent, kind=UnitKind.WORKSHOP, name=f"{i + 1}号车间"
                )
                for i in range(math.ceil(len(plan.team_sizes) / 8))
            ]
        )
        for i in range(len(plan.team_sizes)):
            parent = workshops[i // 8] if workshops else None
            teams.append(
                ProductionUnit(
                    pk=self.ids.take(ProductionUnit),
                    enterprise=ent,
                    kind=UnitKind.TEAM,
                    name=f"第{i % 8 + 1 if workshops else i + 1}班组",
                    parent=parent,
                )
            )
        plan.units = workshops + teams
        plan.teams = teams
        return plan

    def _place_party_orgs(
        self,
        rng: random.Random,
        c: _County,
        county: Organization,
        parks: list[Organization],
        plans: list[_Plan],
        orgs: list[Organization],
    ) -> None:
        """Three or more members: the enterprise's own branch (a general branch with branches
        from 50 members, a committee from 100). Fewer: a joint branch with neighbours under the
        same committee, when together they reach three. The rest stay uncovered."""
        small: dict[int, list[_Plan]] = {}
        for p in plans:
            ent = p.enterprise
            parent = ent.supervising_org
            short = ent.name
            if p.members >= 50:
                # A committee from 100 members with branches of ~35, a general branch with ~25.
                kind, title, per_branch = (
                    (OrgKind.ENTERPRISE_COMMITTEE, "委员会", 35)
                    if p.members >= 100
                    else (OrgKind.GENERAL_BRANCH, "总支部委员会", 25)
                )
                top = self._org(kind, f"中共{short}{title}", parent)
                p.branches = [
                    self._org(OrgKind.BRANCH, f"{short}第{i + 1}支部", top)
                    for i in range(math.ceil(p.members / per_branch))
                ]
                orgs.extend([top, *p.branches])
                p.party_org, p.top = top, top
            elif p.members >= 3:
                branch = self._org(OrgKind.BRANCH, f"中共{short}支部委员会", parent)
                orgs.append(branch)
                p.branches = [branch]
                p.party_org, p.top = branch, branch
            else:
                small.setdefault(parent.pk, []).append(p)
        for parent_pk, group in small.items():
            parent = county if county.pk == parent_pk else next(x for x in parks if x.pk == parent_pk)
            joint: list[_Plan] = []
            n = 0
            for p in group:
                if p.members == 0 and rng.random() < 0.5:
                    continue  # no members and no joint branch: not covered
                joint.append(p)
                if len(joint) >= rng.randint(3, 6) and sum(x.members for x in joint) >= 3:
                    n += 1
                    self._joint(parent, joint, n, orgs)
                    joint = []
            if sum(x.members for x in joint) >= 3:
                self._joint(parent, joint, n + 1, orgs)
        for p in plans:
            p.enterprise.party_org = p.party_org

    def _joint(self, parent: Organization, group: list[_Plan], n: int, orgs: list[Organization]) -> None:
        org = self._org(OrgKind.JOINT_BRANCH, f"{parent.name.removeprefix('中共')}第{n}联合支部", parent)
        orgs.append(org)
        for p in group:
            p.party_org, p.branches, p.top = org, [org], org

    def _people(
        self,
        rng: random.Random,
        c: _County,
        p: _Plan,
        mix: tuple[tuple[str, int], ...],
        out: _Buffer,
        users: list[User],
        roles: list[RoleAssignment],
        secretaries: dict[int, User],
    ) -> None:
        ent = p.enterprise
        slots = [team for team, n in zip(p.teams, p.team_sizes, strict=True) for _ in range(n)]
        statuses = ["member"] * p.members
        if p.party_org is not None:
            for share, stage in (
                (APPLICANT_SHARE, Stage.APPLICANT),
                (ACTIVIST_SHARE, Stage.ACTIVIST),
                (TARGET_SHARE, Stage.TARGET),
            ):
                k = round(p.size * share + rng.random() - 0.5)
                statuses.extend([stage] * max(0, min(k, p.size - len(statuses))))
        statuses.extend([""] * (p.size - len(statuses)))
        rng.shuffle(statuses)
        manager_done = p.size < 20
        for i, status in enumerate(statuses):
            gender = "F" if rng.random() < 0.55 else "M"
            ethnicity = _weighted(rng, mix)
            age_days = rng.randint(18 * 365 + 5, 59 * 365)
            birth = AS_OF - dt.timedelta(days=age_days)
            name = self.names.draw(ethnicity, gender)
            id_number = self.id_numbers.make(c.code, birth, gender)
            self.person_no += 1
            hired = AS_OF - dt.timedelta(days=rng.randint(1, max(1, min(age_days - 18 * 365, 9000))))
            person = Person(
                pk=self.ids.take(Person),
                name=name.name,
                name_latin=name.latin,
                gender=gender,
                ethnicity=ethnicity,
                birth_date=birth,
                id_number=id_number,
                id_number_index=blind_index(id_number),
                phone=_phone(self.person_no),
                education=_weighted(rng, EDUCATION_WEIGHTS),
                post=p.post if rng.random() < 0.8 else rng.choice(p.posts),
                employer=ent,
                team=slots[i] if rng.random() > 0.03 else None,
                hire_date=hired,
                is_league_member=age_days < 28 * 365 and rng.random() < 0.35,
            )
            person.political_status = PoliticalStatus.LEAGUE if person.is_league_member else PoliticalStatus.MASSES
            if status == "member":
                branch = p.branches[out.members % len(p.branches)] if p.branches else None
                self._member(rng, person, branch, age_days, out)
                if person.political_status in (PoliticalStatus.FULL, PoliticalStatus.PROBATIONARY):
                    p.members_in.append(person)
                if branch is not None and branch.pk not in secretaries:
                    user = self._user(f"{c.code}-s{branch.pk}", person)
                    secretaries[branch.pk] = user
                    users.append(user)
                    roles.append(RoleAssignment(user=user, role=Role.SECRETARY, organization=branch))
                    self.logins.setdefault("secretary", user.username)
                    if p.top is not None and p.top is not branch and p.top.pk not in secretaries:
                        secretaries[p.top.pk] = user
                        roles.append(RoleAssignment(user=user, role=Role.SECRETARY, organization=p.top))
            elif status and p.party_org is not None:  # candidates are drawn only where there is one
                self._candidate(rng, person, p.party_org, status, hired, out)
            out.people.append(person)
            p.staff.append(person.pk)
            if person.political_status in (PoliticalStatus.MASSES, PoliticalStatus.LEAGUE):
                p.workers.append(person)
            if not manager_done and status == "":
                manager_done = True
                user = self._user(f"{c.code}-m{ent.pk}", person)
                p.manager = user
                users.append(user)
                roles.append(RoleAssignment(user=user, role=Role.MANAGER, enterprise=ent))
                self.logins.setdefault("manager", user.username)

    def _member(
        self, rng: random.Random, person: Person, branch: Organization | None, age_days: int, out: _Buffer
    ) -> None:
        """A member: admitted after 18, converted a year later (unless still on probation)."""
        adult_days = age_days - 18 * 365 - 1
        if branch is None or adult_days < 30:
            return  # no branch in the firm yet, or too young: not a member here
        out.members += 1
        if adult_days < 400 or rng.random() < PROBATIONARY_SHARE:
            admitted = AS_OF - dt.timedelta(days=rng.randint(30, min(330, adult_days)))
            converted = None
        else:
            admitted = AS_OF - dt.timedelta(days=rng.randint(400, adult_days))
            converted = admitted + dt.timedelta(days=365)
        joined = max(admitted, person.hire_date or admitted)
        out.memberships_rows.append(
            Membership(
                person=person, organization=branch, admitted_on=admitted, converted_on=converted, joined_org_on=joined
            )
        )
        person.political_status = PoliticalStatus.FULL if converted else PoliticalStatus.PROBATIONARY
        person.party_org = branch

    def _candidate(
        self, rng: random.Random, person: Person, org: Organization, stage: str, hired: dt.date, out: _Buffer
    ) -> None:
        """Someone on the way in, with the steps that put them at their stage (1–2, 3–5, 7)."""
        least: int = {Stage.APPLICANT.value: 25, Stage.ACTIVIST.value: 100, Stage.TARGET.value: 600}[stage]
        applied = max(hired, AS_OF - dt.timedelta(days=rng.randint(least, least + 700)))
        cand = Candidacy(pk=self.ids.take(Candidacy), person=person, organization=org, applied_on=applied, stage=stage)
        steps = [(1, applied), (2, applied + dt.timedelta(days=20))]
        activist_on = (
            applied + dt.timedelta(days=rng.randint(30, 90)) if stage in (Stage.ACTIVIST, Stage.TARGET) else None
        )
        if activist_on is not None:
            cand.activist_on = activist_on
            steps += [(3, activist_on), (4, activist_on + dt.timedelta(days=7)), (5, activist_on)]
        if stage == Stage.TARGET and activist_on is not None:
            target_on = activist_on + dt.timedelta(days=rng.randint(366, 500))
            cand.target_on = target_on
            steps += [(6, activist_on + dt.timedelta(days=180)), (6, activist_on + dt.timedelta(days=360))]
            steps += [(7, target_on)]
        steps = [(n, min(on, AS_OF)) for n, on in steps]
        out.candidacies_rows.append(cand)
        out.step_rows.extend(Step(candidacy=cand, number=n, done_on=on) for n, on in steps)
        person.political_status = PoliticalStatus(stage)
        person.party_org = org


@dataclass
class _Plan:
    enterprise: Enterprise
    size: int
    members: int
    post: str
    posts: tuple[str, ...]
    team_sizes: list[int] = field(default_factory=list)
    units: list[ProductionUnit] = field(default_factory=list)
    teams: list[ProductionUnit] = field(default_factory=list)
    party_org: Organization | None = None
    top: Organization | None = None
    branches: list[Organization] = field(default_factory=list)
    members_in: list[Person] = field(default_factory=list)  # party members employed here, in its branches
    workers: list[Person] = field(default_factory=list)  # employees not members nor on the way in
    staff: list[int] = field(default_factory=list)  # every employee's key (a round's roll)
    manager: User | None = None
    instructor: RoleAssignment | None = None


@dataclass
class _RoundRows:
    """A county's pacesetter rounds, written after its people, in the order their keys need."""

    polls: list[Poll] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    nominations: list[Nomination] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    voters: list[Voter] = field(default_factory=list)
    ballots: list[Ballot] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    results: list[Standing] = field(default_factory=list)

    def write(self) -> None:
        Poll.objects.bulk_create(self.polls, batch_size=BATCH)
        Round.objects.bulk_create(self.rounds, batch_size=BATCH)
        Category.objects.bulk_create(self.categories, batch_size=BATCH)
        Nomination.objects.bulk_create(self.nominations, batch_size=BATCH)
        Evidence.objects.bulk_create(self.evidence, batch_size=BATCH)
        Question.objects.bulk_create(self.questions, batch_size=BATCH)
        Option.objects.bulk_create(self.options, batch_size=BATCH)
        Voter.objects.bulk_create(self.voters, batch_size=BATCH)
        Ballot.objects.bulk_create(self.ballots, batch_size=BATCH)
        Mark.objects.bulk_create(self.marks, batch_size=BATCH)
        Standing.objects.bulk_create(self.results, batch_size=BATCH)


@dataclass
class _Buffer:
    """Rows waiting to be written, flushed in batches to keep memory flat."""

    people: list[Person] = field(default_factory=list)
    memberships_rows: list[Membership] = field(default_factory=list)
    candidacies_rows: list[Candidacy] = field(default_factory=list)
    step_rows: list[Step] = field(default_factory=list)
    persons: int = 0
    members: int = 0
    memberships: int = 0
    candidacies: int = 0
    steps: int = 0

    def flush_if_full(self) -> None:
        if len(self.people) >= 20_000:
            self.flush()

    def flush(self) -> None:
        Person.objects.bulk_create(self.people, batch_size=BATCH)
        Membership.objects.bulk_create(self.memberships_rows, batch_size=BATCH)
        Candidacy.objects.bulk_create(self.candidacies_rows, batch_size=BATCH)
        Step.objects.bulk_create(self.step_rows, batch_size=BATCH)
        self.persons += len(self.people)
        self.memberships += len(self.memberships_rows)
        self.candidacies += len(self.candidacies_rows)
        self.steps += len(self.step_rows)
        self.people, self.memberships_rows, self.candidacies_rows, self.step_rows = [], [], [], []


def generate(
    scale: str | Scale,
    seed: int = 1,
    *,
    password: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Result:
    chosen = SCALES[scale] if isinstance(scale, str) else scale
    return Generator(chosen, seed, password=password, progress=progress).run()
