"""The vote's pages: the ballot on a phone, the ballot sheet's code for a voter without a login,
the tellers' page (paper ballots handed in and entered by two tellers, blank ballots to print),
the organiser's ballot sheets, the count and its recount, and the receipt check.

Secrecy (ballots/models.py): no page here shows what anyone chose. The ballot's confirmation and
its receipt code are answers to the voter's own POST, never a redirect with something in the
URL; the receipt code is shown once and kept only as a digest; a sheet's code reaches the server
only in a POST body (its QR code holds it after `#`). The count shows nothing before the vote is
counted: a tally that moved while the roll shows who just voted would tell who chose what.
Views are thin: the ballot engine's services write, access decides who may do what."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dangjian.access import permissions
from dangjian.access.models import User
from dangjian.access.scopes import VIEW
from dangjian.access.shortcuts import get_in_scope
from dangjian.ballots import rules as ballot_rules
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.ballots.models import Poll, PollState, Question
from dangjian.ids import parse_id
from dangjian.organizations.models import Enterprise, ProductionUnit
from dangjian.organizations.selectors import teams_of
from dangjian.ui.downloads import attachment
from dangjian.ui.forms import apply_errors, run_or_say

from . import ballot_sheets, links, tallies
from .forms_vote import MAX_BLANK_BALLOTS, BallotForm, BlankBallotsForm, CodeForm, PaperForm, ReceiptForm, RollFilter
from .models import Phase, Round

PDF = "application/pdf"
MAX_SHEETS = 100  # ballot sheets printed at once: a team or two, printed while the organiser waits
ROLL_PAGE = 50
MATCHES = 20  # the tellers' search of the roll


def _user(request: HttpRequest) -> User:
    """The signed-in user of a page behind login_required."""
    user = request.user
    assert isinstance(user, User)
    return user


def _rounds() -> QuerySet[Round]:
    return Round.objects.select_related("enterprise", "organization", "poll")


def _round(request: HttpRequest, pk: int) -> Round:
    return get_in_scope(request.user, _rounds(), pk, VIEW)


def _teller_round(request: HttpRequest, pk: int) -> Round:
    r = _round(request, pk)
    if not permissions.may_tell(request.user, r):
        raise permissions.round_run_refused()
    return r


def _vote_open(r: Round) -> bool:
    return r.phase == Phase.VOTE and r.poll is not None and r.poll.state == PollState.OPEN


def _closed_message(r: Round) -> str:
    """Why no ballot is taken now, in the voter's words."""
    if r.phase_index < Phase.values.index(Phase.VOTE):
        return _("The vote of this round opens on %(day)s: come back then.") % {"day": r.vote_on.isoformat()}
    return _("The vote of this round is closed: ballots are taken only during the vote (until %(day)s).") % {
        "day": r.vote_until.isoformat()
    }


def _categories(r: Round) -> dict[str, Any]:
    """The round's categories by the ref their ballot question carries (the category's id)."""
    return {str(c.pk): c for c in r.categories.all()}


# --- the ballot ---------------------------------------------------------------------------------


@dataclass
class BallotPage:
    """What the ballot's steps need besides the form: the round, where the form posts, the
    fields carried from step to step (a sheet's code), and how the ballot is cast."""

    r: Round
    action: str
    cast: Callable[[dict[int, int | None]], str]
    receipt_url: str
    hidden: list[tuple[str, str]] = field(default_factory=list)
    anonymous: bool = False


def _refusal(request: HttpRequest, page: BallotPage | None, r: Round | None, message: str, status: int) -> HttpResponse:
    return render(
        request,
        "selections/vote.html",
        {"r": r, "refusal": message, "anonymous": page.anonymous if page else request.user.is_anonymous},
        status=status,
    )


def _ballot_steps(request: HttpRequest, page: BallotPage, questions: Sequence[Question]) -> HttpResponse:
    """The ballot (choose), the confirmation (read back, cast or change) and the receipt, each
    the answer to the voter's own POST."""
    step = request.POST.get("step", "") if request.method == "POST" else ""
    status = 200
    if step in ("review", "cast"):
        form = BallotForm(questions, data=request.POST)
        if form.is_valid():
            if step == "review":
                return render(request, "selections/vote_review.html", {"page": page, "form": form, "r": page.r})
            try:
                receipt = page.cast(form.choices())
            except ValidationError as exc:
                return _refusal(request, page, page.r, " ".join(exc.messages), 400)
            return render(
                request,
                "selections/receipt_shown.html",
                {"r": page.r, "receipt": receipt, "receipt_url": page.receipt_url, "anonymous": page.anonymous},
            )
        status = 400
    elif step == "change":
        form = BallotForm(questions, initial={k: v for k, v in request.POST.items() if k.startswith("q")})
    else:
        form = BallotForm(questions)
    return render(
        request,
        "selections/vote.html",
        {
            "page": page,
            "r": page.r,
            "form": form,
            "groups": _groups(page.r, form),
            "anonymous": page.anonymous,
        },
        status=status,
    )


