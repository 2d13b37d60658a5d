"""Forms of the democratic appraisal: a new round (the branch, the year, the plan), inviting a
representative, a self-assessment, a comment on a member, the rating's ballot (one grade or
none per graded member), the committee's proposed grades and a follow-up. Choices come from the
round and the user's scope; the services check everything again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.ballots.models import Question
from dangjian.ui import lookups
from dangjian.ui.forms import DateInput

from .models import Grade, Participant

NO_CHOICE = "none"


class RoundForm(forms.Form):
    organization: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("party branch"), queryset=None
    )
    year = forms.IntegerField(label=gettext_lazy("year"), min_value=2000, max_value=2100)
    self_until = forms.DateField(label=gettext_lazy("self-assessments written by"), widget=DateInput)
    mutual_until = forms.DateField(label=gettext_lazy("mutual assessment until"), widget=DateInput)
    vote_until = forms.DateField(label=gettext_lazy("rating closes after"), widget=DateInput)
    meeting_on = forms.DateField(label=gettext_lazy("general meeting on"), widget=DateInput)

    def __init__(self, *args: Any, user: Any, today: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "year": today.year,
                "self_until": today + dt.timedelta(days=10),
                "mutual_until": today + dt.timedelta(days=17),
                "vote_until": today + dt.timedelta(days=20),
                "meeting_on": today + dt.timedelta(days=24),
            },
        )
        super().__init__(*args, **kwargs)
        lookups.use(self.fields["organization"], "org.appraisal", user)


class InviteForm(forms.Form):
    person: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("representative of the workers"), queryset=None
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lookups.use(self.fields["person"], "person.representative", user)


class SelfAssessmentForm(forms.Form):
    self_assessment = forms.CharField(
        label=gettext_lazy("self-assessment"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy(
            "Your political study, your work and your example as a member this year, and what you will improve."
        ),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("your comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Signed with your name: strengths, and what the member could do better."),
    )


class FollowUpForm(forms.Form):
    follow_up = forms.CharField(
        label=gettext_lazy("organisational follow-up"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The decision as taken, e.g. correction within a time limit and who helps."),
    )


def _grade_choices() -> list[tuple[str, str]]:
    return [(g.value, str(g.label)) for g in Grade]


class ProposalForm(forms.Form):
    """A grade for every graded member (the committee's proposal)."""

    def __init__(self, graded: Sequence[Participant], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.graded = list(graded)
        for p in self.graded:
            self.fields[f"g{p.pk}"] = forms.ChoiceField(
                label=p.person.name,
                choices=[("", "—"), *_grade_choices()],
                initial=p.proposed_grade,
                required=False,
            )

    def rows(self) -> list[tuple[Participant, Any]]:
        return [(p, self[f"g{p.pk}"]) for p in self.graded]

    def grades(self) -> dict[int, str]:
        """The grades given (a member left without one is the service's refusal to word)."""
        return {p.pk: self.cleaned_data[f"g{p.pk}"] for p in self.graded if self.cleaned_data.get(f"g{p.pk}")}


def _label(option: Any) -> str:
    """A grade in the voter's language (the poll keeps the labels of the day it opened)."""
    return str(Grade(option.ref).label) if option.ref in Grade.values else str(option.label)


class BallotForm(forms.Form):
    """One radio group per graded member: the four grades and "No choice" (a blank for that
    member). Every member is answered, so nobody is left out by a slip of the thumb."""

    def __init__(self, questions: Sequence[Question], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            self.fields[f"q{q.pk}"] = forms.ChoiceField(
                label=q.label,
                choices=[(str(o.pk), _label(o)) for o in q.options.all()] + [(NO_CHOICE, _("No choice"))],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a grade for %(name)s, or “No choice”.") % {"name": q.label}},
            )

    def groups(self) -> list[tuple[Question, Any]]:
        return [(q, self[f"q{q.pk}"]) for q in self.questions]

    def choices(self) -> dict[int, int | None]:
        out: dict[int, int | None] = {}
        for q in self.questions:
            value = self.cleaned_data[f"q{q.pk}"]
            out[q.pk] = None if value == NO_CHOICE else int(value)
        return out

    def summary(self) -> list[tuple[str, str]]:
        labels = {str(o.pk): _label(o) for q in self.questions for o in q.options.all()}
        return [(q.label, labels.get(self.cleaned_data[f"q{q.pk}"], _("No choice"))) for q in self.questions]

    def hidden_values(self) -> list[tuple[str, str]]:
        return [(f"q{q.pk}", self.cleaned_data[f"q{q.pk}"]) for q in self.questions]


class PaperForm(BallotForm):
    """A teller's reading of one paper rating sheet: the number the tellers wrote on it and the
    grade it marks for each member (unmarked or spoilt: "No choice")."""

    def __init__(self, questions: Sequence[Question], *args: Any, **kwargs: Any) -> None:
        super().__init__(questions, *args, **kwargs)
        self.fields = {
            "sheet_no": forms.IntegerField(
                label=gettext_lazy("sheet number"),
                min_value=1,
                max_value=99999,
                help_text=gettext_lazy("The number the tellers wrote on the paper sheet when the box was opened."),
            ),
            **self.fields,
        }
