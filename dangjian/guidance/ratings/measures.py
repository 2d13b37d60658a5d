"""What a counted criterion reads for a branch, in the round's year up to its date, and the points
it earns: the figure compared with the criterion's "full marks at", never more than its weight.

Each reading keeps the numbers it came from (`basis`), which the round stores with the score: a
counted criterion shows them as they were and is never computed again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dangjian.appraisal import selectors as appraisal
from dangjian.branchlife import selectors as branchlife
from dangjian.development import selectors as development
from dangjian.organizations.models import Organization
from dangjian.production import selectors as production

from ..models import FollowUp, Measure

TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Reading:
    figure: Decimal | None  # None: nothing fell due to count (the criterion is met)
    basis: dict[str, Any] = field(default_factory=dict)


def _percent(part: int, whole: int) -> Decimal | None:
    return (Decimal(100 * part) / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP) if whole else None


def read(measure: str, org: Organization, day: dt.date, memo: dict[str, Any] | None = None) -> Reading:
    """The branch's figure for `measure` as of `day` (its year's records up to that day). `memo`,
    kept across the measures of one branch and day, reads production's figures once for both the
    posts and the training."""
    year_start = dt.date(day.year, 1, 1)
    if measure == Measure.MEETINGS:
        cal = branchlife.calendar(org, day.year, day + dt.timedelta(days=1))
        return Reading(_percent(cal.met, cal.ended), {"held": cal.met, "due": cal.ended})
    if measure == Measure.DEVELOPMENT:
        found = development.milestones(org, year_start, day)
        return Reading(Decimal(sum(found.values())), found)
    if measure == Measure.COVERAGE:
        cov = production.coverage(org, day)
        return Reading(_percent(cov.covered, cov.total), {"teams": cov.total, "covered": cov.covered})
    if measure in (Measure.POSTS, Measure.TRAINING):
        memo = {} if memo is None else memo
        if "production" not in memo:
            memo["production"] = production.rating_figures(org, day)
        figures = memo["production"]
        key = "posts" if measure == Measure.POSTS else "trained"
        return Reading(Decimal(figures[key]), {key: figures[key]})
    if measure == Measure.FOLLOW_UPS:
        due = FollowUp.objects.filter(enterprise__in=production.enterprises_kept(org), due_on__range=(year_start, day))
        n_due = due.count()
        closed = due.filter(status=FollowUp.Status.CLOSED, closed_on__lte=day).count()
        return Reading(_percent(closed, n_due), {"due": n_due, "closed": closed})
    if measure == Measure.APPRAISAL:
        # The year's appraisal, or the last year's when it is held in the first months of the
        # next (with the organisational life meeting); one not held and confirmed counts 0.
        result = appraisal.branch_result(org.pk, day.year, on=day)
        if not result.held:
            result = appraisal.branch_result(org.pk, day.year - 1, on=day)
        if not result.held:
            return Reading(Decimal(0), {"held": False})
        good = result.excellent + result.qualified
        return Reading(_percent(good, result.graded), {"held": True, "graded": result.graded, "good": good})
    raise ValueError(f"unknown measure {measure!r}")


def points(weight: int, target: int | None, reading: Reading) -> Decimal:
    """The weight in proportion to the figure's share of the target, at most the weight; a
    criterion with nothing due earns its full weight."""
    if reading.figure is None:
        return Decimal(weight).quantize(TENTH)
    if not target:
        return Decimal(0).quantize(TENTH)
    share = min(reading.figure / Decimal(target), Decimal(1))
    return (Decimal(weight) * share).quantize(TENTH, ROUND_HALF_UP)
