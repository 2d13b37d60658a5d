from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.ui import lookups


class UnitFilterForm(forms.Form):
    # Choices limited to the user's enterprises (set by lookups.use): naming another one is an
    # invalid filter.
    enterprise = forms.ModelChoiceField(queryset=None, required=False, label=_("enterprise"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        lookups.use(self.fields["enterprise"], "enterprise", user)
