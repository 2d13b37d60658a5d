"""Pages of county guidance: the instructor's enterprises with the visit due and the problems in
their hands; a committee's table of its instructors (who is behind, what is open or overdue);
one enterprise's visits; a visit with its photos and follow-ups; the declaration, the visit form,
the closing of a follow-up and a committee's settings; the county's appraisals of the year, the
appraisal of one instructor, an instructor's appraisals of every year, and the enterprise's
opinion of its instructor. Views are thin: rules speak through the
services, who may see what through access."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian import files
from dangjian.access import permissions
from dangjian.access.scopes import VIEW
from dangjian.access.shortcuts import get_in_scope
from dangjian.ids import parse_id
from dangjian.organizations.models import Enterprise, Organization
from dangjian.ui.downloads import attachment as download
from dangjian.ui.forms import apply_errors, save_form_page
from dangjian.ui.paging import paginate

from . import selectors, services
from .forms import AppraisalForm, CloseForm, ConfigForm, FollowUpForm, OpinionForm, VisitForm
from .models import FollowUp, Grade, OpinionRole, Visit, VisitPhoto


def _require(user: Any) -> None:
    if not permissions.may_see_guidance(user):
        raise permissions.guidance_refused()


def _committee(request, user: Any) -> Organization | None:
    orgs = selectors.committee_orgs(user)
    pk = parse_id(request.GET.get("org"))
    if pk is not None:
        org = orgs.filter(pk=pk).first()
        if org is None:
            raise Http404
        return org
    paths = permissions.guidance_committee_paths(user)
    return orgs.filter(path__in=paths).first() or orgs.first()


def _instructor_enterprise(request) -> Enterprise:
    """The enterprise of a visit or declaration form: one the user is assigned to."""
    enterprises = selectors.instructor_enterprises(request.user)
    raw = request.GET.get("enterprise") or request.POST.get("enterprise")
    if raw:  # another enterprise than the user's own does not exist, for this form
        pk = parse_id(raw)
        ent = enterprises.filter(pk=pk).first() if pk is not None else None
        if ent is None:
            raise Http404
        return ent
    ent = enterprises.first()
    if ent is None:
        raise permissions.visit_refused()
    return ent


@login_required
def page(request):
    """The instructor's enterprises, the follow-ups in the user's hands, the visits to the user's
    enterprises, and for a committee its instructors and open follow-ups."""
    user = request.user
    _require(user)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "today": today,
        "mine": selectors.my_assignments(user, today),
        "owned": list(selectors.owned_follow_ups(user)[:50]),
        "may_see_ratings": permissions.may_see_ratings(user),
    }
    committee = _committee(request, user)
    show = request.GET.get("show", "")
    if committee is not None:
        rows = selectors.instructors_of(committee, today)
        context.update(
            committee=committee,
            committees=selectors.committee_orgs(user),
            summary=selectors.overview(rows),
            show=show,
            rows=[r for r in rows if r.cadence.behind] if show == "behind" else rows,
            may_configure=permissions.may_configure_guidance(user, committee),
            may_rollup=bool(permissions.rollup_paths(user)),
            config=selectors.config_for(committee),
        )
        follow = selectors.open_follow_ups(user, committee=committee)
        if show == "overdue":
            follow = follow.filter(due_on__lt=today)
        context["follow_ups"] = paginate(request, follow, per_page=50)
        context["querystring"] = f"org={committee.pk}&show={show}"
    elif not context["mine"]:
        context["visits"] = paginate(request, selectors.visible_visits(user), per_page=30)
    year = selectors.default_appraisal_year(today)
    context.update(opinion_year=year, opinions=selectors.opinion_rows(user, year))
    return render(request, "guidance/page.html", context)


@login_required
def declare(request):
    ent = _instructor_enterprise(request)
    assignment = selectors.assignment_of(request.user, ent)
    if assignment is None:  # never: the enterprise is one of the user's assignments
        raise permissions.visit_refused()
    declaration = getattr(assignment, "declaration", None)
    if request.method == "POST" and declaration is None:
        if request.POST.get("confirm") == "1":
            services.declare(actor=request.user, assignment=assignment)
            return redirect(f"{reverse('guidance:visit_new')}?enterprise={ent.pk}")
    statement = declaration.statement if declaration else str(services.DECLARATION) % {"enterprise": ent.display_name}
    return render(
        request,
        "guidance/declare.html",
        {"enterprise": ent, "assignment": assignment, "declaration": declaration, "statement": statement},
    )


@login_required
def visit_new(request):
    ent = _instructor_enterprise(request)
    assignment = selectors.assignment_of(request.user, ent)
    if assignment is not None and getattr(assignment, "declaration", None) is None:
        return redirect(f"{reverse('guidance:declare')}?enterprise={ent.pk}")
    config = selectors.config_for(ent.supervising_org)
    form = VisitForm(
        request.POST or None, request.FILES or None, config=config, initial={"visited_on": timezone.localdate()}
    )
    return save_form_page(
        request,
        form,
        lambda d: services.record_visit(actor=request.user, enterprise=ent, **d),
        done=_("The visit is recorded. Add the problems found, if any."),
        title=_("Record a visit"),
        subtitle=ent.display_name,
        cancel_url=reverse("guidance:page"),
        next_url=lambda v: reverse("guidance:visit", args=[v.pk]),
    )


def _visit(request, pk) -> Visit:
    return get_in_scope(request.user, selectors.visible_visits(request.user), pk, VIEW)


@login_required
def visit(request, pk):
    v = _visit(request, pk)
    may_edit = permissions.may_edit_visit(request.user, v)
    owners = selectors.owners_for(v.enterprise) if may_edit else []
    form = FollowUpForm(
        request.POST or None,
        owners=owners,
        initial={"due_on": timezone.localdate() + dt.timedelta(days=30)},
        prefix="f",
    )
    if request.method == "POST":
        if not may_edit:
            raise permissions.visit_refused()
        if form.is_valid():
            try:
                item = services.add_follow_up(actor=request.user, visit=v, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect(reverse("guidance:visit", args=[v.pk]) + f"#f{item.pk}")
    items = list(selectors.follow_ups_of(v))
    return render(
        request,
        "guidance/visit.html",
        {
            "v": v,
            "topics": [selectors.topic_label(t) for t in v.topics],
            "photos": selectors.photos_of(v),
            "items": items,
            "closable": {
                i.pk
                for i in items
                if i.status == FollowUp.Status.OPEN and permissions.may_close_follow_up(request.user, i)
            },
            "today": timezone.localdate(),
            "may_edit": may_edit,
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def visit_edit(request, pk):
    v = _visit(request, pk)
    if not permissions.may_edit_visit(request.user, v):
        raise permissions.visit_refused()
    config = selectors.config_for(v.enterprise.supervising_org)
    initial = {f: getattr(v, f) for f in services.VISIT_EDITABLE}
    form = VisitForm(request.POST or None, request.FILES or None, config=config, extra_topics=v.topics, initial=initial)
    return save_form_page(
        request,
        form,
        lambda d: services.update_visit(actor=request.user, visit=v, **d),
        done=_("The visit is saved."),
        title=_("Correct the visit"),
        subtitle=f"{v.enterprise.display_name} · {v.visited_on:%Y-%m-%d}",
        cancel_url=reverse("guidance:visit", args=[v.pk]),
    )


@login_required
def visit_photo(request, pk, photo_pk):
    v = _visit(request, pk)
    doc = get_object_or_404(VisitPhoto, pk=photo_pk, visit=v)
    if request.method != "POST":  # it writes an audit event: no link from elsewhere may trigger it
        return HttpResponseNotAllowed(["POST"])
    return download(files.opened(actor=request.user, document=doc), doc.file_name, doc.content_type)


@login_required
def follow_up_close(request, pk):
    item: FollowUp = get_in_scope(request.user, selectors.visible_follow_ups(request.user), pk, VIEW)
    if not permissions.may_close_follow_up(request.user, item):
        raise permissions.refused(
            message=_("A follow-up is closed by the one in whose hands it is, or by the instructor.")
        )
    form = CloseForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    return save_form_page(
        request,
        form,
        lambda d: services.close_follow_up(actor=request.user, item=item, **d),
        done=_("The follow-up is closed."),
        title=_("Close the follow-up"),
        subtitle=item.problem[:120],
        cancel_url=reverse("guidance:visit", args=[item.visit_id]) + f"#f{item.pk}",
    )


@login_required
def visits(request):
    """One enterprise's visits (or all the user may see), newest first."""
    user = request.user
    _require(user)
    qs = selectors.visible_visits(user)
    ent = None
    if request.GET.get("enterprise"):
        ent = selectors.visit_enterprise(user, parse_id(request.GET.get("enterprise")))
        if ent is None:
            raise Http404
        qs = qs.filter(enterprise=ent)
    return render(request, "guidance/visits.html", {"enterprise": ent, "visits": paginate(request, qs, per_page=30)})


