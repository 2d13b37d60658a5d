"""The dues pages: a branch's monthly ledger (one row per member, a payment saved with one tap),
a member's dues, the unpaid list with the six-month flags, reductions and exemptions, closing
and reopening a month, the statements (Excel) and what was handed upward, the rate bands.

Views are thin: access decides who may (permissions.may_keep_dues_of, may_see_dues_of,
may_set_bands), services write and explain refusals. An organisation or a person the user may
not read is 404; one they read but may not keep is 403."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from dangjian.access import permissions
from dangjian.access.shortcuts import get_in_scope
from dangjian.calendar import add_months
from dangjian.ids import parse_id
from dangjian.jobs.services import start_job
from dangjian.organizations.models import Organization
from dangjian.people import selectors as people
from dangjian.people.models import Person
from dangjian.ui.downloads import attachment
from dangjian.ui.forms import read_month, run_or_say, save_form_page

from . import rules, selectors, services, statements
from .forms import BandSetForm, BaseForm, HandoverForm, PaymentForm, ReliefForm, ReopenForm, VoluntaryForm
from .models import DuesBase
from .tasks import statement_task

if TYPE_CHECKING:
    from dangjian.access.models import User


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _org(request: HttpRequest, pk: int, *, keep: bool = False) -> Organization:
    """An organisation whose dues the user reads (404 otherwise), keeps with `keep` (403)."""
    user = _user(request)
    org = selectors.dues_orgs(user).filter(pk=pk).first()
    if org is None:
        raise Http404
    if keep and not permissions.may_keep_dues_of(user, org):
        raise permissions.dues_keep_refused()
    return org


def _person(request: HttpRequest, pk: int, *, keep: bool = False) -> tuple[Person, bool]:
    """A person the user reads (404 otherwise) whose dues they read — their own, or as a keeper
    of their organisation (403 otherwise); `keep`: whose dues they keep. (person, keeper)."""
    user = _user(request)
    person = get_in_scope(user, people.all_people().select_related("party_org"), pk)
    org = person.party_org
    keeper = org is not None and permissions.may_keep_dues_of(user, org)
    if keep and not keeper:
        raise permissions.dues_keep_refused()
    own = getattr(user, "person_id", None) == person.pk
    if not (own or keeper or (org is not None and permissions.may_see_dues_of(user, org))):
        raise permissions.dues_refused()
    return person, keeper


def _month(request: HttpRequest) -> tuple[dt.date, str]:
    return read_month(request.GET.get("month") or request.POST.get("month"), selectors.this_month())


def ledger_url(org_id: int, month: dt.date) -> str:
    return f"{reverse('dues:ledger', args=[org_id])}?month={month:%Y-%m}"


# --- start pages -------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dues start page: the user's branch's ledger, else their own dues."""
    user = _user(request)
    org = selectors.default_org(user)
    if org is not None:
        return redirect(ledger_url(org.pk, selectors.this_month()))
    if getattr(user, "person_id", None):
        return redirect("dues:member", user.person_id)
    raise permissions.dues_refused()


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    person_id = getattr(_user(request), "person_id", None)
    if not person_id:
        raise permissions.dues_refused()
    return redirect("dues:member", person_id)


# --- the monthly ledger -----------------------------------------------------------------------------


def _ledger_context(request: HttpRequest, org: Organization, month: dt.date) -> dict[str, Any]:
    user = _user(request)
    rows = selectors.ledger(org, month)
    return {
        "org": org,
        "month": month,
        "previous": add_months(month, -1),
        "following": add_months(month, 1),
        "rows": rows,
        "totals": selectors.totals(rows),
        "keeper": permissions.may_keep_dues_of(user, org),
        "closed": selectors.is_closed(org, month),
        "closure": selectors.closure(org, month),
        "uncharged": sum(1 for r in rows if r.status == "uncharged"),
    }


