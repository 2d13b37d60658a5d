"""The effect analysis's figures as the page's table lists them and as its Excel holds them:
sheet 1 the figures (one row, warnings in words), sheet 2 the event study, sheet 3 the result
in words and the methods note. The same labels for both, so the file says what the page says."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from dangjian.sheets import Col, Workbook, download_name, labelled, titled

from . import analysis, wording
from .analysis import Effect
from .models import Indicator


def _p(value: float | None) -> str:
    return "—" if value is None else ("< 0.001" if value < 0.001 else f"{value:.3f}")


def figure_rows(indicator: Indicator, effect: Effect) -> list[tuple[str, str]]:
    """(what, figure) for the page's table of an estimate."""
    assert effect.estimate is not None and effect.low is not None and effect.high is not None
    return [
        (_("Difference (estimate)"), wording.amount(indicator, effect.estimate, signed=True).replace("-", "−")),
        (
            _("95%% range") % {},
            _("%(low)s to %(high)s")
            % {"low": wording.number(indicator, effect.low), "high": wording.number(indicator, effect.high)},
        ),
        (_("p-value"), _p(effect.p_value)),
        (_("Teams compared"), f"{effect.teams:,}"),
        (_("Covered teams"), f"{effect.covered_teams:,}"),
        (_("Teams not yet covered (comparison)"), f"{effect.comparison_teams:,}"),
        (_("Months"), f"{effect.months:,}"),
        (_("Team-months"), f"{effect.observations:,}"),
        (_("Cohorts (months in which teams became covered)"), f"{effect.cohorts:,}"),
        (_("Pre-trend test p-value"), _p(effect.pretrend_p)),
    ]


def workbook(indicator: Indicator, scope: str, effect: Effect, *, today: dt.date) -> tuple[bytes, str]:
    stem = _("Analysis %(indicator)s %(scope)s") % {"indicator": indicator.label, "scope": scope}
    book = Workbook()
    columns = labelled(
        [
            (_("indicator"), 18),
            (_("teams analysed"), 24),
            (_("result"), 14),
            (_("difference (estimate)"), 14),
            (_("95%% range from") % {}, 12),
            (_("95%% range to") % {}, 12),
            (_("p-value"), 10),
            (_("conclusive"), 10),
            (_("teams"), 8),
            (_("covered teams"), 10),
            (_("comparison teams"), 10),
            (_("months"), 8),
            (_("team-months"), 10),
            (_("cohorts"), 8),
            (_("pre-trend test p-value"), 12),
            (_("warnings"), 60),
        ]
    )
    status = {
        analysis.OK: _("estimated"),
        analysis.NO_COVERED: _("no team came into a member's charge"),
        analysis.NO_COMPARISON: _("no comparison group"),
        analysis.TOO_LITTLE: _("too few figures to compare"),
    }.get(effect.status, effect.status)
    row = [
        indicator.label,
        scope,
        status,
        effect.estimate,
        effect.low,
        effect.high,
        effect.p_value,
        effect.conclusive if effect.status == analysis.OK else None,
        effect.teams,
        effect.covered_teams,
        effect.comparison_teams,
        effect.months,
        effect.observations,
        effect.cohorts,
        effect.pretrend_p,
        " ".join(wording.cautions(effect)),
    ]
    unit = _("percentage points") if indicator.is_percent else indicator.unit_label
    title = titled(stem, unit, today.isoformat())
    book.table(_("Figures"), columns, [row], title=title)
    book.table(
        _("Event study"),
        labelled(
            [
                (_("months from the start of coverage"), 14),
                (_("difference (estimate)"), 14),
                (_("95%% range from") % {}, 12),
                (_("95%% range to") % {}, 12),
            ]
        ),
        [list(r) for r in effect.event],
        title=titled(stem, _("month −1 is the reference"), unit),
    )
    words = [wording.headline(indicator, effect), wording.verdict(indicator, effect)]
    if effect.status == analysis.OK:
        words.append(wording.basis(effect))
    words += wording.cautions(effect)
    words += [_("How this is worked out"), *wording.methods_note()]
    book.table(_("Methods"), [Col(str(_("Text")), 120)], [[w] for w in words if w], title=stem, freeze=False)
    return book.close(), download_name(stem, today)
