"""Pages of party building in production: a branch's page (teams in charge with the uncovered
ones, pairings, posts, training), a committee's roll-up and post registry, one pairing with its
notes, one post with its sign and public page, one course with its sessions, one-tap attendance
and assessments, and a committee's settings. Views are thin: rules speak through the services,
who may see what through access."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.access import permissions
from dangjian.access.scopes import CHANGE, VIEW, can
from dangjian.access.shortcuts import get_in_scope
from dangjian.ids import parse_id
from dangjian.organizations.models import Organization
from dangjian.people.crypto import open_bytes
from dangjian.ui.forms import OrgPickerForm, apply_errors, run_or_say, save_form_page, uploaded
from dangjian.ui.paging import paginate, query_without

from . import selectors, services, signs
from .forms import (
    AssessForm,
    ChargeForm,
    ConfigForm,
    CourseForm,
    EndForm,
    EnrolForm,
    HandOverForm,
    NoteForm,
    PairingForm,
    PostForm,
    SessionForm,
    StatusForm,
)
from .models import Course, Pairing, Post, PostKind, PostStatus, Result, SessionAttendance, TeamCharge, Trainee


def _org(request, orgs) -> Organization | None:
    pk = parse_id(request.GET.get("org") or request.POST.get("org"))
    if pk is None:
        return None
    org = orgs.filter(pk=pk).first()
    if org is None:
        raise Http404
    return org


def _kept_org(request) -> Organization:
    """The organisation a "new" form is for: one where the user keeps production work."""
    org = _org(request, selectors.kept_orgs(request.user))
    if org is None:
        org = selectors.kept_orgs(request.user).first()
    if org is None:
        raise permissions.refused(("team_charge", CHANGE))
    return org


def _page_url(org: Organization, anchor: str = "") -> str:
    return f"{reverse('production:page')}?org={org.pk}{anchor}"


# --- the page -------------------------------------------------------------------------------------


@login_required
def page(request):
    """A branch's page, or a committee's roll-up; a person's own records in both."""
    user = request.user
    if not permissions.production_in_menu(user):
        raise permissions.production_refused()
    visible = selectors.page_orgs(user)
    org = _org(request, visible) or selectors.default_org(user)
    mine = selectors.mine(getattr(user, "person", None))
    context: dict[str, Any] = {
        "org": org,
        "mine": mine,
        "org_form": OrgPickerForm(user=user, source="org.production", initial={"org": org}),
    }
    if org is not None and org.kind in selectors.COMMITTEE_KINDS:
        rows, total = selectors.rollup(org)
        registry = selectors.post_registry(user, org)
        context.update(
            rows=rows,
            total=total,
            by_kind=selectors.posts_by_kind(registry),
            waiting=registry.filter(status=PostStatus.PROPOSED).count(),
            may_configure=permissions.may_keep_production(user, org) or bool(permissions.recognising_org_paths(user)),
        )
        return render(request, "production/rollup.html", context)
    if org is not None:
        context.update(
            view=selectors.branch_view(user, org),
            may_keep=permissions.may_keep_production(user, org),
        )
    return render(request, "production/page.html", context)


# --- teams in charge ------------------------------------------------------------------------------


@login_required
def charge_new(request):
    org = _kept_org(request)
    form = ChargeForm(request.POST or None, org=org, initial={"started_on": timezone.localdate(), **request.GET.dict()})
    return save_form_page(
        request,
        form,
        lambda d: services.take_charge(actor=request.user, organization=org, **d),
        done=_("The team is in the member's charge."),
        title=_("Put a team in a member's charge"),
        subtitle=org.display_name,
        cancel_url=_page_url(org, "#coverage"),
    )


def _charge(request, pk) -> TeamCharge:
    return get_in_scope(request.user, selectors.visible_charges(request.user), pk, CHANGE)


@login_required
def charge_hand_over(request, pk):
    charge = _charge(request, pk)
    form = HandOverForm(request.POST or None, org=charge.organization, initial={"on": timezone.localdate()})
    return save_form_page(
        request,
        form,
        lambda d: services.hand_over(actor=request.user, charge=charge, **d),
        done=_("The team was handed over."),
        title=_("Hand over %(team)s") % {"team": charge.team.display_name},
        subtitle=_("Now in the charge of %(name)s since %(day)s")
        % {"name": charge.member.name, "day": charge.started_on},
        cancel_url=_page_url(charge.organization, "#coverage"),
    )