@dataclass(frozen=True)
class Group:
    """A category on the ballot: its question, its radio field, its choices and the nominations'
    pages (their reasons and evidence) where there are any to link to."""

    question: Question
    field: Any
    choices: list[Any]
    description: str
    links: list[tuple[str, str]]


def _groups(r: Round, form: BallotForm) -> list[Group]:
    categories = _categories(r)
    out = []
    for q, bound, choices in form.groups():
        c = categories.get(q.ref)
        nominated = [(ch.label, links.nomination_url(r.pk, ch.nomination_id)) for ch in choices if ch.nomination_id]
        out.append(
            Group(q, bound, choices, c.description if c is not None else "", [(n, u) for n, u in nominated if u])
        )
    return out


@login_required
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    """The voter's ballot in a round's vote, on a phone: on the roll, not voted yet, while the
    vote is open."""
    r = _round(request, pk)
    refusing = 400 if request.method == "POST" else 200
    if not _vote_open(r):
        return _refusal(request, None, r, _closed_message(r), refusing)
    assert r.poll is not None  # an open vote has its poll
    person_id = getattr(request.user, "person_id", None)
    line = ballot_selectors.voter_line(r.poll, person_id) if person_id else None
    if line is None:
        return _refusal(
            request,
            None,
            r,
            _(
                "You are not on the roll of this vote: it is open to %(who)s of %(enterprise)s. If you think you"
                " should be, ask the round's organiser, %(org)s."
            )
            % {"who": r.get_voters_display(), "enterprise": r.enterprise.display_name, "org": r.organization},
            403,
        )
    if line.voted:
        return _refusal(
            request,
            None,
            r,
            _(
                "You have voted in this round already: one person, one vote. After the count, check on the"
                " receipt page that your ballot was counted."
            ),
            refusing,
        )
    user = _user(request)
    page = BallotPage(
        r=r,
        action=reverse("selections:ballot", args=[r.pk]),
        cast=lambda choices: ballots.cast(actor=user, voter=line, choices=choices),
        receipt_url=reverse("selections:receipt", args=[r.pk]),
    )
    return _ballot_steps(request, page, ballot_selectors.questions(r.poll))


def _sheet_round(poll_id: int) -> Round | None:
    """The round of the poll a ballot sheet's code opens. The sheet page has no user to scope:
    the code, printed for one voter and working once, is the right to this one ballot."""
    return _rounds().filter(poll_id=poll_id).first()


@require_http_methods(["GET", "POST"])
def sheet(request: HttpRequest) -> HttpResponse:
    """The ballot sheet's page, without a login: the code (typed, or put in by the page's script
    from the QR code's `#`), then the ballot of that voter's round, then the receipt. The page
    shows the round and its nominees, never the voter's name: a code seen over a shoulder does
    not say whose it is."""
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "selections/sheet.html", {"form": form}, status=400 if form.is_bound else 200)
    code = ballot_rules.normalise_code(form.cleaned_data["code"])
    voter = ballot_selectors.voter_by_sheet(code)
    r = _sheet_round(voter.poll_id) if voter is not None else None
    if voter is None or r is None:
        form.add_error(
            "code",
            _(
                "This ballot code is not valid or has been used: each code votes once. Check it against the"
                " sheet; if it was reprinted, only the newest sheet works. Ask the organiser for a new sheet."
            ),
        )
        return render(request, "selections/sheet.html", {"form": form}, status=400)
    page = BallotPage(
        r=r,
        action=reverse("selections:sheet"),
        cast=lambda choices: ballots.cast_by_sheet(code=code, choices=choices),
        receipt_url=request.build_absolute_uri(reverse("selections:receipt_check")),
        hidden=[("code", code)],
        anonymous=True,
    )
    if not _vote_open(r):
        return _refusal(request, page, r, _closed_message(r), 400)
    assert r.poll is not None
    return _ballot_steps(request, page, ballot_selectors.questions(r.poll))


# --- the organiser's ballot sheets ----------------------------------------------------------------


def _teams(r: Round) -> QuerySet[ProductionUnit]:
    return teams_of(Enterprise.objects.filter(pk=r.enterprise_id)).order_by("name", "pk")


