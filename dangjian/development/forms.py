"""Forms for membership development. They collect what a step needs; whether it may be recorded
is for `development.rules`, through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.ui import lookups
from dangjian.ui.forms import DateInput, ModelMultipleChoiceField, MultipleFileField, uploaded

from . import rules
from .models import DevelopmentConfig
from .selectors import DECISIONS, RECOMMENDED_BY

if TYPE_CHECKING:
    from dangjian.organizations.models import Organization
    from dangjian.people.models import Person


def _step_label(n: int) -> str:
    return f"{n}. {rules.STEPS[n].label}"


def step_choices(
    history: Sequence[rules.Done], due: Sequence[rules.Due], exclude: Collection[int] = frozenset()
) -> list[Any]:
    """The steps that may come next first, then the other steps still open: choosing one of those
    makes the rules say what has to come first and from when it becomes possible. Steps in
    `exclude` (another body's to record) are not offered; the list of what is due still shows them."""
    next_ = [d.number for d in due if d.number not in exclude]
    done = {d.number for d in history}
    later = [
        n
        for n, s in rules.STEPS.items()
        if n != 1 and not s.automatic and (n not in done or s.repeatable) and n not in next_ and n not in exclude
    ]
    if rules.stage_of(history) == rules.CLOSED:
        later = []
    groups: list[Any] = []
    if next_:
        groups.append((_("Next steps"), [(n, _step_label(n)) for n in next_]))
    if later:
        groups.append((_("Later steps"), [(n, _step_label(n)) for n in later]))
    return groups


class StepForm(forms.Form):
    """Record one step: the common fields, and those the chosen step needs."""

    step = forms.TypedChoiceField(label=_("step"), coerce=int)
    done_on = forms.DateField(label=_("date"), widget=DateInput())
    acted_by = forms.CharField(
        label=_("done by"), max_length=200, required=False, help_text=_("Who took the step: a name or a body.")
    )

    def __init__(
        self,
        *args: Any,
        history: Sequence[rules.Done],
        due: Sequence[rules.Due],
        full_members: Any,
        step: Any = None,
        reload_url: str = "",
        carry: Any = None,
        exclude: Collection[int] = frozenset(),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = step_choices(history, due, exclude)
        cast(forms.TypedChoiceField, self.fields["step"]).choices = choices  # declared above
        if reload_url:
            # Choosing another step brings that step's fields (the form is swapped, not posted).
            self.fields["step"].widget.attrs.update(
                {
                    "hx-get": reload_url,
                    "hx-target": "#record-form",
                    "hx-swap": "outerHTML",
                    "hx-trigger": "change",
                    "hx-include": "#record-form [name=done_on], #record-form [name=acted_by]",
                }
            )
        allowed = {n for _g, options in choices for n, _l in options}
        wanted = self.data.get("step") if self.is_bound else step
        try:
            self.number = int(wanted) if wanted not in (None, "") else None
        except (TypeError, ValueError):
            self.number = None
        if self.number not in allowed:
            first_due = [d.number for d in due if d.number in allowed]
            self.number = first_due[0] if first_due else (min(allowed) if allowed else None)
        self.initial.setdefault("step", self.number)
        self.initial.setdefault("done_on", timezone.localdate())
        if not self.is_bound and carry:
            # What was typed before another step was chosen stays.
            for key in ("done_on", "acted_by"):
                if carry.get(key):
                    self.initial[key] = carry[key]
        if self.number is not None:
            self.fields["acted_by"].widget.attrs["placeholder"] = str(rules.STEPS[self.number].actor)
            self._add_step_fields(self.number, full_members)
        self.fields["note"] = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
        self.fields["documents"] = MultipleFileField(
            label=_("documents"), help_text=_("Scanned forms, reports or minutes; several files may be chosen.")
        )

    def _add_step_fields(self, n: int, full_members: Any) -> None:
        f = self.fields
        if n == 3:
            f["recommended_by"] = forms.ChoiceField(
                label=_("recommended by"), required=False, choices=[("", "—"), *RECOMMENDED_BY.items()]
            )
        elif n == 5:
            f["contacts"] = ModelMultipleChoiceField(
                label=_("cultivation contacts"),
                queryset=full_members,
                required=False,
                help_text=_("One or two full members of the branch."),
            )
        elif n == 9:
            f["sponsors"] = ModelMultipleChoiceField(
                label=_("sponsors"),
                queryset=full_members,
                required=False,
                help_text=_("Two full members of the branch."),
            )
        elif n == 10:
            f["conclusion"] = forms.CharField(
                label=_("political review conclusion"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Stored encrypted; shown only to roles that may see sensitive information."),
            )
        elif n == 11:
            f["days"] = forms.FloatField(label=_("training days"), required=False, min_value=0)
            f["hours"] = forms.FloatField(label=_("class hours"), required=False, min_value=0)
        elif n == 13:
            f["notice_from"] = forms.DateField(label=_("public notice from"), widget=DateInput())
            f["notice_to"] = forms.DateField(label=_("public notice until"), widget=DateInput())
        elif n in rules.VOTES:
            f["entitled"] = forms.IntegerField(
                label=_("full members entitled to vote"),
                min_value=0,
                help_text=_("Probationary members have no vote."),
            )
            f["present"] = forms.IntegerField(label=_("members entitled to vote present"), min_value=0)
            f["yes"] = forms.IntegerField(label=_("yes votes"), min_value=0)
            f["written_yes"] = forms.IntegerField(
                label=_("written yes opinions of absent members"), min_value=0, required=False
            )
            f["fewer_reason"] = forms.CharField(
                label=_("why fewer than the branch's full members are entitled"),
                required=False,
                max_length=200,
                help_text=_("Only when some full members had no vote that day, e.g. voting rights suspended."),
            )
        elif n == 24:
            f["decision"] = forms.ChoiceField(label=_("decision"), choices=[("", "—"), *DECISIONS.items()])
            f["months"] = forms.IntegerField(
                label=_("extension (months)"), required=False, min_value=1, help_text=_("6 to 12 months.")
            )

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        data: dict[str, Any] = {}
        for key in ("recommended_by", "notice_from", "notice_to", "decision", "fewer_reason"):
            if d.get(key):
                data[key] = d[key]
        for key in ("contacts", "sponsors"):
            if key in d:
                data[key] = [p.pk for p in d[key]]
        for key in ("days", "hours", "entitled", "present", "yes", "written_yes", "months"):
            if d.get(key) is not None:
                data[key] = d[key]
        return {
            "number": d["step"],
            "done_on": d["done_on"],
            "data": data,
            "acted_by": d.get("acted_by", ""),
            "note": d.get("note", ""),
            "conclusion": d.get("conclusion", ""),
            "documents": uploaded(d.get("documents")),
        }


class ApplicationForm(forms.Form):
    """A paper application handed to the branch, recorded by its secretary."""

    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(label=_("applicant"), queryset=None)
    organization: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label=_("party organisation"),
        queryset=None,
        required=False,
        empty_label=_("The employer's party organisation"),
    )
    applied_on = forms.DateField(label=_("application received on"), widget=DateInput())
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    documents = MultipleFileField(label=_("scanned application"), help_text=_("Optional."))

    def __init__(self, *args: Any, people: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lookups.use(self.fields["person"], "person.applicant", None, people.select_related("employer"))
        lookups.use(self.fields["organization"], "org.application", None, orgs)
        self.initial.setdefault("applied_on", timezone.localdate())
        self._orgs = orgs

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        person = data.get("person")
        if person is not None and not data.get("organization"):
            org = self._orgs.filter(pk=person.employer.party_org_id).first() if person.employer_id else None
            if org is None:
                self.add_error(
                    "organization",
                    _("The employer's party organisation is not one you keep applications for: choose one."),
                )
            data["organization"] = org
        return data


class OnlineApplicationForm(forms.Form):
    """An employee applies to join online: the written application typed or uploaded."""

    text = forms.CharField(
        label=_("your written application"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Why you want to join the Party; or upload the signed application below."),
    )
    documents = MultipleFileField(label=_("signed application (scan or photo)"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not (data.get("text") or "").strip() and not data.get("documents"):
            raise forms.ValidationError(_("Write your application or upload it."))
        return data


class WithdrawForm(forms.Form):
    on = forms.DateField(label=_("date"), widget=DateInput())
    reason = forms.CharField(label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())

    def clean_on(self) -> dt.date:
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return on


class ConfigForm(forms.ModelForm):
    class Meta:
        model = DevelopmentConfig
        fields = [
            "notice_min_days",
            "notice_max_days",
            "thought_report_months",
            "conversion_prompt_days",
            "birthday_basis",
        ]
