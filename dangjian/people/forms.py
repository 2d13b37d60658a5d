from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dangjian.choices import PoliticalStatus
from dangjian.ids import parse_id
from dangjian.organizations.selectors import enterprises_where, orgs_where, teams_of
from dangjian.ui import lookups
from dangjian.ui.forms import DateInput, MemoSelect

from . import services
from .choices import Ethnicity, Gender
from .lookups import enterprises_for_people, membership_orgs
from .models import Membership, Person
from .services import PERSON_FIELDS

if TYPE_CHECKING:
    from dangjian.access.models import User
    from dangjian.organizations.models import Enterprise, Organization, ProductionUnit


class SensitiveInput(forms.TextInput):
    """A stored ID number or phone on an edit form: empty, with the masked value as its
    placeholder, and a "Show" button that POSTs to the person's reveal (audited, CSRF-checked) and
    swaps in the field filled with the clear value and a `<name>_shown` marker. Opening the form
    shows nothing in clear, so no link can make a user view a value."""

    template_name = "people/widgets/sensitive_input.html"

    def __init__(self, *, masked: str = "", reveal_url: str = "", shown: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.masked, self.reveal_url, self.shown = masked, reveal_url, shown

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.masked and not self.shown:
            context["widget"]["attrs"].setdefault("placeholder", self.masked)
        context["widget"].update(reveal_url=self.reveal_url, shown=self.shown)
        return context


def id_number_error(user: User | None, value: str, person: Person | None) -> str:
    """The answer to "is this ID number taken?" for a form (services.ask_id_number), HTML-safe:
    with a link to the person when the user may see them."""
    answer = services.ask_id_number(actor=user, value=value, person=person)
    if answer.kind == services.YOURS and answer.person is not None:
        url = reverse("people:detail", args=[answer.person.pk])
        return format_html('{} <a href="{}">{}</a>', answer.message, url, _("Open their record"))
    return answer.message


if TYPE_CHECKING:
    # The mixin below is for a person's model forms: the checker sees their attributes.
    _PersonFormBase = forms.ModelForm[Person]
else:
    _PersonFormBase = object


class AsksIdNumberFirst(_PersonFormBase):
    """For a person's forms (the page's and the admin's): a new or changed ID number is asked
    about in the form's validation, before the write's transaction, so that the audit event of
    an answer about someone outside `asker`'s scope stands although the write is refused."""

    asker: User | None = None

    def clean_id_number(self) -> str:
        value = self.cleaned_data.get("id_number") or ""
        error = id_number_error(self.asker, value, self.instance)
        if error:
            raise forms.ValidationError(error)
        return value


def kept_unless_typed(person: Person, data: dict[str, Any], shown: Iterable[str] = ()) -> dict[str, Any]:
    """`data` without the stored person's sensitive fields that were left empty or sent back as
    their mask: the stored values stay. A field in `shown` (revealed and edited in clear) stands
    as it was left, even empty."""
    data = dict(data)
    for name in set(Person.SENSITIVE_FIELDS) - set(shown):
        value = "".join(str(data.get(name) or "").split())
        masked = getattr(person, f"{name}_masked") or ""
        if not value or value.upper() == masked.upper():
            data.pop(name, None)
    return data


def revealed_field(name: str, value: str) -> str:
    """The edit form's field after "Show": filled with the clear value, marked as shown, taking
    as many characters as the form does."""
    widget = SensitiveInput(shown=True)
    field = cast(forms.CharField, PersonForm.base_fields[name])  # the sensitive fields are text
    attrs = {"id": f"id_{name}", "class": "form-control", "maxlength": field.max_length}
    return widget.render(name, value, attrs=attrs)


class PersonForm(AsksIdNumberFirst, forms.ModelForm):
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=40,
        required=False,
        help_text=_("18 characters; the date of birth and gender are checked against it."),
    )
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)

    class Meta:
        model = Person
        fields = list(PERSON_FIELDS)
        widgets = {"birth_date": DateInput(), "hire_date": DateInput()}

    def __init__(self, *args, user, may_reveal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        enterprises = enterprises_for_people(user)
        if self.instance.employer_id:
            enterprises = enterprises | enterprises_where(Q(pk=self.instance.employer_id))
        lookups.use(self.fields["employer"], "enterprise.employer", user, enterprises.distinct())
        self.fields["employer"].required = True
        teams = teams_of(enterprises)
        lookups.use(self.fields["team"], "team.employer", user, teams.select_related("enterprise"))
        self.fields["birth_date"].required = False
        self.fields["birth_date"].help_text = _("Left empty, it is taken from the ID number.")
        self.fields["gender"].required = False
        self.asker, self.may_reveal = user, may_reveal
        if self.instance.pk:
            # A stored value is never put on the form in clear: the field starts empty (empty
            # keeps it), and only an explicit "Show" (POST, audited) fills it.
            for name in Person.SENSITIVE_FIELDS:
                masked = getattr(self.instance, f"{name}_masked") or ""
                url = ""
                if may_reveal and getattr(self.instance, name):
                    url = reverse("people:reveal", args=[self.instance.pk, name]) + "?into=form"
                self.initial[name] = ""
                self.fields[name].widget = SensitiveInput(
                    masked=masked,
                    reveal_url=url,
                    shown=self._shown(name),
                    attrs={"maxlength": cast(forms.CharField, self.fields[name]).max_length},
                )
                self.fields[name].help_text = (
                    _(
                        "Stored value hidden (%(masked)s). Leave it empty to keep it, type a new value to replace "
                        "it, or press Show to edit it (viewing is recorded)."
                    )
                    if url
                    else _("Stored value hidden (%(masked)s). Type a new value to replace it.")
                ) % {"masked": masked or "—"}

    def _shown(self, name: str) -> bool:
        """The user revealed this field and edited the clear value: what they left stands, even
        empty. Honoured only for roles that may reveal (the marker is the client's word)."""
        return self.may_reveal and self.data.get(f"{name}_shown") == "1"

    def service_data(self) -> dict:
        if not self.instance.pk:
            return dict(self.cleaned_data)
        shown = [name for name in Person.SENSITIVE_FIELDS if self._shown(name)]
        return kept_unless_typed(self.instance, self.cleaned_data, shown)


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["organization", "admitted_on", "converted_on", "joined_org_on", "ended_on", "end_reason"]
        widgets = {f: DateInput() for f in ("admitted_on", "converted_on", "joined_org_on", "ended_on")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        qs = membership_orgs(user)
        if self.instance.pk:
            qs = qs | orgs_where(Q(pk=self.instance.organization_id))
        lookups.use(self.fields["organization"], "org.membership", user, qs.distinct())


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or ID number"), required=False)
    organization: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        queryset=None,  # set in __init__ from the user's choices
        required=False,
        label=_("party organisation"),
        empty_label=_("Any party organisation"),
    )
    enterprise: forms.ModelChoiceField[Enterprise] = forms.ModelChoiceField(
        queryset=None, required=False, label=_("enterprise"), empty_label=_("Any enterprise")
    )
    team: forms.ModelChoiceField[ProductionUnit] = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("production team"),
        empty_label=_("Any production team"),
    )
    status = forms.ChoiceField(
        choices=[
            ("", _("Any political status")),
            ("members", _("Party members")),
            ("applying", _("Applying for membership")),
        ]
        + list(PoliticalStatus.choices),
        required=False,
        label=_("political status"),
        widget=MemoSelect("people.filter.status"),
    )
    ethnicity = forms.ChoiceField(
        choices=[("", _("Any ethnicity"))] + list(Ethnicity.choices),
        required=False,
        label=_("ethnicity"),
        widget=MemoSelect("people.filter.ethnicity"),
    )
    gender = forms.ChoiceField(
        choices=[("", _("Any gender"))] + list(Gender.choices),
        required=False,
        label=_("gender"),
        widget=MemoSelect("people.filter.gender"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        lookups.use(self.fields["organization"], "org", user)
        lookups.use(self.fields["enterprise"], "enterprise", user)
        ent = parse_id(self.data.get("enterprise"))
        if ent:
            lookups.use(
                self.fields["team"],
                "team",
                user,
                narrow=lambda teams: teams.filter(enterprise_id=ent),
                narrowed=f"enterprise={ent}",
            )
        else:
            lookups.use(self.fields["team"], "team", user)
