from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .columns import DUES_BASES, EMPLOYEES, INDICATORS, MEMBERS
from .pipeline import dues_targets, figure_targets, targets_for


class UploadForm(forms.Form):
    target = forms.ChoiceField(
        label=_("Import into"),
        help_text=_(
            "An enterprise takes its employee roster and its production figures; a party organisation its member "
            "roster."
        ),
    )
    file = forms.FileField(label=_("Roster file"), help_text=_(".xlsx, .xls, .ods or .csv, as HR keeps it."))
    create_teams = forms.BooleanField(
        label=_("Create missing teams"),
        required=False,
        help_text=_("Teams named in the file that the enterprise does not have yet are added (employee rosters)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        enterprises, orgs = targets_for(user)
        sheets = figure_targets(user)
        payrolls = dues_targets(user)
        # What the file holds and where it goes, in one choice: e (employees), o (members), i
        # (indicators), d (dues bases).
        self._targets: dict[str, tuple[str, Any]] = (
            {f"e{e.pk}": (EMPLOYEES, e) for e in enterprises}
            | {f"o{o.pk}": (MEMBERS, o) for o in orgs}
            | {f"i{e.pk}": (INDICATORS, e) for e in sheets}
            | {f"d{o.pk}": (DUES_BASES, o) for o in payrolls}
        )
        groups = [
            (_("Employee roster into an enterprise"), [(f"e{e.pk}", str(e)) for e in enterprises]),
            (_("Member roster into a party organisation"), [(f"o{o.pk}", str(o)) for o in orgs]),
            (_("Production indicators into an enterprise"), [(f"i{e.pk}", str(e)) for e in sheets]),
            (_("Dues bases (payroll) into a party organisation"), [(f"d{o.pk}", str(o)) for o in payrolls]),
        ]
        cast(forms.ChoiceField, self.fields["target"]).choices = [("", "—")] + [g for g in groups if g[1]]

    def clean_target(self):
        kind, target = self._targets.get(self.cleaned_data["target"], ("", None))
        if target is None:
            raise forms.ValidationError(_("Choose where to import."))
        self.cleaned_data["kind"] = kind
        return target
