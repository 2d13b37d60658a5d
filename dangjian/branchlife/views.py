"""Branch-life pages: the meeting list, planning and recording a meeting, quick attendance on a
phone (one tap per person, or a QR code members scan to check themselves in), invitations to
non-members, the compliance calendar of a branch and the roll-up of a committee's branches, the
meeting register (台账) download and a committee's frequency rules. Views are thin: rules
speak through the services."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian import files
from dangjian.access.permissions import (
    export_refused,
    may_export,
    may_keep,
    may_see_meetings,
    meetings_refused,
    refused,
)
from dangjian.access.scopes import CHANGE, MEETING, can
from dangjian.access.shortcuts import create_in_scope, get_in_scope
from dangjian.exports.selectors import covering_org_path
from dangjian.exports.services import sync_limit
from dangjian.ids import parse_id, parse_whole
from dangjian.jobs.services import start_job
from dangjian.organizations.models import Organization
from dangjian.ui import lookups
from dangjian.ui.downloads import attachment as download
from dangjian.ui.forms import OrgPickerForm, apply_errors, run_or_say
from dangjian.ui.paging import paginate, query_without

from . import printing, register, rollup, rules, selectors, services
from .forms import FrequencyForm, InviteForm, MeetingForm
from .models import Attendance, Meeting, MeetingAttachment, MeetingKind
from .tasks import register_task

if TYPE_CHECKING:
    from dangjian.access.models import User


def _require_meetings(user: User) -> None:
    if not may_see_meetings(user):
        raise meetings_refused()


def _year(request) -> int:
    today = timezone.localdate()
    return parse_whole(request.GET.get("year"), 2000, today.year + 1) or today.year


# --- list and register -----------------------------------------------------------------------------


@login_required
def meeting_list(request):
    _require_meetings(request.user)
    qs, filters = register.filtered(request.user, request.GET)
    page = paginate(request, qs)
    counts = selectors.tallies(page.object_list)
    for m in page.object_list:
        m.tally = counts[m.pk]
    return render(
        request,
        "branchlife/list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": MeetingKind.choices,
            "statuses": Meeting.Status.choices,
            "querystring": query_without(request, "page"),
            "may_plan": selectors.meeting_orgs(request.user).exists(),
            "may_export": may_export(request.user),
        },
    )


@login_required
def register_download(request):
    """The register as Excel: written at once when small, else as a background job with
    progress (the same threshold as every other export). It holds everyone's attendance and
    leave reasons: for those who keep meetings, not for every member who may read one."""
    if not may_export(request.user):
        raise export_refused()
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    qs, filters = register.filtered(request.user, request.GET)
    if register.size(qs) > sync_limit():
        job = start_job(
            actor=request.user,
            kind="export",
            title=_("Excel export: %(name)s") % {"name": str(register.STEM)},
            task=register_task,
            user_id=request.user.pk,
            params=dict(request.GET.lists()),
            language=translation.get_language() or "",
        )
        return redirect("jobs:detail", job.pk)
    data, name, meetings, rows = register.workbook(qs, filters)
    org = filters.get("org")
    services.register_exported(
        actor=request.user,
        name=name,
        meetings=meetings,
        rows=rows,
        org_path=org.path if org is not None else covering_org_path(request.user, MEETING),
    )
    return download(data, name)


# --- one meeting --------------------------------------------------------------------------------------


def _meeting(request, pk, action: str = "view") -> Meeting:
    return get_in_scope(request.user, selectors.visible_meetings(request.user), pk, action)


def _meeting_form_page(request, form: MeetingForm, *, meeting: Meeting | None, status: int = 200):
    cancel = reverse("branchlife:detail", args=[meeting.pk]) if meeting else reverse("branchlife:list")
    return render(
        request,
        "branchlife/form.html",
        {"form": form, "meeting": meeting, "org": form.org, "cancel_url": cancel},
        status=status,
    )


def _save_meeting(
    request, form: MeetingForm, save: Callable[[dict[str, Any]], Meeting], *, meeting: Meeting | None, done: str
):
    """On a valid POST, `save(the form's service arguments)`; a refusal lands on the form (400)
    with nothing saved, success says `done` and goes to the meeting."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.service_kwargs())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("branchlife:detail", saved.pk)
    return _meeting_form_page(request, form, meeting=meeting, status=400 if form.is_bound and form.errors else 200)