@login_required
def config(request):
    committee = _committee(request, request.user)
    if committee is None or not permissions.may_configure_guidance(request.user, committee):
        raise permissions.refused(message=_("A committee's organisation department keeps these settings."))
    current = selectors.config_for(committee)
    form = ConfigForm(request.POST or None, initial=ConfigForm.initial_for(current))
    return save_form_page(
        request,
        form,
        lambda d: services.save_config(
            actor=request.user,
            organization=committee,
            visit_period=d["visit_period"],
            topics=form.topics(),
            excellent_cap=d["excellent_cap"],
        ),
        done=_("The settings are saved."),
        title=_("Instructors' visits: settings"),
        subtitle=committee.display_name,
        cancel_url=f"{reverse('guidance:page')}?org={committee.pk}",
        note=_("Enterprises under this committee follow these settings unless a committee below keeps its own."),
    )


# --- the yearly appraisal -------------------------------------------------------------------------


def _year(request, today: dt.date) -> int:
    return selectors.appraisal_year(request.GET.get("year", ""), today)


def _appraising_committee(request, *, refuse: bool = True) -> Organization:
    """The county committee of ?org= among those whose instructors the user appraises (404 for
    another), or their first; when they appraise none, refused (or, for a page about an
    instructor, `refuse=False`, 404: the instructor is not there for them)."""
    committees = selectors.appraisal_committees(request.user)
    pk = parse_id(request.GET.get("org"))
    if request.GET.get("org") and pk is None:
        raise Http404
    committee = committees.filter(pk=pk).first() if pk is not None else committees.first()
    if committee is None:
        if pk is not None or not refuse:
            raise Http404
        raise permissions.appraisal_refused()
    if not permissions.may_appraise(request.user, committee):  # never: the list is theirs
        raise permissions.appraisal_refused()
    return committee


