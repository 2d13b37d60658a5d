"""This year's 三好 round in Hejing (DOMAIN.md §4; the article's county "successively established 7
'three good' party branches"): the built-in scheme, a round counted as of yesterday, a dozen of
the county's branches standing in it — the garment company's branch among them — each scored by
itself, its instructor and the county's organisation department (Liu Hong), and the round closed
with seven branches rated three good and their certificate numbers.

The counted criteria read the demo's own records (meetings, teams, posts, training, visits), so
the county's pass mark is set where seven branches clear it; the reviewed scores are what sets
the seven apart. Everything goes through the ratings services, audited as the command."""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from dangjian.access.models import Role, RoleAssignment
from dangjian.demo.build.base import Builder
from dangjian.guidance.models import Method, Reviewer
from dangjian.guidance.ratings import builtin, measures, selectors, services
from dangjian.organizations.models import Organization

AWARDED = 7
CANDIDATES = 12
NOTES = {
    "self": ("班子分工明确，按月研究党建和生产", "制度上墙，落实有台账", "书记带头包联班组"),
    "instructor": ("走访看到班子团结，问题整改及时", "机制运转正常，个别记录待完善", "与车间生产结合紧密"),
    "county": ("材料齐全，现场查看属实", "班子健全，作用发挥明显", "机制有效，整改闭环"),
}


def _first_user(role: str, **where: object) -> object | None:
    ra = RoleAssignment.objects.filter(role=role, **where).select_related("user").order_by("pk").first()
    return ra.user if ra else None


def build_ratings(b: Builder) -> dict[str, int]:
    rng = random.Random(f"{b.seed}:ratings")
    county = b.committees["county"]
    today = b.today
    counted_on = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=1))
    scheme = next(s for s in selectors.schemes_for(county) if s.organization_id is None and s.name == builtin.NAME)
    criteria = selectors.criteria_of(scheme)
    reviewed = [c for c in criteria if c.method == Method.REVIEWED]
    branches: list[Organization] = []
    for ent in b.hejing_enterprises:
        org = ent.party_org
        if org is not None and org not in branches and org.kind in ("branch", "general_branch", "joint_branch"):
            branches.append(org)
    garment = b.garment_branch
    assert garment is not None
    others = [o for o in branches if o.pk != garment.pk]
    chosen = [garment, *rng.sample(others, min(CANDIDATES - 1, len(others)))]
    # What the counted criteria will read, to rank the candidates before the county scores them.
    counted = {
        o.pk: sum(
            measures.points(c.weight, c.target, measures.read(c.measure, o, counted_on))
            for c in criteria
            if c.method == Method.COUNTED
        )
        for o in chosen
    }
    ranked = sorted(chosen, key=lambda o: (o.pk != garment.pk, -counted[o.pk], o.path))
    best = {o.pk for o in ranked[:AWARDED]}
    full = sum(c.weight for c in reviewed)
    county_points = {o.pk: (Decimal(full) if o.pk in best else Decimal(full) * Decimal("0.6")) for o in chosen}
    totals = {o.pk: counted[o.pk] + county_points[o.pk] for o in chosen}
    lowest_best = min(totals[pk] for pk in best)
    highest_rest = max((totals[o.pk] for o in chosen if o.pk not in best), default=Decimal(0))
    assert lowest_best > highest_rest, "the seven must clear a mark the others do not"
    pass_mark = Decimal(math.floor(lowest_best))
    if pass_mark <= highest_rest:
        pass_mark = lowest_best
    rnd = services.open_round(
        actor=None, scheme=scheme, organization=county, year=today.year, counted_on=counted_on, pass_mark=pass_mark
    )
    candidates = services.add_candidates(actor=None, round=rnd, branches=chosen)
    liuhong = b.users.get(b.named["liu_hong"].pk)
    for c in candidates:
        share = {
            Reviewer.COUNTY: county_points[c.organization_id] / full,
            Reviewer.INSTRUCTOR: county_points[c.organization_id] / full - Decimal("0.1"),
            Reviewer.SELF: Decimal("0.95"),
        }
        kept = next((e for e in b.hejing_enterprises if e.party_org_id == c.organization_id), None)
        people = {
            Reviewer.SELF: _first_user(Role.SECRETARY, organization=c.organization),
            Reviewer.INSTRUCTOR: _first_user(Role.INSTRUCTOR, enterprise=kept) if kept else None,
            Reviewer.COUNTY: liuhong,
        }
        for reviewer in (Reviewer.SELF, Reviewer.INSTRUCTOR, Reviewer.COUNTY):
            scores = {
                cr.pk: (
                    (Decimal(cr.weight) * max(share[reviewer], Decimal(0))).quantize(Decimal("1")),
                    rng.choice(NOTES[reviewer.value]),
                )
                for cr in reviewed
            }
            services.score(actor=None, candidate=c, reviewer=reviewer, scores=scores, by=people[reviewer])  # type: ignore[arg-type]
    services.close_round(actor=None, round=rnd, today=today)
    return {"candidates": len(candidates), "awarded": rnd.candidates.filter(result="awarded").count()}