@login_required
def new(request):
    orgs = selectors.meeting_orgs(request.user)
    pk = request.GET.get("org")
    org: Organization | None
    if pk:
        org = get_in_scope(request.user, orgs, pk)  # meeting_orgs: already where the user keeps meetings
    else:
        only = list(orgs[:2])
        org = only[0] if len(only) == 1 else None
    if org is None:
        if not only:
            raise refused((MEETING, CHANGE))
        return render(
            request, "branchlife/choose_org.html", {"form": OrgPickerForm(user=request.user, source="org.meeting")}
        )
    initial = {"kind": request.GET.get("kind"), "held_on": request.GET.get("on") or timezone.localdate()}
    form = MeetingForm(request.POST or None, request.FILES or None, org=org, initial=initial)
    return _save_meeting(
        request,
        form,
        lambda data: create_in_scope(
            request.user, lambda: services.plan_meeting(actor=request.user, organization=org, **data)
        ),
        meeting=None,
        done=_("Meeting saved. Mark who came below."),
    )


@login_required
def edit(request, pk):
    meeting = _meeting(request, pk, CHANGE)
    fields: tuple[str, ...] = ("kind", "status", "held_on", "starts_at", "place", "topic", "minutes", "materials")
    fields += ("hours", "note", "all_members")
    initial = {f: getattr(meeting, f) for f in fields}
    initial.update(host=meeting.host_id, recorder=meeting.recorder_id)
    form = MeetingForm(
        request.POST or None, request.FILES or None, org=meeting.organization, kind=meeting.kind, initial=initial
    )
    return _save_meeting(
        request,
        form,
        lambda data: services.update_meeting(actor=request.user, meeting=meeting, **data),
        meeting=meeting,
        done=_("Meeting saved."),
    )


def _checkin_qr_context(request, meeting: Meeting) -> dict[str, Any] | None:
    """The QR code for the screen in the room, or None outside the meeting's day. Its link carries
    this minute's code (services.checkin_code), never the meeting's secret."""
    if meeting.status == Meeting.Status.CANCELLED or meeting.held_on != timezone.localdate():
        return None
    now = timezone.now()
    url = request.build_absolute_uri(
        reverse("branchlife:checkin", args=[meeting.pk]) + f"?c={services.checkin_code(meeting, now)}"
    )
    changes_in = rules.checkin_step_ends(rules.checkin_step(now)) - now
    return {
        "checkin_url": url,
        "qr_svg": segno.make(url, error="m").svg_inline(scale=6, dark="#000", light="#fff"),
        "code_seconds_left": max(1, math.ceil(changes_in.total_seconds())),
    }


def _detail(request, meeting: Meeting, *, invite_form: InviteForm | None = None, status: int = 200):
    may_change = may_keep(request.user, meeting)
    members, invited = selectors.attendance_of(meeting, reasons=may_change)
    open_ = meeting.status != Meeting.Status.CANCELLED
    context: dict[str, Any] = {
        "m": meeting,
        "members": members,
        "invited": invited,
        "tally": selectors.tally(members, invited),
        "may_change": may_change and open_,
        "attachments": list(meeting.attachments.only("pk", "file_name", "size", "meeting_id")),
        "states": Attendance.State.choices,
        "committee_rule": meeting.kind == MeetingKind.COMMITTEE,
    }
    if may_change and open_:
        people = selectors.invitable(request.user, meeting)
        context["invite_form"] = invite_form or InviteForm(people=people[: lookups.SEARCH_RESULTS])
        context["checkin_later"] = meeting.held_on > timezone.localdate()
        context.update(_checkin_qr_context(request, meeting) or {})
    return render(request, "branchlife/detail.html", context, status=status)


@login_required
def detail(request, pk):
    return _detail(request, _meeting(request, pk))


