"""Forms of transfers: each a thin layer over its service (which validates again and explains)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.calendar import period_of
from dangjian.people.choices import Ethnicity, Gender
from dangjian.ui import lookups
from dangjian.ui.forms import DateInput

from . import rules, selectors
from .models import Kind, MemberStatus, Status


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (or a date in it), kept as its first day."""

    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value: Any) -> dt.date | None:
        day = super().to_python(value)
        return period_of(day).first_day if day is not None else None


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m", **kwargs)


def _month_field(**kwargs: Any) -> MonthField:
    return MonthField(
        label=_("dues paid up to (month)"),
        widget=MonthInput(),
        help_text=_("The last month whose dues the member has paid, as YYYY-MM."),
        **kwargs,
    )


class IssueForm(forms.Form):
    where = forms.ChoiceField(
        label=_("to"),
        choices=[("internal", _("a branch in the platform")), ("outgoing", _("an organisation outside the platform"))],
        initial="internal",
        widget=forms.RadioSelect,
    )
    to_org_name = forms.CharField(
        label=_("receiving branch"),
        max_length=200,
        required=False,
        help_text=_("Its full name as the receiving branch gives it, e.g. 某某有限公司党支部."),
    )
    to_county: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("in the county of"),
        queryset=None,
        required=False,
        help_text=_("Needed only when branches of several counties have that name."),
    )
    outside_org_name = forms.CharField(
        label=_("receiving organisation outside the platform"), max_length=200, required=False
    )
    issued_on = forms.DateField(label=_("letter dated"), widget=DateInput)
    valid_until = forms.DateField(
        label=_("valid until"),
        widget=DateInput,
        help_text=_("30 days by default; at least one day, at most three months."),
    )
    dues_paid_to = _month_field()
    reason = forms.CharField(label=_("reason for the transfer"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, today: dt.date, paid_up_to: dt.date | None = None, **kwargs: Any) -> None:
        # The dues month defaults to what the dues ledger has; the issuer corrects it if the
        # member paid outside it.
        kwargs.setdefault(
            "initial",
            {"issued_on": today, "valid_until": rules.default_valid_until(today), "dues_paid_to": paid_up_to},
        )
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["to_county"]).queryset = selectors.counties()

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        d["to_org"] = None
        if d.get("where") != "internal":
            return d
        name = d.get("to_org_name") or ""
        if not name.strip():
            self.add_error("to_org_name", _("Type the receiving branch's full name."))
            return d
        found = selectors.receiving_named(name, d.get("to_county"))
        if not found:
            self.add_error(
                "to_org_name",
                _(
                    "No branch in the platform is named %(name)s. Check the full name with the receiving branch, "
                    "or choose an organisation outside the platform."
                )
                % {"name": name.strip()},
            )
        elif len(found) > 1:
            self.add_error(
                "to_county",
                _("Branches in several counties are named %(name)s: choose the county too.") % {"name": name.strip()},
            )
        else:
            d["to_org"] = found[0]
        return d

    def plan(self) -> dict[str, Any]:
        d = self.cleaned_data
        internal = d["where"] == "internal"
        return {
            "to_org": d["to_org"] if internal else None,
            "outside_org_name": "" if internal else d["outside_org_name"],
            "issued_on": d["issued_on"],
            "valid_until": d["valid_until"],
            "dues_paid_to": d["dues_paid_to"],
            "reason": d["reason"],
        }


class AcceptForm(forms.Form):
    on = forms.DateField(label=_("accepted on"), widget=DateInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class ReceiptForm(forms.Form):
    received_on = forms.DateField(label=_("receipt dated"), widget=DateInput)
    receipt_org_name = forms.CharField(label=_("organisation that sent the receipt"), max_length=200)


class IncomingForm(forms.Form):
    to_org: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("receiving branch"), queryset=None)
    outside_org_name = forms.CharField(label=_("issuing organisation"), max_length=200)
    number = forms.CharField(label=_("letter number"), max_length=40)
    issued_on = forms.DateField(label=_("letter dated"), widget=DateInput)
    valid_until = forms.DateField(label=_("valid until"), widget=DateInput)
    dues_paid_to = _month_field()
    person_name = forms.CharField(label=_("member's name"), max_length=100)
    gender = forms.ChoiceField(label=_("gender"), choices=Gender.choices)
    ethnicity = forms.ChoiceField(label=_("ethnicity"), choices=Ethnicity.choices)
    birth_date = forms.DateField(label=_("date of birth"), widget=DateInput)
    member_status = forms.ChoiceField(label=_("political status"), choices=MemberStatus.choices)
    admitted_on = forms.DateField(label=_("admitted as probationary member on"), widget=DateInput)
    converted_on = forms.DateField(label=_("converted to full member on"), widget=DateInput, required=False)
    reason = forms.CharField(label=_("reason for the transfer"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lookups.use(self.fields["to_org"], "org.transfer_own", user)


class PlaceForm(forms.Form):
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=18,
        help_text=_("Finds the member's record if they are registered with you, or creates it."),
    )
    on = forms.DateField(label=_("placed on"), widget=DateInput)


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), required=False)
    status = forms.ChoiceField(label=_("status"), required=False)
    q = forms.CharField(label=_("name or letter number"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("all kinds")), *Kind.choices]
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("all")),
            ("open", _("awaiting the other side")),
            *Status.choices,
        ]
