"""The dues' forms: thin, the services validate (and explain) what the fields cannot."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.ui.forms import read_month

from . import rules
from .models import Category, Relief


class MonthField(forms.CharField):
    """A month written YYYY-MM (an <input type="month">), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        month, error = read_month(text, rules.month_of(timezone.localdate()))
        if error:
            raise forms.ValidationError(error)
        return month


MONEY_ATTRS = {"inputmode": "decimal", "step": "0.01"}


class BaseForm(forms.Form):
    month = MonthField(label=gettext_lazy("from month"))
    category = forms.ChoiceField(label=gettext_lazy("category"), choices=Category.choices)
    base_pay = forms.DecimalField(
        label=gettext_lazy("monthly base pay (after tax, yuan)"),
        required=False,
        decimal_places=2,
        max_digits=12,
        widget=forms.NumberInput(attrs=MONEY_ATTRS),
        help_text=gettext_lazy("The regular monthly pay after tax; not needed for a fixed amount."),
    )
    chosen_amount = forms.DecimalField(
        label=gettext_lazy("chosen monthly amount (farmers, 0.20–1.00 yuan)"),
        required=False,
        decimal_places=2,
        max_digits=12,
        widget=forms.NumberInput(attrs=MONEY_ATTRS),
    )


class PaymentForm(forms.Form):
    first_month = MonthField(label=gettext_lazy("first month"))
    months = forms.IntegerField(
        label=gettext_lazy("months (more than one: in advance)"),
        min_value=1,
        max_value=rules.MAX_ADVANCE_MONTHS,
        initial=1,
    )
    paid_on = forms.DateField(label=gettext_lazy("paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    paid_by: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("paid on the member's behalf by (代缴)"), queryset=None, required=False
    )
    note = forms.CharField(label=gettext_lazy("note"), max_length=200, required=False)

    def __init__(self, *args: Any, payers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["paid_by"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = payers


class VoluntaryForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("amount (yuan)"),
        decimal_places=2,
        max_digits=12,
        widget=forms.NumberInput(attrs=MONEY_ATTRS),
    )
    paid_on = forms.DateField(label=gettext_lazy("paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("note"), max_length=200, required=False)


class ReliefForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=Relief.Kind.choices)
    amount = forms.DecimalField(
        label=gettext_lazy("reduced monthly amount (yuan)"),
        required=False,
        decimal_places=2,
        max_digits=12,
        widget=forms.NumberInput(attrs=MONEY_ATTRS),
    )
    first_month = MonthField(label=gettext_lazy("first month"))
    last_month = MonthField(label=gettext_lazy("last month"))
    reason = forms.CharField(label=gettext_lazy("reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    approved_by = forms.ChoiceField(label=gettext_lazy("approved by"), choices=Relief.Body.choices)
    approved_on = forms.DateField(label=gettext_lazy("approved on"), widget=forms.DateInput(attrs={"type": "date"}))


class HandoverForm(forms.Form):
    month = MonthField(label=gettext_lazy("month"))
    amount = forms.DecimalField(
        label=gettext_lazy("amount handed upward (yuan)"),
        decimal_places=2,
        max_digits=12,
        widget=forms.NumberInput(attrs=MONEY_ATTRS),
    )
    handed_on = forms.DateField(label=gettext_lazy("handed on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("note"), max_length=200, required=False)


class BandSetForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("category"), choices=Category.choices)
    effective_from = MonthField(label=gettext_lazy("effective from (a month to come)"))
    bands = forms.CharField(
        label=gettext_lazy("bands, one a line"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Each line: the upper limit of the base (empty for the last band), the rate in percent (0.5 is half a "
            "percent) or a fixed amount, separated by commas. E.g. “3000, 0.5%” … “, 2%”; “, , 0.20, 1.00” for a "
            "fixed range."
        ),
    )

    def clean_bands(self) -> list[tuple[str, str, str, str]]:
        rows: list[tuple[str, str, str, str]] = []
        for line in str(self.cleaned_data["bands"]).splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            parts += [""] * (4 - len(parts))
            if len(parts) > 4:
                raise forms.ValidationError(
                    _("A line has at most four values: upper limit, rate, fixed, highest fixed.")
                )
            rate = parts[1]
            if rate:
                try:
                    rate = str(rules.rate_of_percent(rate))
                except ValueError:
                    raise forms.ValidationError(
                        _(
                            "“%(rate)s” is not a rate: write the percent as a number, e.g. 0.5 or 0.5%% for half a percent."
                        )
                        % {"rate": parts[1][:20]}
                    ) from None
            rows.append((parts[0], rate, parts[2], parts[3]))
        if not rows:
            raise forms.ValidationError(_("Enter at least one band."))
        return rows


class ReopenForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("reason for reopening"), max_length=300)
