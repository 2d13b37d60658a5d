from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.access.scopes import CHANGE, can
from dangjian.ui import lookups
from dangjian.ui.forms import DateInput

from . import selectors
from .models import Enterprise, Organization, ProductionUnit, UnitKind
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
        parents = lookups.SOURCES["org.change"].choices(user).exclude(path__startswith=org.path)
        lookups.use(self.fields["parent"], "org.change", user, parents)


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = list(ENTERPRISE_FIELDS)
        widgets = {"settled_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = selectors.visible_orgs(user).filter(pk=self.instance.supervising_org_id or 0)
        committees = lookups.SOURCES["org.committee"].choices(user) | current
        lookups.use(self.fields["supervising_org"], "org.committee", user, committees)
        lookups.use(self.fields["party_org"], "org.party_unit", user)
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
        parent = cast("forms.ModelChoiceField[ProductionUnit]", self.fields["parent"])  # a foreign key's field
        parent.queryset = ProductionUnit.objects.filter(enterprise=enterprise, kind=UnitKind.WORKSHOP)
        self.fields["parent"].required = False
        if self.instance.pk:
            self.fields["kind"].disabled = True
