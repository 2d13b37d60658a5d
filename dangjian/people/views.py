from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangjian.access.permissions import login_people, may_change_memberships, may_give_logins, refused
from dangjian.access.scopes import AUDIT, CHANGE, MEMBERSHIP, PERSON, REVEAL, VIEW, can, has_any, scope
from dangjian.access.shortcuts import create_in_scope, get_in_scope
from dangjian.people import rules
from dangjian.ui.forms import save_form_page
from dangjian.ui.paging import paginate, query_without, sort

from . import selectors, services
from .forms import MembershipForm, PersonFilterForm, PersonForm, revealed_field
from .models import Membership, Person

SENSITIVE_NOTE = gettext_lazy(
    "The ID number and phone are stored encrypted and shown masked; every view of the clear values is recorded."
)


@login_required
def person_list(request):
    form = PersonFilterForm(request.GET or None, user=request.user)
    qs = selectors.visible_people(request.user)
    if form.is_valid():
        qs = selectors.filter_people(qs, form.cleaned_data, request.user)
    qs, current_sort = sort(request.GET, qs, selectors.PERSON_SORTS, "name")
    page = paginate(request, qs, rows=selectors.list_rows)
    ctx = {
        "form": form,
        "page": page,
        "sort": current_sort,
        "querystring": query_without(request, "page"),
        "sort_querystring": query_without(request, "page", "sort"),
        "may_create": has_any(request.user, PERSON, CHANGE),
        "may_give_logins": may_give_logins(request.user),
    }
    template = (
        "people/_person_rows.html"
        if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results"
        else "people/person_list.html"
    )
    return render(request, template, ctx)


@login_required
def person_detail(request, pk):
    person = get_in_scope(request.user, selectors.visible_people(request.user), pk)
    memberships = scope(request.user, person.memberships.select_related("organization"), VIEW).order_by("-admitted_on")
    current = next((m for m in memberships if m.is_open), None)
    today = timezone.localdate()
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "memberships": memberships,
            "party_age": rules.party_age_years(current.converted_on, today) if current else None,
            "current_membership": current,
            "age": rules.age_on(person.birth_date, today),
            "candidacies": scope(request.user, person.candidacies.select_related("organization"), VIEW),
            "may_change": can(request.user, CHANGE, person),
            "may_reveal": can(request.user, REVEAL, person),
            "may_change_memberships": may_change_memberships(request.user, person),
            "may_audit": can(request.user, AUDIT, person),
            "login": getattr(person, "user", None),
            "may_give_login": may_give_logins(request.user)
            and login_people(request.user, Person.objects.filter(pk=person.pk)).exists(),
        },
    )


@login_required
@require_POST
def reveal(request, pk, field):
    if field not in Person.SENSITIVE_FIELDS:
        raise PermissionDenied
    person = get_in_scope(request.user, Person, pk, REVEAL)
    value = services.reveal(actor=request.user, person=person, field=field)
    if request.GET.get("into") == "form":  # "Show" on the edit form: the field, filled for editing
        return HttpResponse(revealed_field(field, value))
    return render(request, "people/_revealed.html", {"value": value or "—"})


@login_required
def person_create(request):
    if not has_any(request.user, PERSON, CHANGE):
        raise refused((PERSON, CHANGE))
    form = PersonForm(request.POST or None, user=request.user, may_reveal=True)
    return save_form_page(
        request,
        form,
        lambda data: create_in_scope(
            request.user, lambda: services.create_person(actor=request.user, **form.service_data())
        ),
        done=_("Person added."),
        next_url=_person_url,
        title=_("Add a person"),
        subtitle="",
        cancel_url=reverse("people:list"),
        note=SENSITIVE_NOTE,
    )


@login_required
def person_edit(request, pk):
    person = get_in_scope(request.user, Person, pk, CHANGE)
    # The form shows the ID number and phone masked; "Show" reveals one by POST (see `reveal`).
    form = PersonForm(
        request.POST or None,
        instance=Person.objects.get(pk=person.pk),
        user=request.user,
        may_reveal=can(request.user, REVEAL, person),
    )
    return save_form_page(
        request,
        form,
        lambda data: services.update_person(actor=request.user, person=person, **form.service_data()),
        done=_("Changes saved."),
        title=_("Edit person"),
        subtitle=person.name,
        cancel_url=_person_url(person),
        note=SENSITIVE_NOTE,
    )


@login_required
def membership_add(request, pk):
    person = get_in_scope(request.user, Person, pk, CHANGE)
    if not has_any(request.user, MEMBERSHIP, CHANGE):
        raise refused((MEMBERSHIP, CHANGE))
    return save_form_page(
        request,
        MembershipForm(request.POST or None, user=request.user),
        lambda data: create_in_scope(
            request.user, lambda: services.add_membership(actor=request.user, person=person, **data)
        ),
        done=_("Membership record added."),
        title=_("Add membership record"),
        subtitle=person.name,
        cancel_url=_person_url(person),
    )


@login_required
def membership_edit(request, pk):
    membership = get_in_scope(request.user, Membership.objects.select_related("person", "organization"), pk, CHANGE)
    return save_form_page(
        request,
        MembershipForm(request.POST or None, instance=Membership.objects.get(pk=membership.pk), user=request.user),
        lambda data: services.update_membership(actor=request.user, membership=membership, **data),
        done=_("Changes saved."),
        title=_("Edit membership record"),
        subtitle=membership.person.name,
        cancel_url=_person_url(membership.person),
    )


def _person_url(person: Person) -> str:
    return reverse("people:detail", args=[person.pk])
