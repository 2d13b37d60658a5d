"""Forms of branch ratings: a scheme (its criteria as rows), a round, the branches that stand in
it. The rules live in the services; a form only gathers what the user typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Measure, Method, RatingScheme

CRITERIA_ROWS = 12


class SchemeForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=60)
    title = forms.CharField(
        label=_("title awarded"), max_length=60, help_text=_("What a branch that passes is called.")
    )
    description = forms.CharField(label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(label=_("offered for new rounds"), required=False, initial=True)

    FIELDS = ("group", "name", "weight", "method", "measure", "target")

    def __init__(self, *args: Any, criteria: list[dict[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = criteria or []
        self.rows = []
        for i in range(max(CRITERIA_ROWS, len(given) + 2)):
            row = {
                f: (self.data.get(f"c{i}-{f}") if self.is_bound else (given[i].get(f) if i < len(given) else ""))
                for f in self.FIELDS
            }
            self.rows.append({"i": i, **{k: ("" if v is None else v) for k, v in row.items()}})

    def criteria(self) -> list[dict[str, Any]]:
        return [{f: r[f] for f in self.FIELDS} for r in self.rows if str(r["name"]).strip()]

    methods = Method.choices
    measures = Measure.choices


class RoundForm(forms.Form):
    scheme: forms.ModelChoiceField[RatingScheme] = forms.ModelChoiceField(
        label=_("scheme"), queryset=RatingScheme.objects.none()
    )
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    counted_on = forms.DateField(
        label=_("figures counted as of"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Counted criteria read the records of the year up to this day, once, and keep them."),
    )
    pass_mark = forms.DecimalField(
        label=_("pass mark (points)"), min_value=1, max_value=100, decimal_places=1, initial=85
    )

    def __init__(self, *args: Any, schemes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes  # type: ignore[attr-defined]
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["counted_on"].initial = today