@login_required
def ledger(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    month, error = _month(request)
    context = _ledger_context(request, org, month)
    context["month_error"] = error
    return render(request, "dues/ledger.html", context)


@login_required
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap on the ledger: the member's dues for the month paid (htmx: the row again)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    org = _org(request, pk, keep=True)
    month, _error = _month(request)
    person_id = parse_id(request.POST.get("person"))
    member = selectors.members_in(org, month).get(person_id or 0)
    person = people.person_with_pk(person_id) if member is not None and person_id else None
    if person is None:
        raise Http404
    error = ""
    try:
        services.record_payment(actor=_user(request), person=person, first_month=month)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        return redirect(ledger_url(org.pk, month))
    row = next(r for r in selectors.ledger(org, month) if r.person_id == person.pk)
    return render(
        request,
        "dues/_ledger_row.html",
        {"r": row, "org": org, "month": month, "keeper": True, "error": error, "closed": False},
    )


@login_required
def charge(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    org = _org(request, pk, keep=True)
    month, _error = _month(request)
    run_or_say(
        request,
        lambda: services.charge_month(actor=_user(request), organization=org, month=month),
        lambda n: (
            (_("%(n)d members charged for %(month)s.") % {"n": n, "month": f"{month:%Y-%m}"})
            + (
                " "
                + _(
                    "%(n)d members of organisations whose month is closed were skipped: reopen their month to charge them."
                )
                % {"n": n.skipped}
                if n.skipped
                else ""
            )
        ),
    )
    return redirect(ledger_url(org.pk, month))


@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    org = _org(request, pk, keep=True)
    month, _error = _month(request)
    run_or_say(
        request,
        lambda: services.close_month(actor=_user(request), organization=org, month=month),
        _("%(month)s is closed.") % {"month": f"{month:%Y-%m}"},
    )
    return redirect(ledger_url(org.pk, month))


@login_required
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk, keep=True)
    month, _error = _month(request)
    form = ReopenForm(request.POST or None)
    return save_form_page(
        request,
        form,
        lambda data: services.reopen_month(actor=_user(request), organization=org, month=month, reason=data["reason"]),
        done=_("%(month)s is open again.") % {"month": f"{month:%Y-%m}"},
        title=_("Reopen %(month)s") % {"month": f"{month:%Y-%m}"},
        subtitle=org.name,
        cancel_url=ledger_url(org.pk, month),
        note=_("The reason is kept in the audit log. Close the month again once it is corrected."),
    )


# --- the unpaid list, reliefs, statements -------------------------------------------------------------


@login_required
def unpaid(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    month, error = _month(request)
    return render(
        request,
        "dues/unpaid.html",
        {
            "org": org,
            "month": month,
            "month_error": error,
            "rows": selectors.unpaid_list(org, month),
            "flags": selectors.flags(org),
            "keeper": permissions.may_keep_dues_of(_user(request), org),
        },
    )


@login_required
def reliefs(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    return render(
        request,
        "dues/reliefs.html",
        {
            "org": org,
            "rows": selectors.reliefs_under(org)[:300],
            "keeper": permissions.may_keep_dues_of(_user(request), org),
        },
    )


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year + 1 else today.year


def _statement_month(request: HttpRequest) -> int | None:
    raw = request.GET.get("m", "")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= 12 else None


@login_required
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    year, m = _year(request), _statement_month(request)
    first, last = statements.period(year, m)
    rows = selectors.statement(org, first, last)
    return render(
        request,
        "dues/statement.html",
        {
            "org": org,
            "year": year,
            "m": m,
            "months": range(1, 13),
            "rows": rows,
            "total": selectors.statement_total(rows),
            "handovers": selectors.handovers_under(org).filter(month__gte=first, month__lte=last)[:100],
            "keeper": permissions.may_keep_dues_of(_user(request), org),
        },
    )


@login_required
def statement_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The statement as Excel: at once when small, a background job with progress when large
    (a prefecture's year)."""
    org = _org(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = _user(request)
    year, m = _year(request), _statement_month(request)
    first, last = statements.period(year, m)
    if statements.size(org, first, last) > statements.sync_charges():
        job = start_job(
            actor=user,
            kind="export",
            title=_("Dues statement: %(org)s %(when)s")
            % {"org": org.name, "when": f"{year}" + (f"-{m:02d}" if m else "")},
            task=statement_task,
            user_id=user.pk,
            org_id=org.pk,
            year=year,
            month=m,
            language=translation.get_language() or "",
        )
        return redirect("jobs:detail", job.pk)
    data, name, rows = statements.workbook(org, year, m)
    services.statement_exported(actor=user, organization=org, name=name, rows=rows)
    return attachment(data, name)


@login_required
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk, keep=True)
    form = HandoverForm(
        request.POST or None,
        initial={"month": f"{add_months(selectors.this_month(), -1):%Y-%m}", "handed_on": timezone.localdate()},
    )
    return save_form_page(
        request,
        form,
        lambda data: services.record_handover(
            actor=_user(request),
            organization=org,
            month=data["month"],
            amount=data["amount"],
            handed_on=data["handed_on"],
            note=data["note"],
        ),
        done=_("The amount handed upward is recorded."),
        title=_("Dues handed upward"),
        subtitle=org.name,
        cancel_url=reverse("dues:statement", args=[org.pk]),
        note=_("Handed to the committee above the organisation (上缴)."),
    )


# --- a member's dues ----------------------------------------------------------------------------------


def _member_context(request: HttpRequest, person: Person, keeper: bool) -> dict[str, Any]:
    user = _user(request)
    bases = list(selectors.member_bases(person, user)[:24])
    show_base = bool(bases) and permissions.may_see_base_pay(user, bases[0])
    charges = list(selectors.member_charges(person, user)[:36])
    return {
        "person": person,
        "keeper": keeper,
        "charges": charges,
        "payments": list(selectors.member_payments(person, user)[:36]),
        "bases": bases if show_base else [],
        "reliefs": list(selectors.member_reliefs(person, user)[:12]),
        "paid_up_to": selectors.paid_up_to([person.pk]).get(person.pk),
        "owed": sum((c.due - c.paid for c in charges if not c.settled), rules.FEN * 0),
        "unpaid_months": sum(1 for c in charges if not c.settled),
    }


@login_required
def member(request: HttpRequest, pk: int) -> HttpResponse:
    person, keeper = _person(request, pk)
    return render(request, "dues/member.html", _member_context(request, person, keeper))


@login_required
def base_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Show" beside a masked base pay (htmx POST): the pay in clear, the viewing audited."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = _user(request)
    row = get_in_scope(user, selectors.bases_of_people(), pk)
    if not permissions.may_see_base_pay(user, row):
        raise permissions.dues_refused()
    pay = services.reveal_base(actor=user, base=row)
    shown = "—" if pay is None else f"¥{pay:,.2f}"
    return HttpResponse(format_html('<span data-revealed="base_pay">{}</span>', shown))


@login_required
def person_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel on the person's page (loaded lazily): nothing for those who do not read dues."""
    user = _user(request)
    person = get_in_scope(user, people.all_people().select_related("party_org"), pk)
    org = person.party_org
    own = getattr(user, "person_id", None) == person.pk
    if not (own or (org is not None and permissions.may_see_dues_of(user, org))):
        return HttpResponse("")
    keeper = org is not None and permissions.may_keep_dues_of(user, org)
    return render(request, "dues/_person_panel.html", _member_context(request, person, keeper))


def _payers(person: Person) -> Any:
    org = person.party_org
    if org is None:
        return people.people_with_pks([])
    return (
        people.all_people()
        .filter(Q(party_org=org) | Q(party_org__path__startswith=org.path))
        .exclude(pk=person.pk)
        .order_by("name")
    )


@login_required
def set_base(request: HttpRequest, pk: int) -> HttpResponse:
    person, _keeper = _person(request, pk, keep=True)
    last = DuesBase.objects.filter(person=person).order_by("-month").first()
    form = BaseForm(
        request.POST or None,
        initial={"month": f"{selectors.this_month():%Y-%m}", "category": last.category if last else "employed"},
    )
    return save_form_page(
        request,
        form,
        lambda data: services.set_base(
            actor=_user(request),
            person=person,
            month=data["month"],
            category=data["category"],
            base_pay=data["base_pay"],
            chosen_amount=data["chosen_amount"],
        ),
        done=_("The base is saved."),
        title=_("Dues base of %(name)s") % {"name": person.name},
        subtitle=_("A new wage applies from its month; earlier months keep what they were charged."),
        cancel_url=reverse("dues:member", args=[person.pk]),
    )


@login_required
def payment(request: HttpRequest, pk: int) -> HttpResponse:
    person, _keeper = _person(request, pk, keep=True)
    form = PaymentForm(
        request.POST or None,
        payers=_payers(person),
        initial={"first_month": f"{selectors.this_month():%Y-%m}", "months": 1, "paid_on": timezone.localdate()},
    )
    return save_form_page(
        request,
        form,
        lambda data: services.record_payment(
            actor=_user(request),
            person=person,
            first_month=data["first_month"],
            months=data["months"],
            paid_on=data["paid_on"],
            paid_by=data["paid_by"],
            note=data["note"],
        ),
        done=_("The payment is recorded."),
        title=_("Dues paid by %(name)s") % {"name": person.name},
        subtitle=_("Several months at once is a payment in advance."),
        cancel_url=reverse("dues:member", args=[person.pk]),
    )


@login_required
def voluntary(request: HttpRequest, pk: int) -> HttpResponse:
    person, _keeper = _person(request, pk, keep=True)
    form = VoluntaryForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    return save_form_page(
        request,
        form,
        lambda data: services.record_voluntary(
            actor=_user(request), person=person, amount=data["amount"], paid_on=data["paid_on"], note=data["note"]
        ),
        done=_("The voluntary payment is recorded."),
        title=_("Voluntary payment by %(name)s") % {"name": person.name},
        subtitle=_("From ¥1,000.00 a voluntary payment goes wholly to the Central Committee."),
        cancel_url=reverse("dues:member", args=[person.pk]),
    )


@login_required
def relief(request: HttpRequest, pk: int) -> HttpResponse:
    person, _keeper = _person(request, pk, keep=True)
    this = f"{selectors.this_month():%Y-%m}"
    form = ReliefForm(
        request.POST or None, initial={"first_month": this, "last_month": this, "approved_on": timezone.localdate()}
    )
    return save_form_page(
        request,
        form,
        lambda data: services.grant_relief(
            actor=_user(request),
            person=person,
            kind=data["kind"],
            amount=data["amount"],
            first_month=data["first_month"],
            last_month=data["last_month"],
            reason=data["reason"],
            approved_by=data["approved_by"],
            approved_on=data["approved_on"],
        ),
        done=_("The reduction or exemption is recorded."),
        title=_("Reduce or exempt the dues of %(name)s") % {"name": person.name},
        subtitle=_("For hardship, approved by the branch committee or the branch general meeting."),
        cancel_url=reverse("dues:member", args=[person.pk]),
    )


# --- rate bands ---------------------------------------------------------------------------------------


@login_required
def bands(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.may_see_dues(user):
        raise permissions.dues_refused()
    return render(request, "dues/bands.html", {"bands": selectors.bands(), "may_set": permissions.may_set_bands(user)})


@login_required
def band_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.may_set_bands(user):
        raise permissions.bands_refused()
    form = BandSetForm(
        request.POST or None, initial={"effective_from": f"{add_months(selectors.this_month(), 1):%Y-%m}"}
    )
    return save_form_page(
        request,
        form,
        lambda data: services.add_band_set(
            actor=user, category=data["category"], effective_from=data["effective_from"], bands=data["bands"]
        ),
        done=_("The new band set is saved."),
        title=_("A new band set"),
        subtitle=_("Months already charged keep the bands they were charged with."),
        cancel_url=reverse("dues:bands"),
    )
