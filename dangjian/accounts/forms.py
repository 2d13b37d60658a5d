from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.access.models import ENTERPRISE_ROLES, ORG_ROLES, Role
from dangjian.ui import lookups


class TokenForm(forms.Form):
    name = forms.CharField(label=_("What the token is for"), max_length=100)
    expires_at = forms.DateTimeField(
        label=_("Expires at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class RoleForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("An existing login (administrators may also create one for a person)."),
    )
    role = forms.ChoiceField(label=_("Role"))
    person: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Person (for a new login)")
    )
    password = forms.CharField(
        label=_("Initial password (for a new login)"), required=False, widget=forms.PasswordInput
    )

    def __init__(self, *args, anchor_is_org: bool, people, **kwargs):
        super().__init__(*args, **kwargs)
        roles = ORG_ROLES if anchor_is_org else ENTERPRISE_ROLES
        cast(forms.ChoiceField, self.fields["role"]).choices = [(r.value, r.label) for r in Role if r in roles]
        lookups.use(cast("forms.ModelChoiceField[Any]", self.fields["person"]), "person", None, people)