@login_required
def charge_end(request, pk):
    charge = _charge(request, pk)
    form = EndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    form.fields.pop("reason")
    return save_form_page(
        request,
        form,
        lambda d: services.end_charge(actor=request.user, charge=charge, ended_on=d["ended_on"]),
        done=_("The charge ended: the team is uncovered from the next day."),
        title=_("End the charge of %(team)s") % {"team": charge.team.display_name},
        subtitle=charge.member.name,
        cancel_url=_page_url(charge.organization, "#coverage"),
    )


# --- pairings ---------------------------------------------------------------------------------------


@login_required
def pairing_new(request):
    org = _kept_org(request)
    form = PairingForm(request.POST or None, org=org, initial={"started_on": timezone.localdate()})
    limit = selectors.config_for(org).max_partners
    return save_form_page(
        request,
        form,
        lambda d: services.pair(actor=request.user, organization=org, **d),
        done=_("The pairing is recorded."),
        title=_("Pair a member with employees (1+1 / 1+N)"),
        subtitle=org.display_name,
        cancel_url=_page_url(org, "#pairings"),
        next_url=lambda p: reverse("production:pairing", args=[p.pk]),
        note=_("One member pairs with at most %(n)d employees here; an employee has one pairing per purpose at a time.")
        % {"n": limit},
    )


@login_required
def pairing(request, pk):
    # With its employees and latest note, in the one scoped fetch. A note may be dated within an
    # ended pairing too (a late entry): the service checks the dates, as it does for the API.
    p: Pairing = get_in_scope(request.user, selectors.with_partners(selectors.visible_pairings(request.user)), pk, VIEW)
    may_write = permissions.may_write_note(request.user, p)
    may_change = can(request.user, CHANGE, p)
    note_form = NoteForm(request.POST or None, initial={"written_on": timezone.localdate()}, prefix="note")
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied(_("Only the member and the employees of a pairing write its notes."))
        if note_form.is_valid():
            try:
                services.add_note(actor=request.user, pairing=p, author=request.user.person, **note_form.cleaned_data)
            except ValidationError as exc:
                apply_errors(note_form, exc)
            else:
                return redirect("production:pairing", p.pk)
    return render(
        request,
        "production/pairing.html",
        {
            "p": p,
            "notes": selectors.notes_of(p),
            "note_form": note_form,
            "may_write": may_write,
            "may_change": may_change,
        },
        status=400 if note_form.is_bound and note_form.errors else 200,
    )


@login_required
def pairing_end(request, pk):
    p = get_in_scope(request.user, selectors.visible_pairings(request.user), pk, CHANGE)
    form = EndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    return save_form_page(
        request,
        form,
        lambda d: services.end_pairing(actor=request.user, pairing=p, **d),
        done=_("The pairing ended."),
        title=_("End the pairing of %(name)s") % {"name": p.member.name},
        subtitle=p.organization.display_name,
        cancel_url=reverse("production:pairing", args=[p.pk]),
    )


# --- posts --------------------------------------------------------------------------------------------


def _photo(data: dict[str, Any]) -> tuple[str, bytes, str] | None:
    """The form's photo, taken out of its cleaned data, in the services' shape (or None)."""
    f = data.pop("photo", None)
    return uploaded([f])[0] if f else None


@login_required
def post_new(request):
    org = _kept_org(request)
    form = PostForm(request.POST or None, request.FILES or None, org=org, initial={"started_on": timezone.localdate()})

    def save(d: dict[str, Any]) -> Post:
        photo = _photo(d)
        return services.propose_post(actor=request.user, organization=org, photo=photo, **d)

    return save_form_page(
        request,
        form,
        save,
        done=_("The post is proposed: the county recognises it."),
        title=_("Propose a post"),
        subtitle=org.display_name,
        cancel_url=_page_url(org, "#posts"),
        next_url=lambda p: reverse("production:post", args=[p.pk]),
    )


@login_required
def post_edit(request, pk):
    post = get_in_scope(request.user, selectors.visible_posts(request.user), pk, CHANGE)
    initial = {f: getattr(post, f) for f in services.POST_EDITABLE}
    form = PostForm(request.POST or None, request.FILES or None, org=post.organization, initial=initial)

    def save(d: dict[str, Any]) -> Post:
        photo = _photo(d)
        return services.update_post(actor=request.user, post=post, photo=photo, **d)

    return save_form_page(
        request,
        form,
        save,
        done=_("The post is saved."),
        title=_("Edit the post"),
        subtitle=post.title,
        cancel_url=reverse("production:post", args=[post.pk]),
    )


