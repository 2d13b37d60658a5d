"""The effect analysis in plain words, for the page, the API and the export: the estimate and its
95% range in the indicator's own unit, whether it is conclusive, what to beware of, and the
methods note. It says how covered teams changed *compared with* the others — never that coverage
caused it (docs/indicators.md "How the result is worded")."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import analysis
from .analysis import Effect
from .models import Direction, Indicator


def amount(indicator: Indicator, value: float, *, signed: bool = False) -> str:
    """A difference in the indicator's unit: percentage points for a percentage."""
    decimals = indicator.shown_decimals
    text = f"{value:+,.{decimals}f}" if signed else f"{abs(value):,.{decimals}f}"
    if indicator.is_percent:
        return _("%(number)s points") % {"number": text}
    unit = indicator.unit_label
    return f"{text} {unit}" if unit else text


def number(indicator: Indicator, value: float) -> str:
    decimals = indicator.shown_decimals
    return f"{value:,.{decimals}f}".replace("-", "−")


def headline(indicator: Indicator, effect: Effect) -> str:
    name = indicator.label
    if effect.status == analysis.NO_COVERED:
        return _(
            "No team came into a member's charge during the months with %(indicator)s figures: there is no "
            "before and after to compare."
        ) % {"indicator": name}
    if effect.status == analysis.NO_COMPARISON:
        return _(
            "There is no comparison group: every team with %(indicator)s figures came into a member's charge at "
            "the same time, so no team is left to show how the figures would have moved otherwise. No estimate "
            "is shown, because a before-and-after alone mixes party work with everything else that changed."
        ) % {"indicator": name}
    if effect.status == analysis.TOO_LITTLE or effect.estimate is None or effect.low is None or effect.high is None:
        return _(
            "Too few %(indicator)s figures to compare: there are teams to compare with, but too few teams or months "
            "(or figures that never change) to put a range on the difference. No estimate is shown."
        ) % {"indicator": name}
    values = {
        "indicator": name,
        "amount": amount(indicator, effect.estimate),
        "low": number(indicator, effect.low),
        "high": number(indicator, effect.high),
    }
    if effect.estimate >= 0:
        text = _(
            "After a member took charge of them, covered teams' %(indicator)s rose %(amount)s more than that of "
            "teams not yet covered; 95%% range %(low)s to %(high)s."
        )
    else:
        text = _(
            "After a member took charge of them, covered teams' %(indicator)s rose %(amount)s less than that of "
            "teams not yet covered; 95%% range %(low)s to %(high)s."
        )
    return text % values


def verdict(indicator: Indicator, effect: Effect) -> str:
    if effect.status != analysis.OK:
        return ""
    if effect.pretrend_flagged:
        return _(
            "Not to be relied on: before coverage began, the covered teams were already moving apart from the "
            "others (pre-trend test p = %(p)s)."
        ) % {"p": f"{effect.pretrend_p:.3f}"}
    if not effect.conclusive:
        return _("Not conclusive: the range includes no difference at all.")
    assert effect.estimate is not None
    better = (effect.estimate > 0) == (indicator.direction == Direction.HIGHER)
    if better:
        return _(
            "A difference in the better direction that chance alone would rarely produce. It shows what changed "
            "alongside coverage, not what brought the change about."
        )
    return _(
        "A difference in the worse direction that chance alone would rarely produce. It shows what changed "
        "alongside coverage, not what brought the change about."
    )


def basis(effect: Effect) -> str:
    """How much lies behind the figure."""
    return _(
        "Behind it: %(covered)s covered teams and %(comparison)s teams not yet covered, %(months)s months, "
        "%(observations)s team-months."
    ) % {
        "covered": effect.covered_teams,
        "comparison": effect.comparison_teams,
        "months": effect.months,
        "observations": f"{effect.observations:,}",
    }


def cautions(effect: Effect) -> list[str]:
    texts = {
        analysis.W_FEW_TEAMS: _(
            "Fewer than %(n)s teams: the range is less reliable than it looks; read it as a rough guide."
        )
        % {"n": analysis.FEW_TEAMS},
        analysis.W_FEW_COVERED: _("Fewer than %(n)s covered teams: one team can swing the figure.")
        % {"n": analysis.FEW_SIDE},
        analysis.W_FEW_COMPARISON: _("Fewer than %(n)s teams to compare with: one team can swing the figure.")
        % {"n": analysis.FEW_SIDE},
        analysis.W_PRETREND: _(
            "The months before coverage already differ: something other than coverage may explain the result."
        ),
        analysis.W_NO_PRETREND_CHECK: _(
            "Too few months before coverage to check whether the teams were already moving apart."
        ),
        analysis.W_COVERED_BEFORE: _(
            "%(n)s teams were covered before the first month with figures and are left out: they have no before."
        )
        % {"n": effect.covered_before_data},
    }
    return [texts[w] for w in effect.warnings if w in texts]


def methods_note() -> list[str]:
    """Two paragraphs: how the comparison is made and what it cannot tell."""
    return [
        _(
            "Teams came into a member's charge at different times. For each month in which some teams became "
            "covered, we compare how their figures changed from the %(pre)s months before to the %(post)s "
            "months after with how the figures of teams not yet covered changed over the same months (teams "
            "covered earlier are never used for comparison). Differences between teams that do not change, and "
            "what happened to every team in a given month (a season, an order), are taken out. The comparisons "
            "are averaged into one figure; its 95%% range allows for the figures of one team being related "
            "from month to month."
        )
        % {"pre": analysis.PRE, "post": analysis.POST},
        _(
            "The figure is only as good as the comparison. If covered teams were chosen because they were about "
            "to improve, or something else began at the same time, the difference reflects that too; the check "
            "of the months before coverage catches some of this, not all. A range that includes no difference "
            "means the data cannot tell. With few teams, read every figure as a rough guide."
        ),
    ]
