"""Pages of pacesetter selections for the organiser and the nominees: the list of rounds, a new
round, a round (its phases, nominations, results and review, winners, objections), a
nomination with its evidence, the public notice and its print, and the certificates.

Views are thin: each fetches the round through the one scoped fetch (another enterprise's round
is 404), asks access.permissions who may do what, and calls a service; the services' refusals
land on the form or at the top of the page, in the user's language. No page says who voted for
whom: the tables cannot (ballots.models), and these pages show totals and turnout only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dangjian import files
from dangjian.access import permissions
from dangjian.access.scopes import VIEW, scope
from dangjian.access.shortcuts import create_in_scope, get_in_scope
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots.models import PollState
from dangjian.ids import parse_id
from dangjian.jobs.services import record_export
from dangjian.organizations.models import Organization
from dangjian.pdf import render_template_pdf
from dangjian.ui.downloads import attachment as download
from dangjian.ui.forms import apply_errors, form_page, run_or_say
from dangjian.ui.paging import paginate

from . import lookups, rules, selectors, services
from .forms import AnswerForm, DeclineForm, EvidenceForm, NominationForm, ObjectionForm, ReviewForm, RoundForm
from .models import (
    PHASES,
    Decision,
    EvidenceFile,
    Nomination,
    NominationKind,
    NominationStatus,
    Objection,
    Phase,
    Result,
    Round,
)

if TYPE_CHECKING:
    from dangjian.access.models import User

NOTICE_AT = PHASES.index(Phase.NOTICE)
REVIEW_AT = PHASES.index(Phase.REVIEW)


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    return cast("User", request.user)


def _round(request: HttpRequest, pk: int) -> Round:
    """The round if the user reads it (another enterprise's is 404)."""
    return get_in_scope(request.user, Round.objects.select_related("enterprise", "organization", "poll"), pk, VIEW)


def _run(request: HttpRequest, r: Round) -> None:
    if not permissions.may_run_round(request.user, r):
        raise permissions.round_run_refused()


def _round_url(r: Round, anchor: str = "") -> str:
    return reverse("selections:round", args=[r.pk]) + anchor


# --- the list and a new round ---------------------------------------------------------------------


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.may_see_selections(user):
        raise permissions.selections_refused()
    qs = scope(user, Round.objects.all())
    enterprise_id = parse_id(request.GET.get("enterprise"))
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    org_id = parse_id(request.GET.get("org"))
    if org_id is not None:
        org = Organization.objects.filter(pk=org_id).only("path").first()
        qs = qs.filter(organization__path__startswith=org.path) if org is not None else qs.none()
    return render(
        request,
        "selections/rounds.html",
        {
            "rounds": paginate(request, selectors.rounds(qs)),
            "may_open": lookups.round_enterprises(user).exists(),
            "filtered": enterprise_id is not None or org_id is not None,
        },
    )


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not lookups.round_enterprises(user).exists():
        raise permissions.round_run_refused()
    form = RoundForm(request.POST or None, user=user, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        enterprise = form.cleaned_data["enterprise"]
        try:
            r = create_in_scope(
                user,
                lambda: services.open_round(
                    actor=user,
                    enterprise=enterprise,
                    organization=enterprise.party_org,
                    categories=form.categories(),
                    **form.plan(),
                ),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The round is open for nominations."))
            return redirect("selections:round", r.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "selections/round_form.html", {"form": form}, status=status)


# --- a round --------------------------------------------------------------------------------------


@dataclass
class Step:
    phase: str
    label: str
    due: Any
    state: str  # "done", "current" or "ahead"
    began: Any = None  # the day it really began, where the round keeps it


def _timeline(r: Round) -> list[Step]:
    began: dict[str, Any] = {Phase.NOTICE: r.noticed_on, Phase.ANNOUNCED: r.announced_on}
    steps = []
    for i, (value, label) in enumerate(Phase.choices):
        state = "done" if i < r.phase_index else "current" if i == r.phase_index else "ahead"
        steps.append(Step(value, str(label), rules.due_on(r, value), state, began.get(value)))
    return steps


@dataclass
class CategoryView:
    category: Any
    standing: list[Nomination]
    declined: list[Nomination]
    results: list[Result]


def _categories(r: Round, with_results: bool) -> list[CategoryView]:
    by_category: dict[int, list[Nomination]] = defaultdict(list)
    for n in selectors.nominations(r):
        by_category[n.category_id].append(n)
    results: dict[int, list[Result]] = defaultdict(list)
    if with_results:
        for res in selectors.results(r):
            results[res.category_id].append(res)
    return [
        CategoryView(
            c,
            [n for n in by_category[c.pk] if n.status == NominationStatus.STANDING],
            [n for n in by_category[c.pk] if n.status == NominationStatus.DECLINED],
            results[c.pk],
        )
        for c in r.categories.all()
    ]


def _turnout(r: Round) -> tuple[int, int] | None:
    """(roll, voted) once the vote has opened: the stored count's after it, the roll's during it."""
    poll = r.poll
    if poll is None:
        return None
    if poll.state == PollState.COUNTED:
        return int(poll.tally.get("roll", 0)), int(poll.tally.get("turnout", 0))
    return ballot_selectors.roll_size(poll)


def _my_line(r: Round, user: Any) -> Any:
    person_id = getattr(user, "person_id", None)
    if r.poll is None or person_id is None or r.phase != Phase.VOTE:
        return None
    return ballot_selectors.voter_line(r.poll, person_id)


def _winners(r: Round) -> QuerySet[Result]:
    return Result.objects.filter(round=r, decision=Decision.CONFIRMED).select_related("nomination__nominee", "category")


def _round_page(request: HttpRequest, r: Round, bound: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    """The round as the user may read it; `bound` carries a refused form to show with its errors."""
    user = _user(request)
    bound = bound or {}
    runs = permissions.may_run_round(user, r)
    oversees = runs or permissions.may_oversee_round(user, r)  # the organiser oversees: no second check
    takes_part = permissions.may_take_part(user, r)
    counted = r.phase_index >= REVIEW_AT
    with_results = counted and permissions.may_see_results(user, r, published=r.published)
    categories = _categories(r, with_results)
    reviewing = runs and r.phase == Phase.REVIEW
    review_forms: dict[int, ReviewForm] = {}
    if reviewing:
        for view in categories:
            for res in view.results:
                if res.elected or res.tied or res.decision != Decision.PENDING:
                    review_forms[res.pk] = bound.get(f"review:{res.pk}") or ReviewForm(result=res)
    for view in categories:
        for res in view.results:
            res.review_form = review_forms.get(res.pk)  # type: ignore[attr-defined]
    objections: list[Objection] = []
    if r.phase_index >= NOTICE_AT:
        qs = selectors.objections(r).select_related("raised_by__person")
        objections = list(qs if oversees else qs.filter(raised_by=user))
    answering = runs and r.phase == Phase.NOTICE
    for o in objections:
        o.answer_form = (  # type: ignore[attr-defined]
            (bound.get(f"answer:{o.pk}") or AnswerForm(objection_id=o.pk)) if answering and not o.answered_on else None
        )
    target = rules.next_phase(r.phase)
    context = {
        "r": r,
        "timeline": _timeline(r),
        "categories": categories,
        "runs": runs,
        "oversees": oversees,
        "takes_part": takes_part,
        "counted": counted,
        "with_results": with_results,
        "reviewing": reviewing,
        "pending": selectors.pending_review(r) if reviewing else 0,
        "next_phase": Phase(target).label if target else None,
        "blocked": services.blocked(r) if runs and target else None,
        "turnout": _turnout(r),
        "my_line": _my_line(r, user),
        "winners": r.phase_index >= NOTICE_AT,
        "objections": objections,
        "objection_form": (
            bound.get("objection") or ObjectionForm(winners=_winners(r))
            if takes_part and r.phase == Phase.NOTICE
            else None
        ),
        "may_nominate": r.phase == Phase.NOMINATION and (runs or takes_part),
        "person_id": getattr(user, "person_id", None),
    }
    return render(request, "selections/round.html", context, status=status)


@login_required
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round(request, pk)
    if request.method != "POST":
        return _round_page(request, r)
    user = _user(request)
    action = request.POST.get("action", "")
    if action == "advance":
        _run(request, r)
        run_or_say(
            request,
            lambda: services.advance(actor=user, round=r),
            lambda moved: _("The round is in its %(phase)s phase now.") % {"phase": moved.get_phase_display()},
        )
        return redirect(_round_url(r))
    if action == "decide":
        _run(request, r)
        result = get_object_or_404(
            Result.objects.select_related("category", "round__organization"), pk=_id(request, "result"), round=r
        )
        form = ReviewForm(request.POST, result=result)
        if form.is_valid():
            try:
                services.decide(actor=user, result=result, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The committee's decision is recorded."))
                return redirect(_round_url(r, f"#result-{result.pk}"))
        return _round_page(request, r, {f"review:{result.pk}": form}, status=400)
    if action == "object":
        if not permissions.may_take_part(user, r):
            raise permissions.Refused(
                _("An objection is raised by a person who reads the round, from their own login.")
            )
        objection_form = ObjectionForm(request.POST, winners=_winners(r))
        if objection_form.is_valid():
            try:
                services.raise_objection(actor=user, round=r, **objection_form.cleaned_data)
            except ValidationError as exc:
                apply_errors(objection_form, exc)
            else:
                messages.success(
                    request, _("Your objection is recorded; the organiser answers it before the announcement.")
                )
                return redirect(_round_url(r, "#objections"))
        return _round_page(request, r, {"objection": objection_form}, status=400)
    if action == "answer":
        _run(request, r)
        objection = get_object_or_404(
            Objection.objects.select_related("round__organization"), pk=_id(request, "objection"), round=r
        )
        answer_form = AnswerForm(request.POST, objection_id=objection.pk)
        if answer_form.is_valid():
            try:
                services.answer_objection(actor=user, objection=objection, **answer_form.cleaned_data)
            except ValidationError as exc:
                apply_errors(answer_form, exc)
            else:
                messages.success(request, _("The answer is recorded."))
                return redirect(_round_url(r, "#objections"))
        return _round_page(request, r, {f"answer:{objection.pk}": answer_form}, status=400)
    raise Http404


def _id(request: HttpRequest, name: str) -> int:
    pk = parse_id(request.POST.get(name))
    if pk is None:
        raise Http404
    return pk


# --- nominations ----------------------------------------------------------------------------------


def _kinds(user: Any, r: Round, runs: bool) -> list[str]:
    kinds: list[str] = []
    if getattr(user, "person_id", None) is not None and permissions.may_take_part(user, r):
        kinds += [NominationKind.SELF, NominationKind.PEER, NominationKind.TEAM_LEADER]
    if runs:
        kinds.append(NominationKind.ORGANISER)
    return kinds


@login_required
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round(request, pk)
    user = _user(request)
    kinds = _kinds(user, r, permissions.may_run_round(user, r))
    if not kinds:
        raise permissions.Refused(
            _("Nominations are made by the round's employees and members from their own login, and by its organiser.")
        )
    form = NominationForm(request.POST or None, round=r, user=user, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            n = services.nominate(
                actor=user,
                category=d["category"],
                nominee=d["nominee"],
                kind=d["kind"],
                reason=d["reason"],
                nominated_by=getattr(user, "person", None),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The nomination is made; evidence can be added to it now."))
            return redirect("selections:nomination", r.pk, n.pk)
    note = (
        _("Nominations are open until %(day)s.") % {"day": r.evidence_on.isoformat()}
        if r.phase == Phase.NOMINATION
        else _("Nominations are closed: the round is in its %(phase)s phase.") % {"phase": r.get_phase_display()}
    )
    return form_page(request, form, _("Nominate a pacesetter"), r.title, _round_url(r, "#nominations"), note)


def _nomination(request: HttpRequest, pk: int, nid: int) -> tuple[Round, Nomination]:
    r = _round(request, pk)
    n = selectors.nomination_detail(r, nid)
    if n is None:
        raise Http404
    n.round = r
    return r, n


@login_required
def nomination(request: HttpRequest, pk: int, nid: int) -> HttpResponse:
    r, n = _nomination(request, pk, nid)
    user = _user(request)
    may_add = permissions.may_add_evidence(user, n)
    may_decline = permissions.may_answer_nomination(user, n)
    open_ = r.phase in (Phase.NOMINATION, Phase.EVIDENCE) and n.status == NominationStatus.STANDING
    evidence_form = EvidenceForm()
    decline_form = DeclineForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "evidence":
            if not may_add:
                raise permissions.Refused(
                    _("Evidence is added by the nominee, the one who nominated them, or the organiser.")
                )
            evidence_form = EvidenceForm(request.POST, request.FILES)
            if evidence_form.is_valid():
                d = evidence_form.cleaned_data
                try:
                    services.add_evidence(
                        actor=user, nomination=n, text=d["text"], figures=d["figures"], files=d["attachments"]
                    )
                except ValidationError as exc:
                    apply_errors(evidence_form, exc)
                else:
                    messages.success(request, _("The evidence is added."))
                    return redirect(reverse("selections:nomination", args=[r.pk, n.pk]) + "#evidence")
        elif action == "decline":
            if not may_decline:
                raise permissions.Refused(_("Only the nominee declines their nomination."))
            decline_form = DeclineForm(request.POST)
            if decline_form.is_valid():
                try:
                    services.decline(actor=user, nomination=n, note=decline_form.cleaned_data["note"])
                except ValidationError as exc:
                    apply_errors(decline_form, exc)
                else:
                    messages.success(request, _("You have declined the nomination: you no longer stand."))
                    return redirect("selections:nomination", r.pk, n.pk)
        else:
            raise Http404
        status = 400
    return render(
        request,
        "selections/nomination.html",
        {
            "r": r,
            "n": n,
            "evidence": list(n.evidence.all()),
            "shows_nominator": may_add,
            "evidence_form": evidence_form if may_add and open_ else None,
            "decline_form": decline_form if may_decline and open_ else None,
        },
        status=status,
    )


@login_required
def evidence_file(request: HttpRequest, pk: int, nid: int, fid: int) -> HttpResponse:
    r, n = _nomination(request, pk, nid)
    doc = get_object_or_404(
        EvidenceFile.objects.select_related("evidence__nomination__round__organization"), pk=fid, evidence__nomination=n
    )
    if request.method != "POST":  # it writes an audit event: no link from elsewhere may trigger it
        return HttpResponseNotAllowed(["POST"])
    return download(files.opened(actor=_user(request), document=doc), doc.file_name, doc.content_type)


# --- the public notice and the certificates -------------------------------------------------------


def _confirmed(r: Round) -> list[Result]:
    """The winners with their teams, as the notice and the certificates name them."""
    return list(
        Result.objects.filter(round=r, decision=Decision.CONFIRMED)
        .select_related("category", "nomination__nominee__team")
        .order_by("category__order", "rank", "nomination__nominee__name", "pk")
    )


def _notice_context(r: Round) -> dict[str, Any]:
    by_category: dict[int, list[Result]] = defaultdict(list)
    for res in _confirmed(r):
        by_category[res.category_id].append(res)
    return {
        "r": r,
        "categories": [(c, by_category[c.pk]) for c in r.categories.all()],
        "any_winner": bool(by_category),
        "lang": get_language(),
        "noticed": r.phase_index >= NOTICE_AT,
    }


@login_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round(request, pk)
    return render(request, "selections/notice.html", _notice_context(r))


@login_required
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice to post on the wall: what the notice page shows, to whoever reads the round (it
    is public by nature, so printing it is not recorded)."""
    r = _round(request, pk)
    if not r.published:
        raise Http404
    data = render_template_pdf("selections/print/notice.html", _notice_context(r))
    return download(data, _("Public notice %(title)s.pdf") % {"title": r.title}, "application/pdf")


@login_required
def certificates(request: HttpRequest, pk: int) -> HttpResponse:
    """A certificate for each confirmed winner once the round is announced, in the name of the
    enterprise and its party organisation; printing them is recorded."""
    r = _round(request, pk)
    _run(request, r)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if r.phase != Phase.ANNOUNCED:
        messages.error(request, _("Certificates are printed once the round is announced."))
        return redirect(_round_url(r))
    winners = _confirmed(r)
    data = render_template_pdf(
        "selections/print/certificates.html", {"r": r, "winners": winners, "lang": get_language()}
    )
    name = _("Certificates %(title)s.pdf") % {"title": r.title}
    record_export(
        actor=_user(request),
        object_type="selections.Round",
        object_id=r.pk,
        name=name,
        changes={"certificates": len(winners)},
        org_path=r.organization.path,
    )
    return download(data, name, "application/pdf")
