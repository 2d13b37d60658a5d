"""Forms of pacesetter selections: a new round (its plan, eligibility and categories), a
nomination, evidence, declining, the committee's review of a result, an objection and its
answer. Choices come from the round and the user's scope; the services check everything again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dangjian.people.models import Person
from dangjian.ui import lookups
from dangjian.ui.forms import DateInput, MultipleFileField, uploaded

from . import rules, selectors
from .models import Builtin, Category, Decision, Eligible, NominationKind, Result, Round
from .services import MAX_FIGURES, CategorySpec

# What each of the four pacesetters honours, offered as the category's description.
BUILTIN_DESCRIPTIONS = {
    Builtin.LEARNING: _("Learns new skills and knowledge and passes them on to the team."),
    Builtin.THINKING: _("Sets an example in thinking and conduct, and brings colleagues together."),
    Builtin.PERFORMANCE: _("Stands out in output, quality and the team's results."),
    Builtin.INCOME: _("Raises their own and their family's income through work and skill."),
}
EXTRA_CATEGORIES = 3  # rows for categories of the round's own
FIGURE_ROWS = 4  # label/value rows offered at a time


class RoundForm(forms.Form):
    """A new round: the enterprise (its party organisation organises), the plan, who may be
    nominated and vote, and the categories (the four pacesetters, each with its places, and
    up to three of the round's own)."""

    enterprise: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("enterprise"), queryset=None)
    title = forms.CharField(label=_("title"), max_length=200)
    opens_on = forms.DateField(label=_("nominations open on"), widget=DateInput)
    evidence_on = forms.DateField(label=_("evidence from"), widget=DateInput)
    vote_on = forms.DateField(label=_("vote opens on"), widget=DateInput)
    vote_until = forms.DateField(label=_("vote closes after"), widget=DateInput)
    notice_on = forms.DateField(label=_("public notice from"), widget=DateInput)
    notice_days = forms.IntegerField(
        label=_("public notice lasts (days)"), min_value=1, max_value=rules.MAX_NOTICE_DAYS, initial=5
    )
    nominees = forms.ChoiceField(label=_("who may be nominated"), choices=Eligible.choices, initial=Eligible.EMPLOYEES)
    voters = forms.ChoiceField(label=_("who may vote"), choices=Eligible.choices, initial=Eligible.EMPLOYEES)

    PLAN = ("opens_on", "evidence_on", "vote_on", "vote_until", "notice_on")

    def __init__(self, *args: Any, user: Any, today: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "title": _("Four pacesetters %(year)d") % {"year": today.year},
                "opens_on": today,
                "evidence_on": today + dt.timedelta(days=7),
                "vote_on": today + dt.timedelta(days=14),
                "vote_until": today + dt.timedelta(days=20),
                "notice_on": today + dt.timedelta(days=23),
            },
        )
        super().__init__(*args, **kwargs)
        lookups.use(self.fields["enterprise"], "enterprise.selection", user)
        self.builtin_rows: list[tuple[Builtin, Any, Any, Any]] = []
        for b in Builtin:
            self.fields[f"use_{b.value}"] = forms.BooleanField(label=b.label, required=False, initial=True)
            self.fields[f"quota_{b.value}"] = forms.IntegerField(
                label=_("places"), min_value=1, max_value=rules.MAX_QUOTA, initial=1, required=False
            )
            self.fields[f"desc_{b.value}"] = forms.CharField(
                label=_("what it honours"), max_length=300, required=False, initial=BUILTIN_DESCRIPTIONS[b]
            )
            self.builtin_rows.append((b, self[f"use_{b.value}"], self[f"quota_{b.value}"], self[f"desc_{b.value}"]))
        self.extra_rows: list[tuple[Any, Any, Any]] = []
        for i in range(EXTRA_CATEGORIES):
            self.fields[f"extra_name_{i}"] = forms.CharField(label=_("category"), max_length=100, required=False)
            self.fields[f"extra_quota_{i}"] = forms.IntegerField(
                label=_("places"), min_value=1, max_value=rules.MAX_QUOTA, required=False
            )
            self.fields[f"extra_desc_{i}"] = forms.CharField(label=_("what it honours"), max_length=300, required=False)
            self.extra_rows.append((self[f"extra_name_{i}"], self[f"extra_quota_{i}"], self[f"extra_desc_{i}"]))

    def plan_fields(self) -> list[Any]:
        return [self[name] for name in ("title", *self.PLAN, "notice_days", "nominees", "voters")]

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if all(d.get(name) for name in self.PLAN):
            for field, problem in rules.plan_problems(*(d[name] for name in self.PLAN)).items():
                self.add_error(field, problem)
        seen: dict[str, str] = {}
        for b in Builtin:
            if d.get(f"use_{b.value}"):
                seen[str(b.label)] = f"use_{b.value}"
                if not d.get(f"quota_{b.value}"):
                    self.add_error(f"quota_{b.value}", _("Give the number of places, from 1."))
        for i in range(EXTRA_CATEGORIES):
            name = (d.get(f"extra_name_{i}") or "").strip()
            if not name:
                if d.get(f"extra_quota_{i}") or (d.get(f"extra_desc_{i}") or "").strip():
                    self.add_error(f"extra_name_{i}", _("Name the category, or leave its row empty."))
                continue
            if name in seen:
                self.add_error(
                    f"extra_name_{i}", _("“%(name)s” is listed already: each category once.") % {"name": name}
                )
            seen[name] = f"extra_name_{i}"
        if not seen and not self.errors:
            self.add_error(None, _("A round needs at least one category: tick a pacesetter or name one of your own."))
        return d

    def categories(self) -> list[CategorySpec]:
        d = self.cleaned_data
        specs = [
            CategorySpec(
                name=str(b.label), quota=d[f"quota_{b.value}"], description=d[f"desc_{b.value}"], builtin=b.value
            )
            for b in Builtin
            if d.get(f"use_{b.value}")
        ]
        for i in range(EXTRA_CATEGORIES):
            name = (d.get(f"extra_name_{i}") or "").strip()
            if name:
                specs.append(
                    CategorySpec(name=name, quota=d.get(f"extra_quota_{i}") or 1, description=d[f"extra_desc_{i}"])
                )
        return specs

    def plan(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {name: d[name] for name in (*self.PLAN, "title", "notice_days", "nominees", "voters")}


class NominationForm(forms.Form):
    """A nomination in one round: the category, how (oneself, a colleague, the team's leader,
    the organiser), whom (the round's nominee eligibility), and why."""

    category = forms.ModelChoiceField(label=_("category"), queryset=Category.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label=_("nomination"))
    nominee = forms.ModelChoiceField(
        label=_("nominee"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Whom you nominate; for a self-nomination leave it empty."),
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A sentence or two: what the person did and why it deserves the title."),
    )

    def __init__(self, *args: Any, round: Round, user: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round = round
        self.person = getattr(user, "person", None)
        self.fields["category"].queryset = round.categories.all()  # type: ignore[attr-defined]
        self.fields["kind"].choices = [(k, NominationKind(k).label) for k in kinds]  # type: ignore[attr-defined]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
        eligible: QuerySet[Person] = (
            selectors.eligible(round, round.nominees).select_related("team").order_by("name", "pk")
        )
        lookups.use(self.fields["nominee"], "person.nominee", user, queryset=eligible)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if d.get("kind") == NominationKind.SELF:
            if self.person is None:
                self.add_error("kind", _("Only a person with their own record nominates themselves."))
            else:
                d["nominee"] = self.person
        elif d.get("kind") and d.get("nominee") is None and "nominee" not in self.errors:
            self.add_error("nominee", _("Choose whom you nominate."))
        return d


class EvidenceForm(forms.Form):
    """Evidence for a nomination: what the person did, figures as label and value, files."""

    text = forms.CharField(
        label=_("evidence"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the person did, when, and with what result."),
    )
    attachments = MultipleFileField(
        label=_("files"),
        required=False,
        help_text=_(
            "Up to 6 files, kept sealed; everyone who reads the round may open them (each opening is recorded)."
            " Attach no ID card or bank statement."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.figure_rows: list[tuple[Any, Any]] = []
        for i in range(FIGURE_ROWS):
            self.fields[f"figure_label_{i}"] = forms.CharField(
                label=_("figure"),
                max_length=100,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": _("figure"), "aria-label": _("figure")}),
            )
            self.fields[f"figure_value_{i}"] = forms.CharField(
                label=_("value"),
                max_length=100,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": _("value"), "aria-label": _("value")}),
            )
            self.figure_rows.append((self[f"figure_label_{i}"], self[f"figure_value_{i}"]))

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        figures = []
        for i in range(FIGURE_ROWS):
            label = (d.get(f"figure_label_{i}") or "").strip()
            value = (d.get(f"figure_value_{i}") or "").strip()
            if label and value:
                figures.append({"label": label, "value": value})
            elif label:
                self.add_error(f"figure_value_{i}", _("Give the figure's value, e.g. “40,000 yuan”."))
            elif value:
                self.add_error(f"figure_label_{i}", _("Say what the figure is, e.g. “household savings”."))
        d["figures"] = figures[:MAX_FIGURES]
        d["attachments"] = uploaded(d.get("attachments") or [])
        return d


class DeclineForm(forms.Form):
    note = forms.CharField(
        label=_("why you decline (optional)"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(forms.Form):
    """The committee's decision on one result."""

    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[(Decision.CONFIRMED, Decision.CONFIRMED.label), (Decision.SET_ASIDE, Decision.SET_ASIDE.label)],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)

    def __init__(self, *args: Any, result: Result, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"r{result.pk}")
        if result.decision != Decision.PENDING:
            kwargs.setdefault("initial", {"decision": result.decision, "reason": result.reason})
        super().__init__(*args, **kwargs)
        self.result = result


class ObjectionForm(forms.Form):
    result = forms.ModelChoiceField(
        label=_("about"),
        queryset=Result.objects.none(),
        required=False,
        empty_label=_("the round as a whole"),
    )
    text = forms.CharField(
        label=_("objection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Whom it concerns and what is wrong; the organiser answers every objection before the announcement."
        ),
    )

    def __init__(self, *args: Any, winners: QuerySet[Result], **kwargs: Any) -> None:
        kwargs["prefix"] = "objection"
        super().__init__(*args, **kwargs)
        self.fields["result"].queryset = winners  # type: ignore[attr-defined]
        self.fields["result"].label_from_instance = _winner_label  # type: ignore[attr-defined]


def _winner_label(res: Result) -> str:
    return f"{res.nomination.nominee.name} · {res.category.name}"


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, objection_id: int, **kwargs: Any) -> None:
        kwargs["prefix"] = f"o{objection_id}"
        super().__init__(*args, **kwargs)
