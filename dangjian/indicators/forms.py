"""Forms of the figures' entry: the month and team chosen, a team's figures of a month (one input
per indicator, read with services.parse_figure), and an enterprise's own indicator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from dangjian.organizations.models import ProductionUnit

from . import services
from .models import Aggregation, Direction, Indicator, Level, Value


def figure_text(value: Decimal | None) -> str:
    """A stored figure as the form shows it: 98.5, not 98.5000; 1200, not 1.2E+3."""
    return "" if value is None else f"{value.normalize():f}"


def plausible_text(indicator: Indicator) -> str:
    low, high = indicator.plausible_min, indicator.plausible_max
    if low is None and high is None:
        return ""
    return f"{figure_text(low) or '—'} – {figure_text(high) or '—'}"


@dataclass(eq=False)
class Row:
    """One input of the form: its indicator, field, the figure stored and what a check said."""

    indicator: Indicator
    name: str
    stored: Value | None
    field: Any = None  # the bound field, set by the form
    warning: str = ""  # outside the plausible range

    @property
    def plausible(self) -> str:
        return plausible_text(self.indicator)


class FiguresForm(forms.Form):
    """A team's figures of a month and the enterprise's own: one optional input per indicator,
    prefilled with what is stored. Only the inputs that differ from what is stored become entries
    (a blank input withdraws a stored figure), so a figure confirmed earlier is not asked about
    again."""

    reason = forms.CharField(
        label=gettext_lazy("reason for correcting"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Kept with every stored figure this changes or withdraws."),
    )
    confirm = forms.BooleanField(label=gettext_lazy("I confirm these figures"), required=False)

    def __init__(
        self,
        *args: Any,
        team: ProductionUnit | None,
        team_indicators: Sequence[Indicator],
        enterprise_indicators: Sequence[Indicator],
        stored: dict[tuple[int, int | None], Value],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.team = team
        self.unconfirmed: list[str] = []  # what services.Unconfirmed said, before a confirmation
        self.team_rows = (
            [Row(i, f"t{i.pk}", stored.get((i.pk, team.pk))) for i in team_indicators] if team is not None else []
        )
        self.enterprise_rows = [Row(i, f"e{i.pk}", stored.get((i.pk, None))) for i in enterprise_indicators]
        for row in self.rows:
            self.fields[row.name] = forms.CharField(
                label=row.indicator.label,
                required=False,
                max_length=40,
                initial=figure_text(row.stored.value if row.stored is not None else None),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
            row.field = self[row.name]

    @property
    def rows(self) -> list[Row]:
        return [*self.team_rows, *self.enterprise_rows]

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        self.parsed: dict[str, Decimal | None] = {}
        for row in self.rows:
            try:
                self.parsed[row.name] = services.parse_figure(self.data.get(row.name, ""))
            except ValidationError as exc:
                self.add_error(row.name, exc.messages)
        return data

    def entries(self, month: dt.date) -> list[tuple[Row, services.Entry]]:
        """The changed inputs as entries, each with its row (a valid form only)."""
        changed = []
        for row in self.rows:
            value = self.parsed.get(row.name)
            old = row.stored.value if row.stored is not None else None
            if value == old:
                continue
            team = self.team if row.name.startswith("t") else None
            where = f"{team.display_name} · {row.indicator.label}" if team is not None else row.indicator.label
            changed.append((row, services.Entry(row.indicator, team, month, value, where=where)))
        return changed


class IndicatorForm(forms.Form):
    """An enterprise's own indicator (services.IndicatorSpec)."""

    name = forms.CharField(label=Indicator._meta.get_field("name").verbose_name, max_length=60)
    name_en = forms.CharField(label=Indicator._meta.get_field("name_en").verbose_name, max_length=60, required=False)
    unit = forms.CharField(
        label=Indicator._meta.get_field("unit").verbose_name,
        max_length=30,
        required=False,
        help_text=gettext_lazy("As the figures are counted: 件, 元, 小时 …; a percent sign makes it a percentage."),
    )
    level = forms.ChoiceField(
        label=gettext_lazy("kept for"),
        choices=Level.choices,
        initial=Level.TEAM,
        help_text=gettext_lazy("Once figures are stored, the level stays."),
    )
    direction = forms.ChoiceField(label=gettext_lazy("which is better"), choices=Direction.choices)
    aggregation = forms.ChoiceField(
        label=Indicator._meta.get_field("aggregation").verbose_name,
        choices=Aggregation.choices,
        initial=Aggregation.MEAN,
        help_text=gettext_lazy("Also how the enterprise's month is made of its teams."),
    )
    decimals = forms.IntegerField(
        label=Indicator._meta.get_field("decimals").verbose_name, min_value=0, max_value=4, initial=0
    )
    plausible_min = forms.DecimalField(
        label=Indicator._meta.get_field("plausible_min").verbose_name,
        max_digits=14,
        decimal_places=4,
        required=False,
        help_text=Indicator._meta.get_field("plausible_min").help_text,
    )
    plausible_max = forms.DecimalField(
        label=Indicator._meta.get_field("plausible_max").verbose_name,
        max_digits=14,
        decimal_places=4,
        required=False,
        help_text=Indicator._meta.get_field("plausible_max").help_text,
    )
    income = forms.BooleanField(
        label=gettext_lazy("An average of pay"),
        required=False,
        help_text=Indicator._meta.get_field("income").help_text,
    )

    @classmethod
    def initial_of(cls, indicator: Indicator) -> dict[str, Any]:
        return {name: getattr(indicator, name) for name in services.IndicatorSpec.__dataclass_fields__}

    def spec(self) -> services.IndicatorSpec:
        return services.IndicatorSpec(**self.cleaned_data)