@login_required
@require_http_methods(["GET", "POST"])
def sheets(request: HttpRequest, pk: int) -> HttpResponse:
    """The roll's voters who have not voted, by name and team, and their ballot sheets printed
    (a new code each: a reprint voids the sheet printed before)."""
    r = _teller_round(request, pk)
    poll = r.poll
    source = request.POST if request.method == "POST" else request.GET
    filt = RollFilter(source if ("q" in source or "team" in source) else None, teams=_teams(r))
    search, team_id = filt.values()
    if poll is None or not _vote_open(r):
        return render(
            request,
            "selections/sheets.html",
            {"r": r, "closed": _closed_message(r), "filter": filt, "round_url": links.round_url(r.pk)},
        )
    lines = ballot_selectors.roll_lines(poll, voted=False, search=search, team_id=team_id)
    if request.method == "POST":
        response = _print_sheets(request, r, poll, lines)
        if response is not None:
            return response
    total = lines.count()
    return render(
        request,
        "selections/sheets.html",
        {
            "r": r,
            "filter": filt,
            "lines": lines[:ROLL_PAGE],
            "total": total,
            "more": max(0, total - ROLL_PAGE),
            "max_sheets": MAX_SHEETS,
            "search": search,
            "team_id": team_id or "",
            "round_url": links.round_url(r.pk),
        },
        status=400 if request.method == "POST" else 200,
    )


def _print_sheets(request: HttpRequest, r: Round, poll: Poll, lines: Any) -> HttpResponse | None:
    if request.POST.get("all"):
        chosen = list(lines[: MAX_SHEETS + 1])
        if len(chosen) > MAX_SHEETS:
            messages.error(
                request,
                _("%(n)d voters match: print at most %(max)d sheets at a time. Choose a team or a name to print fewer.")
                % {"n": lines.count(), "max": MAX_SHEETS},
            )
            return None
    else:
        ids = [i for i in (parse_id(v) for v in request.POST.getlist("voter")) if i is not None]
        chosen = list(lines.filter(pk__in=ids[:MAX_SHEETS]))
    if not chosen:
        messages.error(request, _("Choose the voters whose ballot sheets to print, or print all those listed."))
        return None
    try:
        issued = ballots.issue_sheets(actor=_user(request), poll=poll, voters=chosen)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    questions = ballot_selectors.questions(poll)
    data = ballot_sheets.sheets_pdf(
        r,
        issued,
        request.build_absolute_uri(reverse("selections:sheet")),
        [q.label for q in questions],
    )
    name = f"{_('Ballot sheets')}-{r.title}-{timezone.localdate().isoformat()}.pdf".replace("/", "-")
    return attachment(data, name, PDF)


# --- the tellers ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def tellers(request: HttpRequest, pk: int) -> HttpResponse:
    """The tellers' page: mark on the roll that a voter handed in a paper ballot, enter each paper
    ballot (two tellers, who must agree), and see each sheet's state, never its choices."""
    r = _teller_round(request, pk)
    poll = r.poll
    if poll is None:
        return render(
            request,
            "selections/tellers.html",
            {"r": r, "closed": _closed_message(r), "round_url": links.round_url(r.pk)},
        )
    questions = ballot_selectors.questions(poll)
    search = request.GET.get("q", "")[:50].strip()
    here = reverse("selections:tellers", args=[r.pk])
    action = request.POST.get("action") if request.method == "POST" else None
    form = PaperForm(questions, data=request.POST if action == "enter" else None)
    status = 200
    if action == "hand_in":
        line = ballot_selectors.line_of(poll, parse_id(request.POST.get("voter")) or 0)
        if line is None:
            messages.error(request, _("That voter is not on this vote's roll: search the roll again."))
        else:
            name = line.person.name
            run_or_say(
                request,
                lambda: ballots.hand_in_paper(actor=_user(request), voter=line),
                _("%(name)s handed in a paper ballot: it is marked on the roll.") % {"name": name},
            )
        back = request.POST.get("q", "")[:50]
        return redirect(f"{here}?{urlencode({'q': back})}" if back else here)
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
    matches = list(ballot_selectors.roll_lines(poll, search=search)[:MATCHES]) if search else []
    sheets_state = ballot_selectors.paper_sheets(poll)
    agreed = sum(1 for s in sheets_state if s["agreed"])
    return render(
        request,
        "selections/tellers.html",
        {
            "r": r,
            "poll": poll,
            "open": _vote_open(r),
            "counted": poll.state == PollState.COUNTED,
            "search": search,
            "matches": matches,
            "form": form,
            "groups": _groups(r, form),
            "sheets": sheets_state,
            "agreed": agreed,
            "blank_form": BlankBallotsForm(),
            "round_url": links.round_url(r.pk),
        },
        status=status,
    )