@login_required
def appraisals(request):
    """The county's instructors for a year: the year's figures, the enterprise's opinions and the
    grade given, with the share rated Excellent against the county's cap."""
    today = timezone.localdate()
    committee = _appraising_committee(request)
    year = _year(request, today)
    rows = selectors.appraisal_rows(committee, year)
    summary = selectors.appraisal_summary(committee, rows)
    return render(
        request,
        "guidance/appraisals.html",
        {
            "committee": committee,
            "committees": selectors.appraisal_committees(request.user),
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
            "rows": rows,
            "summary": summary,
            "grades": [(value, label, summary.by_grade[value]) for value, label in Grade.choices],
            "may_configure": permissions.may_configure_guidance(request.user, committee),
        },
    )


@login_required
def appraise(request, pk):
    """One instructor's year (figures, opinions) and the committee's appraisal of it."""
    today = timezone.localdate()
    committee = _appraising_committee(request, refuse=False)
    year = _year(request, today)
    rows = selectors.appraisal_rows(committee, year, instructor_id=pk)
    if not rows:
        raise Http404
    row = rows[0]
    current = row.appraisal
    initial = {"grade": current.grade, "comment": current.comment} if current else {}
    form = AppraisalForm(request.POST or None, initial=initial)
    back = f"{reverse('guidance:appraisals')}?org={committee.pk}&year={year}"
    if request.method == "POST" and form.is_valid():
        try:
            services.appraise(
                actor=request.user, committee=committee, instructor=row.instructor, year=year, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The appraisal is saved."))
            return redirect(f"{back}#i{row.instructor.pk}")
    summary = selectors.appraisal_summary(committee, selectors.appraisal_rows(committee, year))
    return render(
        request,
        "guidance/appraise.html",
        {"committee": committee, "year": year, "row": row, "form": form, "summary": summary, "back": back},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def appraisal_history(request, pk):
    """An instructor's appraisals of every year: for the instructor, and for the organisation
    department of the committees that appraised them or oversee them now."""
    user = request.user
    instructor = selectors.instructor_user(pk)
    if instructor is None:
        raise Http404
    history = list(selectors.appraisal_history(user, pk))
    if not history and pk != user.pk and not selectors.oversees_instructor(user, pk):
        raise Http404
    return render(
        request,
        "guidance/appraisal_history.html",
        {"instructor": instructor, "name": selectors.user_name(instructor), "history": history, "own": pk == user.pk},
    )


@login_required
def opinion(request):
    """The enterprise's opinion of its instructor for a year, by its secretary or a manager."""
    user = request.user
    today = timezone.localdate()
    ent = selectors.opinion_enterprise(user, parse_id(request.GET.get("enterprise")))
    if ent is None:
        raise Http404
    year = _year(request, today)
    instructor = selectors.opinion_instructor(user, ent, parse_id(request.GET.get("instructor")) or 0, year)
    if instructor is None:
        raise Http404
    roles = permissions.opinion_roles(user, ent)
    role = request.GET.get("role") if request.GET.get("role") in roles else roles[0]
    current = selectors.opinion_of(instructor.pk, ent, year, role)
    form = OpinionForm(
        request.POST or None, initial={"rating": current.rating, "comment": current.comment} if current else {}
    )
    return save_form_page(
        request,
        form,
        lambda d: services.give_opinion(actor=user, enterprise=ent, instructor=instructor, year=year, role=role, **d),
        done=_("Your opinion is saved."),
        title=_("Your opinion of the instructor, %(year)d") % {"year": year},
        subtitle=f"{selectors.user_name(instructor)} · {ent.display_name} · {OpinionRole(role).label}",
        cancel_url=reverse("guidance:page") + "#opinions",
        note=_(
            "The county's organisation department reads it when it appraises the instructor; the instructor does not."
        ),
    )
