"""Forms of the vote: the ballot (one choice per category, or none), a teller's reading of a
paper ballot, the codes a voter types (a ballot sheet's, a receipt's), the organiser's filter of
the roll for printing ballot sheets and the number of blank paper ballots to print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.ballots.models import Question
from dangjian.organizations.models import ProductionUnit

NO_CHOICE = "none"
MAX_BLANK_BALLOTS = 300


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    nomination_id: int | None  # the nomination an option stands for (None: "no choice")


def field_name(question: Question) -> str:
    return f"q{question.pk}"


class BallotForm(forms.Form):
    """One radio group per question (a category): its nominees and "no choice". Every question
    is answered, so a category is never left out by a slip of the thumb; "no choice" is a blank
    for that category."""

    def __init__(self, questions: Sequence[Question], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            options = list(q.options.all())
            self.fields[field_name(q)] = forms.ChoiceField(
                label=q.label,
                choices=[(str(o.pk), o.label) for o in options] + [(NO_CHOICE, _("No choice"))],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose one nominee for “%(category)s”, or “No choice”.") % {"category": q.label}
                },
            )

    def groups(self) -> list[tuple[Question, forms.BoundField, list[Choice]]]:
        """Each question with its field and its choices, in the ballot's order, for the page."""
        out = []
        for q in self.questions:
            choices = [Choice(str(o.pk), o.label, int(o.ref) if o.ref.isdigit() else None) for o in q.options.all()]
            choices.append(Choice(NO_CHOICE, _("No choice"), None))
            out.append((q, self[field_name(q)], choices))
        return out

    def choices(self) -> dict[int, int | None]:
        """What the ballot chose: question id → option id, or None for "no choice"."""
        out: dict[int, int | None] = {}
        for q in self.questions:
            value = self.cleaned_data[field_name(q)]
            out[q.pk] = None if value == NO_CHOICE else int(value)
        return out

    def summary(self) -> list[tuple[str, str]]:
        """Each category with what was chosen, as the voter reads it back before casting."""
        labels = {str(o.pk): o.label for q in self.questions for o in q.options.all()}
        return [(q.label, labels.get(self.cleaned_data[field_name(q)], _("No choice"))) for q in self.questions]

    def hidden_values(self) -> list[tuple[str, str]]:
        """The choices as hidden fields of the confirmation step."""
        return [(field_name(q), self.cleaned_data[field_name(q)]) for q in self.questions]


class PaperForm(BallotForm):
    """A teller's reading of one paper ballot: the number the tellers wrote on the sheet and
    what it marks in each category (a category left unmarked or spoilt: "No choice")."""

    def __init__(self, questions: Sequence[Question], *args: Any, **kwargs: Any) -> None:
        super().__init__(questions, *args, **kwargs)
        self.fields = {
            "sheet_no": forms.IntegerField(
                label=gettext_lazy("sheet number"),
                min_value=1,
                max_value=99999,
                help_text=gettext_lazy("The number the tellers wrote on the paper ballot when the box was opened."),
            ),
            **self.fields,
        }


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Ballot code"),
        max_length=40,
        help_text=gettext_lazy("The code printed on your ballot sheet, e.g. 4K7T-0QXM-92HD-P3RW."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=gettext_lazy("Receipt code"),
        max_length=40,
        help_text=gettext_lazy("The code you were shown when you voted, e.g. 7M2Q-XK9D-40TB."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class RollFilter(forms.Form):
    """The organiser's filter of the roll's voters who have not voted: a name, a team."""

    q = forms.CharField(label=gettext_lazy("name"), max_length=50, required=False)
    team: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("production team"), queryset=None, required=False
    )

    def __init__(self, *args: Any, teams: QuerySet[ProductionUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The field is a ModelChoiceField; `fields` is typed as plain fields.
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]

    def values(self) -> tuple[str, int | None]:
        """The name searched and the team's id, or nothing of what did not validate."""
        if not self.is_bound or not self.is_valid():
            return "", None
        team = self.cleaned_data.get("team")
        return self.cleaned_data.get("q") or "", team.pk if team is not None else None


class BlankBallotsForm(forms.Form):
    n = forms.IntegerField(
        label=gettext_lazy("how many"),
        min_value=1,
        max_value=MAX_BLANK_BALLOTS,
        initial=50,
    )
