from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .pipeline import targets_for


class UploadForm(forms.Form):
    target = forms.ChoiceField(
        label=_("Import into"),
        help_text=_("An enterprise takes its employee roster; a party organisation its member roster."),
    )
    file = forms.FileField(label=_("Roster file"), help_text=_(".xlsx, .xls, .ods or .csv, as HR keeps it."))
    create_teams = forms.BooleanField(
        label=_("Create missing teams"),
        required=False,
        help_text=_("Teams named in the file that the enterprise does not have yet are added."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        enterprises, orgs = targets_for(user)
        self._targets = {f"e{e.pk}": e for e in enterprises} | {f"o{o.pk}": o for o in orgs}
        cast(forms.ChoiceField, self.fields["target"]).choices = [("", "—")] + [
            (_("Employee roster into an enterprise"), [(f"e{e.pk}", str(e)) for e in enterprises]),
            (_("Member roster into a party organisation"), [(f"o{o.pk}", str(o)) for o in orgs]),
        ]

    def clean_target(self):
        target = self._targets.get(self.cleaned_data["target"])
        if target is None:
            raise forms.ValidationError(_("Choose where to import."))
        return target
