"""Pages of transfers: the list (with its Excel download), a letter (accept, return, cancel, the
receipt, verify and place), issuing a letter from the person page, registering a letter from
outside, the paper letter as PDF, and the person page's panel of moves.

Views are thin: each letter comes through the one scoped fetch (a letter neither of whose
organisations the user reaches is 404), access.permissions says which side may do what, and the
services validate and explain in the user's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dangjian.access import permissions
from dangjian.access.scopes import CHANGE, TRANSFER, VIEW, can
from dangjian.access.shortcuts import get_in_scope
from dangjian.exports.selectors import covering_org_path
from dangjian.jobs.services import record_export
from dangjian.pdf import render_template_pdf
from dangjian.people import selectors as people_selectors
from dangjian.people import services as people_services
from dangjian.people.models import Person
from dangjian.ui.downloads import attachment as download
from dangjian.ui.forms import apply_errors, form_page, run_or_say
from dangjian.ui.paging import paginate

from . import rules, selectors, services, sheets
from .forms import AcceptForm, FilterForm, IncomingForm, IssueForm, PlaceForm, ReasonForm, ReceiptForm
from .models import Kind, Transfer

if TYPE_CHECKING:
    from dangjian.access.models import User


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _transfer(request: HttpRequest, pk: int) -> Transfer:
    return get_in_scope(request.user, selectors.visible_transfers(_user(request)), pk, VIEW)


def _detail_url(t: Transfer) -> str:
    return reverse("transfers:detail", args=[t.pk])


# --- the list ---------------------------------------------------------------------------------


def _filtered(request: HttpRequest) -> tuple[FilterForm, Any]:
    user = _user(request)
    if not permissions.may_see_transfers(user):
        raise permissions.transfers_refused()
    form = FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.filter_transfers(selectors.visible_transfers(user), data, timezone.localdate())
    return form, selectors.county_list(qs)


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    user = _user(request)
    return render(
        request,
        "transfers/list.html",
        {
            "form": form,
            "transfers": paginate(request, qs),
            "today": timezone.localdate(),
            "may_register": permissions.transfer_orgs(user, _party_units()).exists(),
            "query": request.GET.urlencode(),
        },
    )


def _party_units() -> Any:
    return selectors.receiving_units()


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The list as Excel, as filtered; names and letter numbers only, no ID numbers."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _form, qs = _filtered(request)
    user = _user(request)
    try:
        data, name, count = sheets.workbook(qs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("transfers:list") + (f"?{request.GET.urlencode()}" if request.GET else ""))
    record_export(
        actor=user,
        object_type="transfers.Transfer",
        name=name,
        changes={"rows": count, "filters": request.GET.urlencode()},
        org_path=covering_org_path(user, TRANSFER),
    )
    return download(data, name)


# --- one letter -------------------------------------------------------------------------------


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    t = _transfer(request, pk)
    user = _user(request)
    today = timezone.localdate()
    sender = permissions.may_act_as_sender(user, t)
    receiver = permissions.may_act_as_receiver(user, t)
    person_visible = t.person is not None and can(user, VIEW, t.person)
    return render(
        request,
        "transfers/detail.html",
        {
            "t": t,
            "today": today,
            "expired": t.expired_on(today),
            "sender": sender,
            "receiver": receiver,
            "person_visible": person_visible,
            "may_print": t.kind == Kind.OUTGOING and permissions.may_print_letter(user, t, t.person),
            "age": rules.age_on(t.birth_date, t.issued_on) if t.birth_date else None,
        },
    )


def _post_form(
    request: HttpRequest,
    t: Transfer,
    form_class: Any,
    write: Any,
    done: str,
    title: str,
) -> HttpResponse:
    """A letter's action behind a small form: on success back to the letter with `done`; the
    service's refusal lands on the form, nothing saved."""
    today = timezone.localdate()
    initial = {"on": today, "received_on": today, "receipt_org_name": t.outside_org_name}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(_detail_url(t))
    return form_page(request, form, title, f"{t.number} · {t.person_name}", _detail_url(t))


def _as_receiver(request: HttpRequest, pk: int) -> Transfer:
    t = get_in_scope(request.user, selectors.visible_transfers(_user(request)), pk, CHANGE)
    if not permissions.may_act_as_receiver(request.user, t):
        raise permissions.receiver_refused()
    return t


def _as_sender(request: HttpRequest, pk: int) -> Transfer:
    t = get_in_scope(request.user, selectors.visible_transfers(_user(request)), pk, CHANGE)
    if not permissions.may_act_as_sender(request.user, t):
        raise permissions.sender_refused()
    return t