@login_required
@require_POST
def mark(request, pk, attendance_pk):
    meeting = _meeting(request, pk, CHANGE)
    row = meeting.attendances.select_related("person", "meeting").filter(pk=attendance_pk).first()
    if row is None:
        raise Http404
    error = ""
    try:
        row = services.set_attendance(
            actor=request.user,
            attendance=row,
            state=request.POST.get("state", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
        row.refresh_from_db()
    if request.headers.get("HX-Request"):
        return render(
            request,
            "branchlife/_attendance_row.html",
            {
                "a": row,
                "m": meeting,
                "may_change": True,
                "states": Attendance.State.choices,
                "error": error,
                "tally": selectors.tallies([meeting])[meeting.pk],  # counted, not every row read again
                "oob": True,
            },
        )  # 200 even when refused: htmx swaps only successful answers, and the row shows why
    if error:
        messages.error(request, error)
    return redirect(reverse("branchlife:detail", args=[meeting.pk]) + f"#a{row.pk}")


@login_required
@require_POST
def all_present(request, pk):
    meeting = _meeting(request, pk, CHANGE)
    run_or_say(
        request,
        lambda: services.mark_all_present(actor=request.user, meeting=meeting),
        lambda n: _("%(n)d marked present.") % {"n": n},
    )
    return redirect("branchlife:detail", meeting.pk)


@login_required
@require_POST
def invite(request, pk):
    meeting = _meeting(request, pk, CHANGE)
    form = InviteForm(request.POST, people=selectors.invitable(request.user, meeting))
    if form.is_valid():
        try:
            services.invite(actor=request.user, meeting=meeting, person=form.cleaned_data["person"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is invited.") % {"name": form.cleaned_data["person"].name})
            return redirect(reverse("branchlife:detail", args=[meeting.pk]) + "#invited")
    return _detail(request, meeting, invite_form=form, status=400)


@login_required
def invitees(request, pk):
    """The first non-members matching a search, as <option>s for the invite form."""
    meeting = _meeting(request, pk, CHANGE)
    found = list(
        lookups.SOURCES["person"]
        .find(request.user, request.GET.get("search", ""))
        .filter(pk__in=selectors.invitable(request.user, meeting).values("pk"))[: lookups.SEARCH_RESULTS + 1]
    )
    label = lookups.SOURCES["person"].label_of
    return render(
        request,
        "ui/_lookup_options.html",
        {
            "options": [(p.pk, label(p)) for p in found[: lookups.SEARCH_RESULTS]],
            # Nobody chosen until the user picks: one tap must not invite the first match.
            "empty": _("— choose whom to invite —") if found else "",
            "more": len(found) > lookups.SEARCH_RESULTS,
            "shown": lookups.SEARCH_RESULTS,
        },
    )


@login_required
@require_POST
def uninvite(request, pk, attendance_pk):
    meeting = _meeting(request, pk, CHANGE)
    row = meeting.attendances.select_related("meeting__organization").filter(pk=attendance_pk, invited=True).first()
    if row is None:
        raise Http404
    run_or_say(request, lambda: services.uninvite(actor=request.user, attendance=row))
    return redirect(reverse("branchlife:detail", args=[meeting.pk]) + "#invited")


@login_required
def checkin_qr(request, pk):
    """The QR partial the meeting page polls (hx-trigger "every 20s"): this minute's code, for
    those who keep the meeting. After the meeting's day it answers 286, which stops the polling."""
    meeting = _meeting(request, pk, CHANGE)
    context = _checkin_qr_context(request, meeting)
    if context is None:
        return render(request, "branchlife/_checkin_qr.html", {"m": meeting, "closed": True}, status=286)
    return render(request, "branchlife/_checkin_qr.html", {"m": meeting, **context})


@login_required
def checkin(request, pk):
    """Where the QR code leads: the member, signed in on their phone, confirms they are here."""
    meeting = _meeting(request, pk)
    code = request.GET.get("c", "")
    person = getattr(request.user, "person", None)
    refusal = services.check_in_refusal(meeting, person, code)
    done = None
    if request.method == "POST" and not refusal:
        try:
            done = services.check_in(actor=request.user, meeting=meeting, code=code)
        except ValidationError as exc:
            refusal = " ".join(exc.messages)
    if done is None and person is not None:
        done = meeting.attendances.filter(
            person=person, state=Attendance.State.PRESENT, checked_in_at__isnull=False
        ).first()
    return render(
        request,
        "branchlife/checkin.html",
        {"m": meeting, "refusal": refusal, "done": done, "code": code},
        status=400 if refusal and request.method == "POST" else 200,
    )


@login_required
def attachment(request, pk):
    doc = MeetingAttachment.objects.select_related("meeting__organization").filter(pk=pk).first()
    if doc is None or not selectors.visible_meetings(request.user).filter(pk=doc.meeting_id).exists():
        raise Http404
    if request.method != "POST":  # it writes an audit event: no link from elsewhere may trigger it
        return HttpResponseNotAllowed(["POST"])
    return download(files.opened(actor=request.user, document=doc), doc.file_name, doc.content_type)


# --- the compliance calendar and the roll-up ----------------------------------------------------------


@login_required
def calendar(request):
    _require_meetings(request.user)
    pk = request.GET.get("org")
    orgs = selectors.calendar_orgs(request.user)
    if pk:
        # Outside the user's meeting roles the organisation does not exist, for this page.
        org_id = parse_id(pk)
        org = orgs.filter(pk=org_id).first() if org_id else None
        if org is None:
            raise Http404
    else:
        org = selectors.default_org(request.user)
    year = _year(request)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "org": org,
        "year": year,
        "today": today,
        "states": rules.STATE_LABELS,
        "org_form": OrgPickerForm(user=request.user, source="org.calendar", initial={"org": org}),
    }
    if org is not None and org.kind in rules.CALENDAR_ORG_KINDS:
        context["cal"] = selectors.calendar(org, year, today)
        context["may_plan"] = selectors.meeting_orgs(request.user).filter(pk=org.pk).exists()
    elif org is not None:
        rows = selectors.rollup(org, year, today)
        context["page"] = paginate(request, rows)
        context["querystring"] = query_without(request, "page")
        context["behind"] = sum(1 for c in rows if c.overdue)
        context["branches"] = len(rows)
        context["may_configure"] = org.kind in selectors.FREQUENCY_RULE_KINDS and can(request.user, CHANGE, org)
    return render(request, "branchlife/calendar.html", context)


@login_required
@require_POST
def print_meeting(request, pk, kind):
    """The meeting's sign-in sheet or minutes as PDF, for those who keep it (they hold the leave
    reasons the minutes print); recorded as an export."""
    if kind not in printing.KINDS:
        raise Http404
    meeting = _meeting(request, pk, CHANGE)
    data, name = printing.document(meeting, kind)
    services.meeting_printed(actor=request.user, meeting=meeting, kind=kind, name=name)
    return download(data, name, "application/pdf")


@login_required
def rollup_download(request):
    """A committee's roll-up as Excel (POST), as the calendar page shows it."""
    _require_meetings(request.user)
    org_id = parse_id(request.GET.get("org", ""))
    org = selectors.calendar_orgs(request.user).filter(pk=org_id).first() if org_id else None
    if org is None or org.kind in rules.CALENDAR_ORG_KINDS:
        raise Http404  # outside the user's meeting roles, or a branch (its calendar is the page)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    data, name, count = rollup.workbook(org, _year(request), timezone.localdate())
    services.rollup_exported(actor=request.user, name=name, organizations=count, org=org, year=_year(request))
    return download(data, name)


@login_required
def frequency(request, pk):
    org = get_in_scope(request.user, Organization, pk, CHANGE)
    if org.kind not in selectors.FREQUENCY_RULE_KINDS:
        raise Http404
    above = services.rules_above(org)
    own = {r.kind: r for r in org.meeting_rules.all()}
    forms = []
    for kind in rules.SCHEDULED_KINDS:
        rule = own.get(kind)
        data = request.POST if request.method == "POST" else None
        initial = {"period": above[kind].period, "times": above[kind].times, "day_of_month": above[kind].day_of_month}
        forms.append(
            (
                kind,
                MeetingKind(kind).label,
                above[kind],
                rule,
                FrequencyForm(data, instance=rule, initial=initial, prefix=kind, kind=kind),
            )
        )
    if request.method == "POST":
        ok = all(f.is_valid() for *_rest, f in forms)
        if ok:
            try:
                _save_rules(request, org, forms, above)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Meeting frequencies saved."))
                return redirect(reverse("branchlife:calendar") + f"?org={org.pk}")
    return render(
        request,
        "branchlife/frequency.html",
        {"org": org, "forms": forms, "regulated": rules.REGULATED},
        status=400 if request.method == "POST" else 200,
    )


def _save_rules(request, org: Organization, forms: list, above: dict) -> None:
    with transaction.atomic():
        for kind, _label, inherited, _own, form in forms:
            d = form.cleaned_data
            same = (d["period"], d["times"], d.get("day_of_month")) == (
                inherited.period,
                inherited.times,
                inherited.day_of_month,
            )
            if same:
                services.reset_rule(actor=request.user, organization=org, kind=kind)
            else:
                services.save_rule(
                    actor=request.user,
                    organization=org,
                    kind=kind,
                    period=d["period"],
                    times=d["times"],
                    day_of_month=d.get("day_of_month"),
                )
