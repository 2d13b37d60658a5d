from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.access.scopes import CHANGE, can
from dangjian.ui.forms import DateInput

from . import selectors
from .models import PARTY_UNIT_KINDS, Enterprise, Organization, OrgKind, ProductionUnit, UnitKind
from .services import ENTERPRISE_FIELDS


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["kind", "name", "name_en", "code", "founded_on"]
        widgets = {"founded_on": DateInput()}


class MoveForm(forms.Form):
    parent = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("New parent organisation"))

    def __init__(self, *args, user, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = (
            selectors.visible_orgs(user, CHANGE).exclude(path__startswith=org.path).exclude(kind=OrgKind.PARTY_GROUP)
        )


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = list(ENTERPRISE_FIELDS)
        widgets = {"settled_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = selectors.visible_orgs(user)
        self.fields["supervising_org"].queryset = selectors.visible_orgs(user, CHANGE).filter(
            kind__in=[OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE, OrgKind.PARK_COMMITTEE]
        ) | orgs.filter(pk=self.instance.supervising_org_id or 0)
        self.fields["party_org"].queryset = orgs.filter(kind__in=PARTY_UNIT_KINDS)
        if self.instance.pk:
            # Only those who may change the organisations involved may re-link the enterprise.
            for name in ("supervising_org", "party_org"):
                current = getattr(self.instance, name)
                if current is not None and not can(user, CHANGE, current):
                    self.fields[name].disabled = True
        self.fields["uscc"].help_text = _("18 characters, as printed on the business licence.")


class UnitForm(forms.ModelForm):
    class Meta:
        model = ProductionUnit
        fields = ["kind", "name", "name_en", "parent"]

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = ProductionUnit.objects.filter(enterprise=enterprise, kind=UnitKind.WORKSHOP)
        self.fields["parent"].required = False
        if self.instance.pk:
            self.fields["kind"].disabled = True