@login_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    t = _as_receiver(request, pk)
    user = _user(request)
    return _post_form(
        request,
        t,
        AcceptForm,
        lambda d: services.accept(actor=user, transfer=t, on=d["on"]),
        _("Accepted: %(name)s is now a member here.") % {"name": t.person_name},
        _("Accept the letter"),
    )


@login_required
def return_letter(request: HttpRequest, pk: int) -> HttpResponse:
    t = _as_receiver(request, pk)
    user = _user(request)
    return _post_form(
        request,
        t,
        ReasonForm,
        lambda d: services.return_letter(actor=user, transfer=t, reason=d["reason"]),
        _("Returned: the member stays with the sending branch, which reads your reason."),
        _("Return the letter"),
    )


@login_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    t = _as_sender(request, pk)
    user = _user(request)
    return _post_form(
        request,
        t,
        ReasonForm,
        lambda d: services.cancel(actor=user, transfer=t, reason=d["reason"]),
        _("The letter is cancelled; the member stays."),
        _("Cancel the letter"),
    )


@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    t = _as_sender(request, pk)
    user = _user(request)
    return _post_form(
        request,
        t,
        ReceiptForm,
        lambda d: services.record_receipt(
            actor=user, transfer=t, received_on=d["received_on"], receipt_org_name=d["receipt_org_name"]
        ),
        _("The receipt is recorded and the membership record here is closed."),
        _("Record the receipt"),
    )


@login_required
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    t = _as_receiver(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = _user(request)
    run_or_say(request, lambda: services.verify_incoming(actor=user, transfer=t), _("The letter is verified."))
    return redirect(_detail_url(t))


@login_required
def place(request: HttpRequest, pk: int) -> HttpResponse:
    t = _as_receiver(request, pk)
    user = _user(request)
    return _post_form(
        request,
        t,
        PlaceForm,
        lambda d: services.place_incoming(actor=user, transfer=t, id_number=d["id_number"], on=d["on"]),
        _("%(name)s is placed in %(org)s.") % {"name": t.person_name, "org": t.receiver_name},
        _("Place the member"),
    )


@login_required
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The three-part introduction letter (stub, letter, receipt). It states the member's ID
    number in clear: printing it is a reveal, recorded on the person."""
    t = _transfer(request, pk)
    user = _user(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if t.kind != Kind.OUTGOING or t.person is None or not permissions.may_print_letter(user, t, t.person):
        raise permissions.sender_refused()
    id_number = people_services.reveal(actor=user, person=t.person, field="id_number")
    data = render_template_pdf(
        "transfers/print/letter.html",
        {
            "t": t,
            "id_number": id_number,
            "age": rules.age_on(t.birth_date, t.issued_on) if t.birth_date else None,
            "lang": get_language(),
            "parts": [_("Stub"), _("Introduction letter"), _("Receipt")],
        },
    )
    return download(data, _("Transfer letter %(number)s.pdf") % {"number": t.number}, "application/pdf")


# --- issuing and registering ------------------------------------------------------------------


@login_required
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_in_scope(user, people_selectors.all_people().select_related("party_org"), pk, VIEW)
    membership = people_selectors.open_membership_of(person)
    if membership is None or not permissions.may_issue_from(user, membership.organization):
        raise permissions.sender_refused()
    form = IssueForm(
        request.POST or None,
        user=user,
        today=timezone.localdate(),
        paid_up_to=selectors.dues_paid_up_to(person.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            t = services.issue(actor=user, person=person, **form.plan())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Letter %(number)s is issued.") % {"number": t.number})
            return redirect(_detail_url(t))
    return form_page(
        request,
        form,
        _("Issue a transfer letter"),
        person.name,
        reverse("people:detail", args=[person.pk]),
        note=_("The member stays with %(org)s until the letter is accepted (or its receipt comes back).")
        % {"org": membership.organization.display_name},
    )


@login_required
def register_incoming(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.transfer_orgs(user, _party_units()).exists():
        raise permissions.receiver_refused()
    form = IncomingForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            t = services.register_incoming(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The letter is registered; verify it before placing the member."))
            return redirect(_detail_url(t))
    return form_page(request, form, _("Register a letter from outside"), "", reverse("transfers:list"))


# --- the person page's panel ------------------------------------------------------------------


@login_required
def person_panel(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_in_scope(user, Person.objects.all(), pk, VIEW)
    membership = people_selectors.open_membership_of(person)
    may_issue = (
        membership is not None
        and permissions.may_issue_from(user, membership.organization)
        and selectors.open_transfer_of(person.pk) is None
    )
    return render(
        request,
        "transfers/_person.html",
        {"person": person, "moves": selectors.moves_of(user, person.pk), "may_issue": may_issue},
    )
