"""Forms of branch life: a meeting, inviting a non-member, a committee's frequency rule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.organizations.models import Organization
from dangjian.ui.forms import DateInput, MultipleFileField, uploaded

from . import rules, services
from .models import FrequencyRule, Meeting, MeetingKind, Period

if TYPE_CHECKING:
    from dangjian.people.models import Person


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class MeetingForm(forms.Form):
    """Plan a meeting or record one, for an organisation chosen before: it decides which kinds
    may be chosen and who may host or record."""

    kind = forms.ChoiceField(label=_("kind"), choices=MeetingKind.choices)
    status = forms.ChoiceField(label=_("status"), choices=Meeting.Status.choices, initial=Meeting.Status.PLANNED)
    held_on = forms.DateField(label=_("date"), widget=DateInput())
    starts_at = forms.TimeField(label=_("time"), required=False, widget=TimeInput())
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    topic = forms.CharField(label=_("topic"), max_length=300)
    # The querysets are the organisation's members, set in __init__.
    host: forms.ModelChoiceField[Person] = forms.ModelChoiceField(label=_("host"), queryset=None, required=False)
    recorder: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        label=_("recorder"), queryset=None, required=False
    )
    all_members = forms.BooleanField(
        label=_("everyone's political birthday together"),
        required=False,
        help_text=_("For a collective political birthday: every member is expected, not only this period's cohort."),
    )
    minutes = forms.CharField(label=_("minutes"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    materials = forms.CharField(
        label=_("materials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was read or studied."),
    )
    hours = forms.DecimalField(
        label=_("hours"),
        required=False,
        max_digits=4,
        decimal_places=1,
        min_value=0,
        help_text=_("Length of a lecture or study session. Recorded, never ranked."),
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    attachments = MultipleFileField(label=_("attachments"), help_text=_("Minutes, photos, sign-in sheets; optional."))

    def __init__(self, *args: Any, org: Organization, kind: str | None = None, **kwargs: Any) -> None:
        """`kind`: an existing meeting's, kept among the choices even if the organisation no
        longer holds that kind (a committee meeting after the committee's term)."""
        super().__init__(*args, **kwargs)
        self.org = org
        kinds = rules.kinds_for(org.kind, services.has_committee(org))
        if kind is not None and kind not in kinds:
            kinds = [kind, *kinds]
        cast(forms.ChoiceField, self.fields["kind"]).choices = [(k, MeetingKind(k).label) for k in kinds]
        people = services.members_under(org).order_by("name", "pk")
        for name in ("host", "recorder"):
            cast("forms.ModelChoiceField[Person]", self.fields[name]).queryset = people

    def service_kwargs(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["attachments"] = uploaded(d.pop("attachments"))
        return d


class InviteForm(forms.Form):
    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        label=_("non-member to invite"),
        queryset=None,
        error_messages={"required": _("Choose whom to invite from the list first.")},
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Person]", self.fields["person"]).queryset = people


class FrequencyForm(forms.ModelForm):
    class Meta:
        model = FrequencyRule
        fields = ["period", "times", "day_of_month"]

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        cast(forms.ChoiceField, self.fields["period"]).choices = Period.choices
        if kind != MeetingKind.THEME_DAY:
            del self.fields["day_of_month"]
