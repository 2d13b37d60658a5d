from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.access.scopes import CHANGE, ENTERPRISE, MEMBERSHIP, NOTHING, ORG, PERSON, container_q
from dangjian.ids import parse_id
from dangjian.organizations.models import PARTY_UNIT_KINDS, Enterprise, Organization, OrgKind, ProductionUnit, UnitKind
from dangjian.ui import lookups
from dangjian.ui.forms import DateInput

from .choices import Ethnicity, Gender, PoliticalStatus
from .models import Membership, Person
from .services import PERSON_FIELDS


def enterprises_for_people(user, action: str = CHANGE):
    """Enterprises in which the user may add or edit people."""
    q = container_q(user, PERSON, action, ENTERPRISE)
    if q is None:
        return Enterprise.objects.all()
    return Enterprise.objects.filter(q) if q != NOTHING else Enterprise.objects.none()


class PersonForm(forms.ModelForm):
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=40,
        required=False,
        help_text=_("18 characters; the date of birth and gender are checked against it."),
    )
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)

    class Meta:
        model = Person
        fields = list(PERSON_FIELDS)
        widgets = {"birth_date": DateInput(), "hire_date": DateInput()}

    def __init__(self, *args, user, reveal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        enterprises = enterprises_for_people(user)
        if self.instance.employer_id:
            enterprises = enterprises | Enterprise.objects.filter(pk=self.instance.employer_id)
        lookups.use(self.fields["employer"], "enterprise.employer", user, enterprises.distinct())
        self.fields["employer"].required = True
        teams = ProductionUnit.objects.filter(kind=UnitKind.TEAM, enterprise__in=enterprises)
        lookups.use(self.fields["team"], "team.employer", user, teams.select_related("enterprise"))
        self.fields["birth_date"].required = False
        self.fields["birth_date"].help_text = _("Left empty, it is taken from the ID number.")
        self.fields["gender"].required = False
        if self.instance.pk and not reveal:
            # Without the right to see the clear values the form cannot show them; leaving the
            # field empty keeps the stored value.
            for name in ("id_number", "phone"):
                self.initial[name] = ""
                self.fields[name].help_text = _("Stored value hidden (%(masked)s). Type a new value to replace it.") % {
                    "masked": getattr(self.instance, f"{name}_masked") or "—"
                }
        self.reveal = reveal

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk and not self.reveal:
            for name in ("id_number", "phone"):
                if not data.get(name):
                    data.pop(name, None)
        return data


def membership_orgs(user):
    """Organisations in which the user may keep membership records."""
    where = container_q(user, MEMBERSHIP, CHANGE, ORG)
    qs = Organization.objects.filter(kind__in=PARTY_UNIT_KINDS | {OrgKind.PARTY_GROUP})
    return qs if where is None else qs.filter(where)


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["organization", "admitted_on", "converted_on", "joined_org_on", "ended_on", "end_reason"]
        widgets = {f: DateInput() for f in ("admitted_on", "converted_on", "joined_org_on", "ended_on")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        qs = membership_orgs(user)
        if self.instance.pk:
            qs = qs | Organization.objects.filter(pk=self.instance.organization_id)
        lookups.use(self.fields["organization"], "org.membership", user, qs.distinct())


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or ID number"), required=False)
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        label=_("party organisation"),
        empty_label=_("Any party organisation"),
    )
    enterprise = forms.ModelChoiceField(
        queryset=Enterprise.objects.none(), required=False, label=_("enterprise"), empty_label=_("Any enterprise")
    )
    team = forms.ModelChoiceField(
        queryset=ProductionUnit.objects.none(),
        required=False,
        label=_("production team"),
        empty_label=_("Any production team"),
    )
    status = forms.ChoiceField(
        choices=[("", _("Any political status")), ("members", _("Party members"))] + list(PoliticalStatus.choices),
        required=False,
        label=_("political status"),
    )
    ethnicity = forms.ChoiceField(
        choices=[("", _("Any ethnicity"))] + list(Ethnicity.choices), required=False, label=_("ethnicity")
    )
    gender = forms.ChoiceField(
        choices=[("", _("Any gender"))] + list(Gender.choices), required=False, label=_("gender")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        lookups.use(self.fields["organization"], "org", user)
        lookups.use(self.fields["enterprise"], "enterprise", user)
        ent = parse_id(self.data.get("enterprise"))
        teams = lookups.SOURCES["team"].choices(user)
        lookups.use(self.fields["team"], "team", user, teams.filter(enterprise_id=ent) if ent else teams)
