from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.ui import lookups

if TYPE_CHECKING:
    from dangjian.access.models import User
    from dangjian.organizations.models import Enterprise


class UnitFilterForm(forms.Form):
    # Choices limited to the user's enterprises (set by lookups.use): naming another one is an
    # invalid filter.
    enterprise: forms.ModelChoiceField[Enterprise] = forms.ModelChoiceField(
        queryset=None, required=False, label=_("enterprise")
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lookups.use(cast("forms.ModelChoiceField[Enterprise]", self.fields["enterprise"]), "enterprise", user)
