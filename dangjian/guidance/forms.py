"""Forms of county guidance: a visit (on a phone at the enterprise), a problem found on it, its
closing, a committee's settings, an instructor's appraisal and the enterprise's opinion of them. Choices come from the county's settings and the enterprise's
role holders; the services check them again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.calendar import PeriodKind
from dangjian.ui.forms import DateInput, MultipleFileField, uploaded

from . import selectors
from .models import Grade, GuidanceConfig, OwnerRole, Rating, Topic


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("visited on"), widget=DateInput)
    minutes = forms.IntegerField(label=_("duration (minutes)"), min_value=1, max_value=24 * 60, initial=60)
    met = forms.CharField(
        label=_("whom they met"), max_length=300, help_text=_("Names or roles: the secretary, the HR manager, workers.")
    )
    topics = forms.MultipleChoiceField(label=_("topics"), required=False, widget=forms.CheckboxSelectMultiple)
    other_topics = forms.CharField(label=_("other topics"), max_length=300, required=False)
    notes = forms.CharField(
        label=_("what was done and found"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = MultipleFileField(label=_("photos"), required=False, help_text=_("Up to 6 pictures; kept sealed."))

    def __init__(self, *args: Any, config: GuidanceConfig, extra_topics: list[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        topics = list(dict.fromkeys([*config.topics, *(extra_topics or [])]))
        self.fields["topics"].choices = [(t, selectors.topic_label(t)) for t in topics]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        d["photos"] = uploaded(d.get("photos") or [])
        return d


class FollowUpForm(forms.Form):
    problem = forms.CharField(label=_("problem found"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.TypedChoiceField(label=_("in the hands of"), coerce=int)
    due_on = forms.DateField(label=_("due on"), widget=DateInput)

    def __init__(self, *args: Any, owners: list[tuple[Any, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.owners = {u.pk: u for u, _role in owners}
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            (u.pk, f"{selectors.user_name(u)} · {OwnerRole(role).label}") for u, role in owners
        ]

    def clean_owner(self) -> Any:
        return self.owners[self.cleaned_data["owner"]]


class CloseForm(forms.Form):
    note = forms.CharField(label=_("how it was resolved"), widget=forms.Textarea(attrs={"rows": 3}))
    closed_on = forms.DateField(label=_("closed on"), widget=DateInput)


class ConfigForm(forms.Form):
    visit_period = forms.ChoiceField(
        label=_("an instructor visits each enterprise at least once a"), choices=PeriodKind.choices
    )
    builtin = forms.MultipleChoiceField(
        label=_("topics of a visit"), required=False, widget=forms.CheckboxSelectMultiple, choices=Topic.choices
    )
    own = forms.CharField(
        label=_("the county's own topics"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line."),
    )
    excellent_cap = forms.IntegerField(
        label=_("at most this share of instructors rated Excellent (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Of the instructors the county appraises in a year, rounded down; empty: no limit."),
    )

    @staticmethod
    def initial_for(config: GuidanceConfig) -> dict[str, Any]:
        return {
            "excellent_cap": config.excellent_cap,
            "visit_period": config.visit_period,
            "builtin": [t for t in config.topics if t in Topic.values],
            "own": "\n".join(t for t in config.topics if t not in Topic.values),
        }

    def topics(self) -> list[str]:
        d = self.cleaned_data
        return [*d.get("builtin", []), *(line for line in d.get("own", "").splitlines() if line.strip())]


class AppraisalForm(forms.Form):
    grade = forms.ChoiceField(label=_("grade"), choices=Grade.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("comment"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OpinionForm(forms.Form):
    rating = forms.ChoiceField(label=_("rating"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What they did for the enterprise this year, and what could be better."),
    )
