"""The anonymous rating (民主测评) on a phone, and on paper through two tellers: one grade, or none, for each graded member, read
back, then cast through the ballot engine. The same steps as a pacesetter vote's ballot
(selections.views_vote): each step the answer to the voter's own POST, never a redirect with
anything in the URL, and nothing written that links the voter to the ballot (ballots.models).
The roll line says that they voted; what they chose is in a ballot with no name."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dangjian.access import permissions
from dangjian.access.models import User
from dangjian.access.scopes import VIEW
from dangjian.access.shortcuts import get_in_scope
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.ballots.models import PollState
from dangjian.ids import parse_id
from dangjian.ui.forms import apply_errors, run_or_say

from . import selectors
from .forms import BallotForm, PaperForm
from .models import Round, Step


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _refusal(request: HttpRequest, r: Round, message: str, status: int) -> HttpResponse:
    return render(request, "appraisal/vote.html", {"r": r, "refusal": message}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_in_scope(request.user, selectors.rounds(), pk, VIEW)
    refusing = 400 if request.method == "POST" else 200
    if r.step != Step.VOTE or r.poll is None or r.poll.state != PollState.OPEN:
        if not r.reached(Step.VOTE):
            message = _("The rating opens after the mutual assessment: come back then.")
        else:
            message = _("The rating is closed: ballots were taken until %(day)s.") % {"day": r.vote_until.isoformat()}
        return _refusal(request, r, message, refusing)
    person_id = getattr(request.user, "person_id", None)
    line = ballot_selectors.voter_line(r.poll, person_id) if person_id else None
    if line is None:
        return _refusal(
            request,
            r,
            _("You are not on the roll of this rating: it is the branch's members' and its invited representatives'."),
            403,
        )
    if line.voted:
        return _refusal(request, r, _("You have rated already: one person, one ballot."), refusing)
    questions = ballot_selectors.questions(r.poll)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    status = 200
    if step in ("review", "cast"):
        form = BallotForm(questions, data=request.POST)
        if form.is_valid():
            if step == "review":
                return render(request, "appraisal/vote_review.html", {"r": r, "form": form})
            try:
                ballots.cast(actor=_user(request), voter=line, choices=form.choices())
            except ValidationError as exc:
                return _refusal(request, r, " ".join(exc.messages), 400)
            return render(request, "appraisal/vote_cast.html", {"r": r})
        status = 400
    elif step == "change":
        form = BallotForm(questions, initial={k: v for k, v in request.POST.items() if k.startswith("q")})
    else:
        form = BallotForm(questions)
    return render(request, "appraisal/vote.html", {"r": r, "form": form}, status=status)


# --- paper sheets, entered by two tellers -----------------------------------------------------------

MATCHES = 20


def _outcome(state: str, sheet_no: int) -> str:
    if state == "agreed":
        return _("Paper sheet %(n)d: both tellers read it alike, and the ballot is stored for the count.") % {
            "n": sheet_no
        }
    if state == "differs":
        return _(
            "Paper sheet %(n)d: your reading differs from the other teller's. Look at the sheet together,"
            " then each enter it again."
        ) % {"n": sheet_no}
    return _("Paper sheet %(n)d is entered. A second teller enters it too: it counts once both readings agree.") % {
        "n": sheet_no
    }


@login_required
@require_http_methods(["GET", "POST"])
def tellers(request: HttpRequest, pk: int) -> HttpResponse:
    """The tellers' page of a rating held on paper at the meeting: mark on the roll who put a
    sheet in the box, enter each sheet (two tellers, who must agree), see each sheet's state,
    never its choices. The round's officers are its tellers."""
    r = get_in_scope(request.user, selectors.rounds(), pk, VIEW)
    if not permissions.may_run_member_appraisal(request.user, r):
        raise permissions.member_appraisal_run_refused()
    poll = r.poll
    if poll is None:
        return _refusal(request, r, _("The rating opens after the mutual assessment: come back then."), 200)
    here = reverse("appraisal:tellers", args=[r.pk])
    action = request.POST.get("action") if request.method == "POST" else None
    form = PaperForm(ballot_selectors.questions(poll), data=request.POST if action == "enter" else None)
    status = 200
    if action == "hand_in":
        line = ballot_selectors.line_of(poll, parse_id(request.POST.get("voter")) or 0)
        if line is None:
            messages.error(request, _("That person is not on this rating's roll: search the roll again."))
        else:
            name = line.person.name
            run_or_say(
                request,
                lambda: ballots.hand_in_paper(actor=_user(request), voter=line),
                _("%(name)s put a paper sheet in the box: it is marked on the roll.") % {"name": name},
            )
        return redirect(here)
    if action == "enter":
        if form.is_valid():
            sheet_no = form.cleaned_data["sheet_no"]
            try:
                outcome = ballots.enter_paper(
                    actor=_user(request), poll=poll, sheet_no=sheet_no, choices=form.choices()
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _outcome(outcome.state, sheet_no))
                return redirect(f"{here}#paper")
        status = 400
    search = request.GET.get("q", "")[:50].strip()
    matches = list(ballot_selectors.roll_lines(poll, voted=False, search=search)[:MATCHES])
    sheets = ballot_selectors.paper_sheets(poll)
    return render(
        request,
        "appraisal/tellers.html",
        {
            "r": r,
            "poll": poll,
            "open": poll.state == PollState.OPEN,
            "search": search,
            "matches": matches,
            "form": form,
            "sheets": sheets,
            "agreed": sum(1 for s in sheets if s["agreed"]),
        },
        status=status,
    )