@login_required
def post(request, pk):
    p: Post = get_in_scope(request.user, selectors.visible_posts(request.user), pk, VIEW)
    recognising = permissions.may_recognise_post(request.user, p)
    return render(
        request,
        "production/post.html",
        {
            "p": p,
            "may_change": can(request.user, CHANGE, p),
            "may_recognise": recognising is not None,
            "status_form": StatusForm(),
            "public_url": request.build_absolute_uri(reverse("production:public", args=[p.public_key])),
        },
    )


@login_required
@require_POST
def post_status(request, pk):
    """Recognise, suspend, reinstate (the county) or end (the branch or the county) a post."""
    p: Post = get_in_scope(request.user, selectors.visible_posts(request.user), pk, VIEW)
    status = request.POST.get("status", "")
    refusal = permissions.post_status_refusal(request.user, p, status)
    if refusal is not None:
        raise refusal
    committee_path = permissions.may_recognise_post(request.user, p)
    committee = Organization.objects.filter(path=committee_path).first() if committee_path else None
    run_or_say(
        request,
        lambda: services.set_post_status(
            actor=request.user, post=p, status=status, reason=request.POST.get("reason", ""), recognised_by=committee
        ),
        _("The post's status is saved."),
    )
    nxt = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        nxt = reverse("production:post", args=[p.pk])
    return redirect(nxt)


@login_required
def posts(request):
    """A committee's registry of posts (or a branch's list), by enterprise and kind, filterable."""
    user = request.user
    if not permissions.may_see_production(user, "post"):
        raise permissions.production_refused()
    org = _org(request, selectors.page_orgs(user)) or selectors.default_org(user)
    qs = selectors.post_registry(user, org) if org is not None else selectors.visible_posts(user).none()
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    if status in PostStatus.values:
        qs = qs.filter(status=status)
    if kind in PostKind.values:
        qs = qs.filter(kind=kind)
    page_ = paginate(request, qs)
    return render(
        request,
        "production/posts.html",
        {
            "org": org,
            "page": page_,
            "status": status,
            "kind": kind,
            "statuses": PostStatus.choices,
            "kinds": PostKind.choices,
            "querystring": query_without(request, "page"),
            "recognising": bool(permissions.recognising_org_paths(user)) or user.is_superuser,
        },
    )


