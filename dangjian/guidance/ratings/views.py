"""Pages of branch ratings: a committee's schemes and rounds, a scheme (its criteria, kept by the
committee's organisation department), a round (its candidates, totals and results), a
candidate's score sheet with the form of the user's capacity (the branch itself, its instructor,
the county), and the certificate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.access import permissions
from dangjian.access.scopes import VIEW
from dangjian.access.shortcuts import get_in_scope
from dangjian.ids import parse_id
from dangjian.organizations.models import Organization
from dangjian.pdf import render_pdf
from dangjian.ui.forms import apply_errors, run_or_say

from ..models import Candidate, RatingRound, RatingScheme, Reviewer
from . import selectors, services
from .forms import RoundForm, SchemeForm


def _require(user: Any) -> None:
    if not permissions.may_see_ratings(user):
        raise permissions.ratings_refused()


def _committee(request, user: Any) -> Organization | None:
    orgs = selectors.rating_committees(user)
    pk = parse_id(request.GET.get("org") or request.POST.get("org"))
    if pk is not None:
        org = orgs.filter(pk=pk).first()
        if org is None:
            raise Http404
        return org
    paths = permissions.guidance_committee_paths(user)
    return orgs.filter(path__in=paths).first() or orgs.first()


def _kept(user: Any, org: Organization) -> None:
    if not permissions.may_keep_ratings(user, org):
        raise permissions.refused(
            message=_("A committee's organisation department keeps its rating schemes and rounds.")
        )


def _round_for(user: Any, pk: int) -> RatingRound:
    """A round of a committee the user oversees; any other does not exist for them."""
    rnd = get_object_or_404(RatingRound.objects.select_related("scheme", "organization"), pk=pk)
    if not selectors.rating_committees(user).filter(pk=rnd.organization_id).exists():
        raise Http404
    return rnd


@login_required
def ratings(request):
    user = request.user
    _require(user)
    committee = _committee(request, user)
    context: dict[str, Any] = {"mine": list(selectors.my_candidacies(user)) if committee is None else []}
    under_pk = parse_id(request.GET.get("under"))
    if under_pk is not None:
        # The roll-up's drill-down: this year's candidacies of the branches under an organisation.
        under = get_object_or_404(selectors.rating_units(user), pk=under_pk)
        year = timezone.localdate().year
        context.update(under=under, under_year=year, under_candidates=selectors.candidates_of(user, under, year))
    if committee is not None:
        context.update(
            committee=committee,
            committees=selectors.rating_committees(user),
            schemes=selectors.schemes_for(committee),
            rounds=selectors.rounds_of(committee),
            may_keep=permissions.may_keep_ratings(user, committee),
        )
    return render(request, "guidance/ratings/page.html", context)


def _scheme_page(request, form: SchemeForm, committee: Organization, scheme: RatingScheme | None):
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_scheme(
                actor=request.user,
                organization=committee,
                scheme=scheme,
                criteria=form.criteria(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect(f"{reverse('guidance:scheme', args=[saved.pk])}?org={committee.pk}")
    errors = form.errors.get("criteria") or form.non_field_errors()
    return render(
        request,
        "guidance/ratings/scheme_form.html",
        {"form": form, "committee": committee, "scheme": scheme, "criteria_errors": errors},
    )


@login_required
def scheme_new(request):
    committee = _committee(request, request.user)
    if committee is None:
        raise permissions.ratings_refused()
    _kept(request.user, committee)
    copy_pk = parse_id(request.GET.get("copy"))
    copy = selectors.schemes_for(committee).filter(pk=copy_pk).first() if copy_pk is not None else None
    initial: dict[str, Any] = {}
    criteria: list[dict[str, Any]] = []
    if copy is not None:
        initial = {
            "name": _("%(name)s (copy)") % {"name": copy.name},
            "title": copy.title,
            "description": copy.description,
        }
        criteria = [{f: getattr(c, f) for f in SchemeForm.FIELDS} for c in selectors.criteria_of(copy)]
    form = SchemeForm(request.POST or None, initial=initial, criteria=criteria)
    return _scheme_page(request, form, committee, None)


@login_required
def scheme(request, pk):
    user = request.user
    _require(user)
    committee = _committee(request, user)
    if committee is None:  # a scheme is read on a committee's pages: for anyone else it is not there
        raise Http404
    s = get_object_or_404(selectors.schemes_for(committee), pk=pk)
    own = s.organization_id is not None and permissions.may_keep_ratings(user, s.organization)
    if request.GET.get("edit") == "1" or request.method == "POST":
        if not own:
            raise permissions.refused(message=_("A scheme is changed by the committee that defined it."))
        criteria = [{f: getattr(c, f) for f in SchemeForm.FIELDS} for c in selectors.criteria_of(s)]
        form = SchemeForm(
            request.POST or None,
            initial={"name": s.name, "title": s.title, "description": s.description, "active": s.active},
            criteria=criteria,
        )
        return _scheme_page(request, form, committee, s)
    return render(
        request,
        "guidance/ratings/scheme.html",
        {
            "s": s,
            "committee": committee,
            "criteria": selectors.criteria_of(s),
            "own": own,
            "may_keep": permissions.may_keep_ratings(user, committee),
            "used": s.rounds.exists(),
        },
    )


@login_required
def round_new(request):
    committee = _committee(request, request.user)
    if committee is None:
        raise permissions.ratings_refused()
    _kept(request.user, committee)
    form = RoundForm(request.POST or None, schemes=selectors.schemes_for(committee).filter(active=True))
    if request.method == "POST" and form.is_valid():
        try:
            rnd = services.open_round(actor=request.user, organization=committee, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("guidance:round", rnd.pk)
    return render(request, "guidance/ratings/round_form.html", {"form": form, "committee": committee})


@login_required
def round_page(request, pk):
    user = request.user
    rnd = _round_for(user, pk)
    may_keep = permissions.may_keep_ratings(user, rnd.organization)
    open_ = rnd.status == RatingRound.Status.OPEN
    if request.method == "POST":
        if not may_keep:
            raise permissions.refused(message=_("A committee's organisation department keeps its rating rounds."))
        if request.POST.get("action") == "close":
            run_or_say(request, lambda: services.close_round(actor=user, round=rnd), _("The round is closed."))
        else:
            ids = [i for i in (parse_id(v) for v in request.POST.getlist("branches")) if i is not None]
            branches = list(selectors.branches_for(rnd).filter(pk__in=ids))
            run_or_say(
                request,
                lambda: services.add_candidates(actor=user, round=rnd, branches=branches),
                lambda added: (
                    _("%(n)d branches added; their counted criteria are read as of %(day)s.")
                    % {"n": len(added), "day": rnd.counted_on.isoformat()}
                ),
            )
        return redirect("guidance:round", rnd.pk)
    candidates = [(sh.candidate, sh) for sh in selectors.round_sheets(rnd)]
    return render(
        request,
        "guidance/ratings/round.html",
        {
            "r": rnd,
            "rows": candidates,
            "may_keep": may_keep and open_,
            "branches": selectors.branches_for(rnd)[:500] if may_keep and open_ else [],
        },
    )


@login_required
def candidate(request, pk):
    user = request.user
    _require(user)
    c = get_in_scope(user, selectors.visible_candidates(user), pk, VIEW)
    reviewer = selectors.reviewer_of(user, c)
    sheet = selectors.sheet(c)
    open_ = c.round.status == RatingRound.Status.OPEN
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if reviewer is None:
            raise permissions.ratings_refused()
        scores = {
            row.criterion.pk: (
                request.POST.get(f"c{row.criterion.pk}", ""),
                request.POST.get(f"n{row.criterion.pk}", ""),
            )
            for row in sheet.rows
            if not row.counted_method
        }
        try:
            services.score(actor=user, candidate=c, reviewer=reviewer, scores=scores)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        else:
            return redirect("guidance:candidate", c.pk)
    return render(
        request,
        "guidance/ratings/candidate.html",
        {
            "c": c,
            "sheet": sheet,
            "reviewer": reviewer if open_ else None,
            "reviewer_label": Reviewer(reviewer).label if reviewer else "",
            "reviewers": Reviewer.choices,
            "errors": errors,
            "posted": request.POST if errors else None,
            "history": selectors.history(c.organization).exclude(pk=c.pk)[:20],
            "may_open_round": selectors.rating_committees(user).filter(pk=c.round.organization_id).exists(),
        },
    )


@login_required
def certificate(request, pk):
    user = request.user
    _require(user)
    c = get_in_scope(user, selectors.visible_candidates(user), pk, VIEW)
    if c.result != Candidate.Result.AWARDED:
        raise Http404
    html = render_to_string("guidance/print/certificate.html", {"c": c, "r": c.round, "total": c.total or Decimal(0)})
    data = render_pdf(html)
    services.certificate_printed(actor=user, candidate=c)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{c.certificate_no or c.pk}.pdf"'
    return response
