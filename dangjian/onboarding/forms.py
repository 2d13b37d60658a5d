"""The set-up page's forms; the settings reuse their own apps' forms."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.birthdays.forms import ConfigForm as BirthdayConfigForm
from dangjian.development.forms import ConfigForm as DevelopmentConfigForm
from dangjian.guidance.forms import ConfigForm as GuidanceConfigForm
from dangjian.organizations.models import Organization


class CountyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("As the committee signs, e.g. 和静县委."))
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    code = forms.CharField(
        label=_("Division code"),
        max_length=32,
        required=False,
        help_text=_("The county's administrative division code, e.g. 652827: files and the API name it by this."),
    )
    parent = forms.ChoiceField(label=_("Prefecture committee"), required=False)

    def __init__(self, *args: Any, prefectures: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._prefectures = {str(p.pk): p for p in prefectures}
        field = cast(forms.ChoiceField, self.fields["parent"])
        field.choices = [("", _("None: the county stands on its own"))] + [
            (k, str(p)) for k, p in self._prefectures.items()
        ]
        if not prefectures:
            field.widget = forms.HiddenInput()

    def clean_parent(self) -> Organization | None:
        return self._prefectures.get(self.cleaned_data.get("parent") or "")


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_(".xlsx, .xls, .ods or .csv; the template shows the columns."))


class LoginsForm(forms.Form):
    everyone = forms.BooleanField(
        label=_("Also every member and employee"),
        required=False,
        help_text=_("One sheet for each enterprise's employees and each party organisation's other members."),
    )


class NoticeForm(DevelopmentConfigForm):
    """The development settings the page keeps: the public notice's days and the birthday's basis."""

    class Meta(DevelopmentConfigForm.Meta):
        fields = ["notice_min_days", "notice_max_days", "birthday_basis"]

    def clean(self) -> dict[str, Any]:
        # Said on the field, as the service says it, before the table's constraint would say it
        # by its name.
        d = super().clean() or {}
        low, high = d.get("notice_min_days"), d.get("notice_max_days")
        if low is not None and high is not None and low > high:
            self.add_error("notice_max_days", _("The longest notice cannot be shorter than the shortest."))
        return d


class GreetingForm(BirthdayConfigForm):
    class Meta(BirthdayConfigForm.Meta):
        fields = ["message_zh", "message_en"]


class VisitForm(forms.Form):
    visit_period = GuidanceConfigForm.base_fields["visit_period"]
