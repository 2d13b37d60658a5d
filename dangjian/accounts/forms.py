from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from dangjian.access.models import ENTERPRISE_ROLES, ORG_ROLES, Role
from dangjian.ui import lookups
from dangjian.ui.forms import DateInput


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
    started_on = forms.DateField(label=_("Held from"), required=False, widget=DateInput, help_text=_("Today if empty."))
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


class GiveLoginsForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Codes stay valid for"),
        coerce=int,
        choices=[(d, ngettext_lazy("%(n)d day", "%(n)d days", "n") % {"n": d}) for d in (7, 14, 30)],
        initial=14,
        help_text=_("An unused code stops working after this; a new one can be given at any time."),
    )


class ActivateForm(forms.Form):
    code = forms.CharField(
        label=_("Code on your card"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text=_("Ten letters and digits, such as ABCDE-23456. Scanning the card fills it in."),
    )
    id_tail = forms.CharField(
        label=_("Last six characters of your ID number"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
        help_text=_("Of your resident ID card, including a final X if there is one."),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not like your name."),
    )
    password2 = forms.CharField(
        label=_("The password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        return _same_twice(self, super().clean() or {})


class ForgotForm(forms.Form):
    login = forms.CharField(label=_("Login name or e-mail address"), max_length=254)


class NewPasswordForm(forms.Form):
    password1 = ActivateForm.base_fields["password1"]
    password2 = ActivateForm.base_fields["password2"]

    def clean(self) -> dict[str, Any]:
        return _same_twice(self, super().clean() or {})


def _same_twice(form: forms.Form, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
        form.add_error("password2", _("The two passwords differ. Type the same password twice."))
    return data
