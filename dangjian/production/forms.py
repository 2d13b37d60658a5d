"""Forms of party building in production, each for an organisation chosen before: its members
and its enterprises' teams and employees are the choices (the services check them again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.choices import PARTY_MEMBER_STATUSES, PoliticalStatus
from dangjian.organizations.models import Organization, OrgKind, ProductionUnit, UnitKind
from dangjian.organizations.selectors import teams_of
from dangjian.people.models import Person
from dangjian.ui.forms import DateInput, ModelMultipleChoiceField

from . import selectors
from .models import PostKind, Purpose, Result


def _members(org: Organization) -> QuerySet[Person]:
    return (
        Person.objects.filter(party_org__path__startswith=org.path, political_status__in=PARTY_MEMBER_STATUSES)
        .select_related("employer")
        .order_by("name", "pk")
    )


def _employees(org: Organization) -> QuerySet[Person]:
    return (
        Person.objects.filter(employer__in=selectors.enterprises_kept(org))
        .select_related("employer")
        .order_by("name", "pk")
    )


def _teams(org: Organization) -> QuerySet[ProductionUnit]:
    return (
        teams_of(selectors.enterprises_kept(org))
        .select_related("parent")
        .order_by("enterprise__name", "parent__name_key", "name_key")
    )


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.picker_label)


class PeopleChoice(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.picker_label)


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        parent = f"{obj.parent.display_name} · " if obj.parent_id else ""
        return f"{obj.enterprise.display_name} · {parent}{obj.display_name}"


class ChargeForm(forms.Form):
    team = UnitChoice(label=pgettext_lazy("production", "production team"), queryset=ProductionUnit.objects.none())
    member = PersonChoice(label=_("responsible member"), queryset=Person.objects.none())
    group = forms.ModelChoiceField(
        label=_("party group"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("When a party group takes the team in charge; the member is its lead."),
    )
    started_on = forms.DateField(label=_("from"), widget=DateInput())

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.org = org
        self.fields["team"].queryset = _teams(org)  # type: ignore[attr-defined]
        self.fields["member"].queryset = _members(org)  # type: ignore[attr-defined]
        self.fields["group"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            kind=OrgKind.PARTY_GROUP, path__startswith=org.path
        )


class HandOverForm(forms.Form):
    member = PersonChoice(label=_("new responsible member"), queryset=Person.objects.none())
    on = forms.DateField(label=_("from"), widget=DateInput())

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _members(org)  # type: ignore[attr-defined]


class EndForm(forms.Form):
    ended_on = forms.DateField(label=_("until"), widget=DateInput())
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)


class PairingForm(forms.Form):
    member = PersonChoice(label=_("member"), queryset=Person.objects.none(), help_text=_("A full member."))
    partners = PeopleChoice(
        label=_("paired employees"),
        queryset=Person.objects.none(),
        help_text=_("Members, applicants or workers of the member's enterprise."),
    )
    purposes = forms.MultipleChoiceField(
        label=_("purposes"), choices=Purpose.choices, widget=forms.CheckboxSelectMultiple
    )
    started_on = forms.DateField(label=_("from"), widget=DateInput())

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _members(org).filter(political_status=PoliticalStatus.FULL)  # type: ignore[attr-defined]
        self.fields["partners"].queryset = _employees(org)  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    written_on = forms.DateField(label=_("date"), widget=DateInput())
    text = forms.CharField(label=_("note"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class PostForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=PostKind.choices)
    title = forms.CharField(label=_("title"), max_length=60, help_text=_("As the sign shows it, e.g. 质量检验先锋岗."))
    unit = UnitChoice(label=_("workshop or team"), queryset=ProductionUnit.objects.none(), required=False)
    line = forms.CharField(label=_("line or place"), max_length=60, required=False)
    holder = PersonChoice(label=_("holder"), queryset=Person.objects.none())
    commitment = forms.CharField(
        label=_("public commitment"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the holder promises, in their words; printed on the sign."),
    )
    started_on = forms.DateField(label=_("from"), widget=DateInput())
    ended_on = forms.DateField(label=_("until"), widget=DateInput(), required=False)
    photo = forms.ImageField(label=_("photo"), required=False, help_text=_("A JPEG or PNG of at most 2 MB."))

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = ProductionUnit.objects.filter(enterprise__in=selectors.enterprises_kept(org))
        self.fields["unit"].queryset = units.select_related("parent", "enterprise").order_by(  # type: ignore[attr-defined]
            "enterprise__name", "kind", "name_key"
        )
        self.fields["holder"].queryset = _members(org)  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)


class CourseForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=100)
    skill = forms.CharField(label=_("skill"), max_length=100)
    trainer = PersonChoice(label=_("led by"), queryset=Person.objects.none(), help_text=_("A member of the branch."))
    starts_on = forms.DateField(label=_("starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("ends on"), widget=DateInput())
    hours = forms.DecimalField(label=_("hours"), max_digits=5, decimal_places=1, min_value=0)

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = _members(org)  # type: ignore[attr-defined]


class EnrolForm(forms.Form):
    team = UnitChoice(
        label=_("everyone of a team"),
        queryset=ProductionUnit.objects.none(),
        required=False,
        help_text=_("Enrols every employee of the team."),
    )
    people = PeopleChoice(label=_("employees"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args: Any, course: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.course = course
        self.fields["team"].queryset = ProductionUnit.objects.filter(  # type: ignore[attr-defined]
            enterprise_id=course.enterprise_id, kind=UnitKind.TEAM
        ).select_related("parent", "enterprise")
        self.fields["people"].queryset = Person.objects.filter(employer_id=course.enterprise_id).order_by("name")  # type: ignore[attr-defined]

    def chosen(self) -> list[Person]:
        people = list(self.cleaned_data.get("people") or [])
        team = self.cleaned_data.get("team")
        if team is not None:
            # The team's employees but its trainer, who leads the course.
            people += list(
                Person.objects.filter(team=team, employer_id=team.enterprise_id).exclude(pk=self.course.trainer_id)
            )
        return people

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("people") and not data.get("team"):
            raise forms.ValidationError(_("Choose a team or some employees."))
        return data


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("date"), widget=DateInput())
    hours = forms.DecimalField(label=_("hours"), max_digits=4, decimal_places=1, min_value=0)
    topic = forms.CharField(label=_("topic"), max_length=100, required=False)


class AssessForm(forms.Form):
    result = forms.ChoiceField(label=_("assessment"), choices=Result.choices)
    assessed_on = forms.DateField(label=_("assessed on"), widget=DateInput(), required=False)
    certificate_no = forms.CharField(label=_("certificate number"), max_length=40, required=False)
    certified_on = forms.DateField(label=_("certified on"), widget=DateInput(), required=False)


class ConfigForm(forms.Form):
    max_partners = forms.IntegerField(label=_("employees one member pairs with at most"), min_value=1, max_value=20)
    probationary_holders = forms.BooleanField(label=_("probationary members may hold a post"), required=False)
    quiet_days = forms.IntegerField(
        label=_("days without a note before a pairing is listed as quiet"), min_value=7, max_value=365
    )
