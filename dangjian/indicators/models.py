"""Production indicators (ROADMAP C7, DOMAIN.md §5): a production team's or an enterprise's
figures by month — output, quality pass rate, on-time delivery, efficiency, average income,
headcount, and whatever an enterprise adds.

- `Indicator`: a definition, as data. The defaults (enterprise None) are seeded by the migration
  and offered to every enterprise; an enterprise may add its own.
- `Value`: one figure for one team (or the enterprise) and one month. A quarter is derived from
  its months by the indicator's `aggregation`. A correction keeps the old figure (`Revision`);
  a withdrawn figure keeps its row with `value` None, so its history stays.

Income is a team's average monthly pay, never one person's: a team of fewer than
INCOME_MIN_HEADCOUNT people is shown only to the enterprise's own staff (access.permissions).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.organizations.models import Enterprise, ProductionUnit, display_name
from dangjian.text import NO_NUL


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class Level(models.TextChoices):
    TEAM = "team", pgettext_lazy("production", "Production team")
    ENTERPRISE = "enterprise", _("Enterprise")


class Aggregation(models.TextChoices):
    """How a quarter (and an enterprise's month, from its teams) is made of its parts."""

    SUM = "sum", _("sum")
    MEAN = "mean", _("mean")
    WEIGHTED = "weighted", _("mean weighted by headcount")


# The default indicators' codes (seeded by migration 0002); their names are translated here.
OUTPUT, PASS_RATE, ON_TIME, EFFICIENCY, INCOME, HEADCOUNT = (
    "output",
    "pass_rate",
    "on_time",
    "efficiency",
    "income",
    "headcount",
)
DEFAULT_NAMES = {
    OUTPUT: _("Output"),
    PASS_RATE: _("Quality pass rate"),
    ON_TIME: _("On-time delivery"),
    EFFICIENCY: _("Efficiency"),
    INCOME: _("Average monthly income"),
    HEADCOUNT: _("Headcount"),
}
DEFAULT_UNITS = {
    OUTPUT: _("pieces"),
    PASS_RATE: "%",
    ON_TIME: "%",
    EFFICIENCY: _("pieces per worker-hour"),
    INCOME: _("yuan"),
    HEADCOUNT: _("people"),
}
# A team this small has an "average" that is one or two people's pay.
INCOME_MIN_HEADCOUNT = 3


class Indicator(models.Model):
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty for the defaults every enterprise has."),
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=60, validators=[NO_NUL])
    name_en = models.CharField(_("English name"), max_length=60, blank=True, validators=[NO_NUL])
    unit = models.CharField(_("unit"), max_length=30, blank=True, validators=[NO_NUL])
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.TEAM)
    aggregation = models.CharField(
        _("a quarter is the"), max_length=10, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=0)
    plausible_min = models.DecimalField(
        _("plausible from"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("A figure below this asks for a confirmation before it is stored."),
    )
    plausible_max = models.DecimalField(
        _("plausible up to"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("A figure above this asks for a confirmation before it is stored."),
    )
    income = models.BooleanField(
        _("pay"), default=False, help_text=_("An average of pay: a very small team's figure is not shown outside HR.")
    )
    archived = models.BooleanField(_("no longer collected"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(enterprise__isnull=True), name="indicator_default_code"
            ),
            models.UniqueConstraint(fields=["enterprise", "code"], name="indicator_enterprise_code"),
            models.CheckConstraint(
                condition=models.Q(plausible_min__isnull=True)
                | models.Q(plausible_max__isnull=True)
                | models.Q(plausible_min__lte=models.F("plausible_max")),
                name="indicator_plausible_order",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.enterprise_id is None and self.code in DEFAULT_NAMES:
            return str(DEFAULT_NAMES[self.code])
        return display_name(self.name, self.name_en)

    @property
    def unit_label(self) -> str:
        if self.enterprise_id is None and self.code in DEFAULT_UNITS:
            return str(DEFAULT_UNITS[self.code])
        return self.unit

    @property
    def is_percent(self) -> bool:
        return self.unit_label == "%"

    @property
    def shown_decimals(self) -> int:
        """The decimals a figure or a difference is shown with: at least one for a percentage."""
        return max(self.decimals, 1) if self.is_percent else self.decimals

    def plausible(self, value: Decimal) -> bool:
        low, high = self.plausible_min, self.plausible_max
        return (low is None or value >= low) and (high is None or value <= high)

    def audit_org_path(self) -> str:
        return self.enterprise.audit_org_path() if self.enterprise is not None else ""


class Value(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        ProductionUnit,
        verbose_name=pgettext_lazy("production", "Production team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    month = models.DateField(_("month"))  # the first of the month
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True, blank=True)
    confirmed = models.BooleanField(
        _("confirmed outside the plausible range"), default=False
    )  # the figure was outside the indicator's range and its writer confirmed it
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "team", "month"], condition=models.Q(team__isnull=False), name="value_team_month"
            ),
            models.UniqueConstraint(
                fields=["indicator", "enterprise", "month"],
                condition=models.Q(team__isnull=True),
                name="value_enterprise_month",
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "indicator", "month"], name="value_enterprise_ind_month")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.month:%Y-%m}"

    def audit_org_path(self) -> str:
        return self.enterprise.audit_org_path()


class Revision(models.Model):
    """A correction of a stored figure: what it was, what it became, who changed it and why."""

    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="revisions")
    old = models.DecimalField(_("was"), max_digits=14, decimal_places=4, null=True, blank=True)
    new = models.DecimalField(_("became"), max_digits=14, decimal_places=4, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True, validators=[NO_NUL])
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"

    def audit_org_path(self) -> str:
        return self.value.enterprise.audit_org_path()


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)