def _outcome(state: str, sheet_no: int) -> str:
    if state == "agreed":
        return _("Paper ballot %(n)d: both tellers read it alike, and the ballot is stored for the count.") % {
            "n": sheet_no
        }
    if state == "differs":
        return _(
            "Paper ballot %(n)d: your reading differs from the other teller's. Look at the sheet together,"
            " then each enter it again."
        ) % {"n": sheet_no}
    return _("Paper ballot %(n)d is entered. A second teller enters it too: it counts once both readings agree.") % {
        "n": sheet_no
    }


@login_required
def paper_ballots(request: HttpRequest, pk: int) -> HttpResponse:
    """Blank paper ballots of the round's vote to print, all alike (the tellers number them when
    the box is opened). A file that holds nobody's data and writes nothing: a GET."""
    r = _teller_round(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    form = BlankBallotsForm(request.GET)
    if r.poll is None:
        messages.error(request, _closed_message(r))
        return redirect("selections:tellers", r.pk)
    if not form.is_valid():
        messages.error(
            request, _("Say how many paper ballots to print, from 1 to %(max)d.") % {"max": MAX_BLANK_BALLOTS}
        )
        return redirect("selections:tellers", r.pk)
    data = ballot_sheets.blank_ballots_pdf(r, ballot_selectors.questions(r.poll), form.cleaned_data["n"])
    name = f"{_('Paper ballots')}-{r.title}.pdf".replace("/", "-")
    return attachment(data, name, PDF)


# --- the count and the receipt ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def count(request: HttpRequest, pk: int) -> HttpResponse:
    """The count as kept when the vote was counted (turnout, votes per nominee, ties) with the
    digest of the ballots, and for those with the right a count again from the stored ballots
    compared with it. Before the count only the turnout, to the organiser."""
    r = _round(request, pk)
    recounter = permissions.may_recount(request.user, r)
    poll = r.poll
    counted = poll is not None and poll.state == PollState.COUNTED
    context: dict[str, Any] = {"r": r, "counted": counted, "recounter": recounter, "round_url": links.round_url(r.pk)}
    if request.method == "POST" and not recounter:
        raise permissions.recount_refused()
    status = 200
    if request.method == "POST" and not counted:
        messages.error(request, _("The vote is not counted yet: there is no count to compare with."))
        status = 400
    if poll is not None and recounter:
        context["roll"], context["voted"] = ballot_selectors.roll_size(poll)
        context["paper_handed"] = poll.paper_handed
    if counted and not permissions.may_see_results(request.user, r, published=r.published):
        context["unpublished"] = True
        counted = False
        context["counted"] = False
    if counted:
        assert poll is not None
        stored = ballot_selectors.stored_tally(poll)
        context.update(stored=stored, rows=tallies.category_counts(r, poll, stored), poll=poll)
        if request.method == "POST":
            same, _stored, again = ballot_selectors.recount_agrees(poll)
            context.update(recounted=True, same=same, again=again, again_rows=tallies.category_counts(r, poll, again))
    return render(request, "selections/count.html", context, status=status)


def _receipt_answer(poll: Poll | None, code: str) -> str:
    if poll is None or poll.state != PollState.COUNTED:
        return "not_counted"
    return "counted" if ballot_selectors.receipt_counted(poll, code) else "unknown"


@login_required
@require_http_methods(["GET", "POST"])
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """A voter checks, after the count, that a ballot with their receipt code was counted. The
    answer says that, never what the ballot chose. The code is posted, never in a URL."""
    r = _round(request, pk)
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    answer = None
    if form.is_bound and form.is_valid():
        answer = _receipt_answer(r.poll, form.cleaned_data["receipt"])
    return render(
        request,
        "selections/receipt.html",
        {"r": r, "form": form, "answer": answer, "action": reverse("selections:receipt", args=[r.pk])},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def receipt_check(request: HttpRequest) -> HttpResponse:
    """The receipt check for a voter without a login (who voted by a ballot sheet): the code
    alone finds its vote, and the answer names the round and whether the ballot was counted."""
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    answer = None
    r = None
    if form.is_bound and form.is_valid():
        poll = ballot_selectors.poll_of_receipt(form.cleaned_data["receipt"])
        r = _rounds().filter(poll=poll).first() if poll is not None else None
        answer = "unknown" if r is None else _receipt_answer(poll, form.cleaned_data["receipt"])
    return render(
        request,
        "selections/receipt.html",
        {"r": r, "form": form, "answer": answer, "action": reverse("selections:receipt_check"), "anonymous": True},
        status=400 if form.is_bound and form.errors else 200,
    )