def _photo_response(p: Post) -> HttpResponse:
    if not p.photo:
        raise Http404
    response = HttpResponse(open_bytes(bytes(p.photo)), content_type=p.photo_type or "image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def post_photo(request, pk):
    return _photo_response(get_in_scope(request.user, selectors.visible_posts(request.user), pk, VIEW))


@login_required
def post_sign(request, pk):
    """The A5 sign as PDF: the holder's name and photo, the commitment, a QR code to the public page."""
    p: Post = get_in_scope(request.user, selectors.visible_posts(request.user), pk, CHANGE)
    if p.status not in {PostStatus.PROPOSED, PostStatus.RECOGNISED}:
        raise Http404
    data = signs.sign_pdf(p, request.build_absolute_uri(reverse("production:public", args=[p.public_key])))
    services.sign_printed(actor=request.user, post=p)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="post-{p.pk}.pdf"'
    return response


def post_public(request, key):
    """What the sign shows, and only that: for anyone who scans its QR code (no login)."""
    p = selectors.public_post(key)
    if p is None:
        raise Http404
    return render(request, "production/public_post.html", {"p": p})


def post_public_photo(request, key):
    p = selectors.public_post(key)
    if p is None:
        raise Http404
    return _photo_response(p)


# --- training -----------------------------------------------------------------------------------------


@login_required
def course_new(request):
    org = _kept_org(request)
    today = timezone.localdate()
    form = CourseForm(request.POST or None, org=org, initial={"starts_on": today, "ends_on": today})
    return save_form_page(
        request,
        form,
        lambda d: services.open_course(actor=request.user, organization=org, **d),
        done=_("The course is open: enrol its trainees."),
        title=_("Open a member-led course"),
        subtitle=org.display_name,
        cancel_url=_page_url(org, "#training"),
        next_url=lambda c: reverse("production:course", args=[c.pk]),
    )


def _course(request, pk, action: str = VIEW) -> Course:
    return get_in_scope(request.user, selectors.visible_courses(request.user), pk, action)


@login_required
def course(request, pk):
    c = _course(request, pk)
    all_rows = permissions.may_see_assessments(request.user, c)
    trainees = selectors.trainees_of(c)
    if not all_rows:
        own = getattr(request.user, "person_id", None)
        trainees = trainees.filter(person_id=own) if own is not None else trainees.none()
    may_change = can(request.user, CHANGE, c)
    sessions = selectors.sessions_of(c)
    open_session = None
    sid = parse_id(request.GET.get("session"))
    if may_change and sessions:
        open_session = next((s for s in sessions if s.pk == sid), sessions[-1])
    return render(
        request,
        "production/course.html",
        {
            "c": c,
            "trainees": trainees,
            "counts": selectors.result_counts(selectors.trainees_of(c)) if all_rows else None,
            "sessions": sessions,
            "open_session": open_session,
            "sheet": selectors.attendance_sheet(open_session) if open_session else [],
            "may_change": may_change,
            "results": Result.choices,
            "trainer_record": selectors.trained_by(c.trainer) if all_rows else None,
        },
    )


@login_required
def course_enrol(request, pk):
    c = _course(request, pk, CHANGE)
    form = EnrolForm(request.POST or None, course=c)
    return save_form_page(
        request,
        form,
        lambda d: services.enrol(actor=request.user, course=c, people=form.chosen()),
        done=_("The trainees are enrolled."),
        title=_("Enrol trainees"),
        subtitle=c.title,
        cancel_url=reverse("production:course", args=[c.pk]),
    )


@login_required
def session_new(request, pk):
    c = _course(request, pk, CHANGE)
    form = SessionForm(request.POST or None, initial={"held_on": timezone.localdate(), "hours": 2})
    return save_form_page(
        request,
        form,
        lambda d: services.hold_session(actor=request.user, course=c, **d),
        done=_("The session is recorded: mark who came."),
        title=_("Record a session"),
        subtitle=c.title,
        cancel_url=reverse("production:course", args=[c.pk]),
        next_url=lambda s: reverse("production:course", args=[c.pk]) + f"?session={s.pk}#attendance",
    )


@login_required
@require_POST
def attendance(request, pk, attendance_pk):
    """One tap: present or not (htmx swaps the row; without JavaScript the page reloads)."""
    c = _course(request, pk, CHANGE)
    row = (
        SessionAttendance.objects.filter(pk=attendance_pk, session__course=c)
        .select_related("trainee__person", "session")
        .first()
    )
    if row is None:
        raise Http404
    error = ""
    try:
        row = services.mark_attendance(actor=request.user, attendance=row, present=request.POST.get("present") == "1")
    except ValidationError as exc:
        error = " ".join(exc.messages)
        row.refresh_from_db()
    if request.headers.get("HX-Request"):
        return render(request, "production/_attendance_row.html", {"a": row, "c": c, "error": error})
    if error:
        messages.error(request, error)
    return redirect(reverse("production:course", args=[c.pk]) + f"?session={row.session_id}#attendance")


@login_required
def assess(request, pk):
    t: Trainee = get_object_or_404(Trainee.objects.select_related("course", "person"), pk=pk)
    c = _course(request, t.course_id, CHANGE)
    initial = {
        "result": t.result,
        "assessed_on": t.assessed_on or timezone.localdate(),
        "certificate_no": t.certificate_no,
        "certified_on": t.certified_on,
    }
    form = AssessForm(request.POST or None, initial=initial)
    return save_form_page(
        request,
        form,
        lambda d: services.assess(actor=request.user, trainee=t, **d),
        done=_("The assessment is saved."),
        title=_("Assessment of %(name)s") % {"name": t.person.name},
        subtitle=c.title,
        cancel_url=reverse("production:course", args=[c.pk]) + "#trainees",
    )


# --- settings ---------------------------------------------------------------------------------------


@login_required
def config(request):
    """A committee's local practice: the N of 1+N, probationary holders, when a pairing is quiet."""
    user = request.user
    orgs = Organization.objects.filter(
        kind__in=selectors.COMMITTEE_KINDS, path__in=permissions.recognising_org_paths(user)
    )
    if user.is_superuser:
        orgs = Organization.objects.filter(kind__in=selectors.COMMITTEE_KINDS)
    org = _org(request, orgs) or orgs.order_by("depth").first()
    if org is None:
        raise permissions.refused(
            ("post", CHANGE), message=_("A committee's organisation department keeps these settings.")
        )
    current = selectors.config_for(org)
    form = ConfigForm(
        request.POST or None,
        initial={
            "max_partners": current.max_partners,
            "probationary_holders": current.probationary_holders,
            "quiet_days": current.quiet_days,
        },
    )
    return save_form_page(
        request,
        form,
        lambda d: services.save_config(actor=user, organization=org, **d),
        done=_("The settings are saved; they apply to every branch below."),
        title=_("Settings for party building in production"),
        subtitle=org.display_name,
        cancel_url=_page_url(org),
    )
