"""The anonymous rating (民主测评) on a phone: one grade, or none, for each graded member, read
back, then cast through the ballot engine. The same steps as a pacesetter vote's ballot
(selections.views_vote): each step the answer to the voter's own POST, never a redirect with
anything in the URL, and nothing written that links the voter to the ballot (ballots.models).
The roll line says that they voted; what they chose is in a ballot with no name."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dangjian.access.models import User
from dangjian.access.scopes import VIEW
from dangjian.access.shortcuts import get_in_scope
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.ballots.models import PollState

from . import selectors
from .forms import BallotForm
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
