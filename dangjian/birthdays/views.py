"""Political birthday pages: the cohort of a month or quarter with its cards, the batch of cards
run as a job, one member's card, and the local settings. Views are thin: what a cohort is comes
from the selectors, printing and its record from the services."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dangjian import calendar
from dangjian.access import permissions
from dangjian.access.scopes import CHANGE, can
from dangjian.access.shortcuts import get_in_scope
from dangjian.development.selectors import LOCAL_PRACTICE_KINDS
from dangjian.jobs.services import start_job
from dangjian.jobs.views import go_to_job
from dangjian.organizations.models import Organization, OrgKind
from dangjian.ui.downloads import attachment
from dangjian.ui.forms import OrgPickerForm, save_form_page

from . import selectors, services
from .forms import ConfigForm
from .models import BirthdayConfig
from .tasks import print_cards_task


def _require_birthdays(user: Any) -> None:
    if not permissions.may_see_birthdays(user):
        raise permissions.birthdays_refused()


def _chosen_org(request) -> Organization | None:
    """?org=<pk> among the organisations the user may see (else 404), or the user's own."""
    pk = request.GET.get("org")
    if pk:
        return get_in_scope(request.user, selectors.cohort_orgs(request.user), pk)
    return selectors.default_org(request.user)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def chosen_period(params: Any, kind: str, today: dt.date) -> calendar.Period:
    """?year=&period= (month 1–12 or quarter 1–4), else the period containing today."""
    year, index = _int(params.get("year")), _int(params.get("period"))
    if year is not None and index is not None and 1900 < year < 3000:  # its neighbours must exist too
        try:
            return calendar.Period(year, index, kind)
        except ValueError:
            pass
    return calendar.period_of(today, kind)


def period_label(period: calendar.Period) -> str:
    if period.kind == calendar.MONTH:
        return formats.date_format(period.first_day, "YEAR_MONTH_FORMAT")
    return period.label


def _query(org: Organization, period: calendar.Period) -> str:
    return f"?org={org.pk}&year={period.year}&period={period.index}"


def celebration_url(user: Any, org: Organization, period: calendar.Period) -> str | None:
    """The meetings page that plans the period's collective celebration, where the user may
    plan meetings of `org` (a branch; a committee's page has no single celebration)."""
    keeps_meetings = org.is_party_unit or org.kind == OrgKind.PARTY_GROUP
    if not keeps_meetings or not permissions.may_keep_meetings_of(user, org):
        return None
    return f"{reverse('branchlife:new')}?org={org.pk}&kind=celebration&on={period.last_day.isoformat()}"


def _may_configure(user: Any, org: Organization | None) -> bool:
    return org is not None and org.kind in LOCAL_PRACTICE_KINDS and can(user, CHANGE, org)


@login_required
def cohort(request):
    _require_birthdays(request.user)
    org = _chosen_org(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    context: dict[str, Any] = {"org": org, "org_form": OrgPickerForm(user=request.user, initial={"org": org})}
    if org is not None:
        today = timezone.localdate()
        kind = selectors.config_for(org).period
        period = chosen_period(request.GET, kind, today)
        rows = selectors.cohort(request.user, org, period.year, period.index, period.kind)
        may_change = can(request.user, CHANGE, org)
        links = {
            "previous": period.previous(),
            "current": calendar.period_of(today, kind),
            "next": period.next(),
        }
        context.update(
            period=period,
            label=period_label(period),
            rows=rows,
            links={name: _query(org, p) for name, p in links.items()},
            is_current=period == links["current"],
            may_print=may_change and bool(rows),
            print_query=_query(org, period),
            celebrate_url=celebration_url(request.user, org, period) if may_change else None,
            may_configure=_may_configure(request.user, org),
            own_id=getattr(request.user, "person_id", None),
        )
    return render(request, "birthdays/cohort.html", context)


@login_required
def cohort_download(request):
    """The cohort list as Excel (POST: a disclosure of admission dates, recorded)."""
    _require_birthdays(request.user)
    pk = request.GET.get("org")
    if not pk:
        raise Http404
    org = get_in_scope(request.user, selectors.cohort_orgs(request.user), pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    period = chosen_period(request.GET, selectors.config_for(org).period, timezone.localdate())
    data, name, _rows = services.cohort_sheet(actor=request.user, org=org, period=period, label=period_label(period))
    return attachment(data, name)


@login_required
def cards(request):
    """All the cards of the cohort in one PDF, made by a background job (POST)."""
    pk = request.GET.get("org")
    if not pk:
        raise Http404
    org = get_in_scope(request.user, selectors.cohort_orgs(request.user), pk, CHANGE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    period = chosen_period(request.GET, selectors.config_for(org).period, timezone.localdate())
    back = reverse("birthdays:cohort") + _query(org, period)
    if not selectors.cohort(request.user, org, period.year, period.index, period.kind):
        messages.error(
            request, _("Nobody here celebrates a political birthday in this period: there is nothing to print.")
        )
        return redirect(back)
    job = start_job(
        actor=request.user,
        kind="birthday_cards",
        title=_("Political birthday cards: %(org)s, %(period)s")
        % {"org": org.display_name, "period": period_label(period)},
        task=print_cards_task,
        org_id=org.pk,
        year=period.year,
        index=period.index,
        period_kind=period.kind,
    )
    return go_to_job(request, job)


@login_required
def card(request, pk):
    """One member's card for a year (?year=, else this year): a page saying whose and which
    anniversary it is, and a POST that downloads it — a disclosure of the member's admission
    date, so it is recorded, and no link or prefetch can trigger it."""
    person = get_in_scope(request.user, selectors.card_people(request.user), pk)
    today = timezone.localdate()
    year = _int(request.GET.get("year")) or today.year
    found = selectors.celebrant(person, year) if 1900 < year < 3000 else None
    if found is None:
        return render(request, "birthdays/no_card.html", {"person": person, "year": year}, status=404)
    if request.method != "POST":
        return render(request, "birthdays/card_page.html", {"c": found, "year": year})
    printed = services.print_card(actor=request.user, celebrant=found, today=today)
    return attachment(printed.data, printed.name, services.PDF)


@login_required
def settings(request, pk):
    org = get_in_scope(request.user, Organization, pk, CHANGE)
    if org.kind not in LOCAL_PRACTICE_KINDS:
        raise Http404
    config = BirthdayConfig.objects.filter(organization=org).first()
    if config is None:
        # A new row, not saved, showing the settings the organisation inherits.
        config = BirthdayConfig(organization=org, **dataclasses.asdict(selectors.config_for(org)))
    return save_form_page(
        request,
        ConfigForm(request.POST or None, instance=config),
        lambda data: services.save_config(actor=request.user, organization=org, **data),
        done=_("Political birthday settings saved."),
        title=_("Political birthday settings"),
        subtitle=org.display_name,
        cancel_url=reverse("birthdays:cohort") + f"?org={org.pk}",
        note=_(
            "For every organisation under this one that has no settings of its own: how members are grouped "
            "for the collective celebration, the greeting printed on their cards and sent on the day, and the "
            "committee that issues the cards. Whether the birthday counts from admission or from conversion "
            "is a membership development setting."
        ),
    )
