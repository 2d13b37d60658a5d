"""Pages of the democratic appraisal: the rounds (a year's overview by branch), a new round, a
round (its steps; the roll; for the officers the invitations, the rating's tally, the proposal
with the one-third cap's count, the confirmation and follow-ups), a member's self-assessment,
a member's page in the mutual assessment, and the results as Excel.

Views are thin: each fetches the round through the one scoped fetch (another branch's round is
404), asks access.permissions who may read or do what, and calls a service; the services'
refusals land on the form or at the top of the page, in the user's language. No page says who
voted how: the tables cannot (ballots.models); the tally is shown only once counted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.access import permissions
from dangjian.access.models import User
from dangjian.access.scopes import VIEW, scope
from dangjian.access.shortcuts import create_in_scope, get_in_scope
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ids import parse_id
from dangjian.jobs.services import record_export
from dangjian.people.models import Person
from dangjian.ui.downloads import attachment
from dangjian.ui.forms import apply_errors, form_page, run_or_say
from dangjian.ui.paging import paginate

from . import lookups, results, rules, selectors, services
from .forms import CommentForm, FollowUpForm, InviteForm, ProposalForm, RoundForm, SelfAssessmentForm
from .models import Grade, Part, Participant, Round, Step


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _round(request: HttpRequest, pk: int) -> Round:
    return get_in_scope(request.user, selectors.rounds(), pk, VIEW)


def _run(request: HttpRequest, r: Round) -> None:
    if not permissions.may_run_member_appraisal(request.user, r):
        raise permissions.member_appraisal_run_refused()


def round_url(r: Round, anchor: str = "") -> str:
    return reverse("appraisal:round", args=[r.pk]) + anchor


# --- the rounds -------------------------------------------------------------------------------------


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.may_see_member_appraisals(user):
        raise permissions.member_appraisals_refused()
    qs = scope(user, Round.objects.all())
    year = parse_id(request.GET.get("year"))
    if year is not None and not 2000 <= year <= 2100:
        year = None  # no year the appraisal can hold (a smallint column): every year
    if year is not None:
        qs = qs.filter(year=year)
    rows = selectors.with_counts(qs.select_related("organization")).order_by("-year", "organization__path", "pk")
    return render(
        request,
        "appraisal/rounds.html",
        {
            "rounds": paginate(request, rows),
            "year": year,
            "may_open": lookups.branches_for(user).exists(),
        },
    )


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not lookups.branches_for(user).exists():
        raise permissions.member_appraisal_run_refused()
    form = RoundForm(request.POST or None, user=user, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            r = create_in_scope(user, lambda: services.open_round(actor=user, **data))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The appraisal is open, with its roll. Move it on when the study is done."))
            return redirect(round_url(r))
    return form_page(
        request,
        form,
        _("New democratic appraisal"),
        _("democratic appraisal of party members"),
        reverse("appraisal:rounds"),
        _(
            "The roll is taken from the branch's members as they are today: full members are graded,"
            " probationary members take part without a grade. Workers' representatives are invited on the"
            " round's page before the rating opens."
        ),
    )


# --- a round ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepView:
    step: str
    label: str
    state: str  # "done", "current", "ahead"
    due: Any


def _timeline(r: Round) -> list[StepView]:
    out = []
    for i, s in enumerate(Step):
        state = "done" if i < r.step_index else "current" if i == r.step_index else "ahead"
        due = rules.due_on(s.value, r.self_until, r.mutual_until, r.vote_until, r.meeting_on)
        out.append(StepView(s.value, str(s.label), state, due))
    return out


def _round_page(request: HttpRequest, r: Round, forms: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    user = _user(request)
    forms = forms or {}
    runs = permissions.may_run_member_appraisal(user, r)
    own = selectors.participant_of(r, getattr(user, "person_id", None))
    sees_grades = permissions.may_see_member_grades(user, r)
    roll = selectors.roll(r) if runs or (own is not None and own.member) else []
    turnout = ballot_selectors.roll_size(r.poll) if r.poll is not None else None
    my_line = ballot_selectors.voter_line(r.poll, own.person_id) if r.poll is not None and own is not None else None
    proposal = None
    if runs and r.step == Step.PROPOSAL:
        proposal = forms.get("proposal") or ProposalForm([p for p in roll if p.part == Part.MEMBER])
    target = rules.next_step(r.step)
    context = {
        "r": r,
        "timeline": _timeline(r),
        "runs": runs,
        "own": own,
        "roll": roll,
        "graded_count": sum(1 for p in roll if p.part == Part.MEMBER),
        "sees_grades": sees_grades,
        "tally": selectors.tally(r) if sees_grades else None,
        "cap": selectors.excellent_cap(r) if sees_grades and r.reached(Step.PROPOSAL) else None,
        "proposal": proposal,
        "turnout": turnout,
        "my_line": my_line,
        "next_step": Step(target).label if target and runs and r.step != Step.PROPOSAL else None,
        "blocked": services.blocked(r) if runs else None,
        "invite": forms.get("invite") or (InviteForm(user=user) if runs and not r.reached(Step.VOTE) else None),
        "follow_up": forms.get("follow_up"),
        "follow_up_for": forms.get("follow_up_for"),
        "may_write": own is not None and own.member and r.step in (Step.SELF, Step.MUTUAL),
        "may_comment": own is not None and own.member and r.step == Step.MUTUAL,
        "members_read": own is not None and own.member and r.reached(Step.MUTUAL),
        "unqualified": Grade.UNQUALIFIED,
    }
    return render(request, "appraisal/round.html", context, status=status)


def _line(request: HttpRequest, r: Round, key: str = "participant") -> Participant:
    p = selectors.line_of(r, request.POST.get(key))
    if p is None:
        raise Http404
    return p


@login_required
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round(request, pk)
    if request.method != "POST":
        return _round_page(request, r)
    user = _user(request)
    _run(request, r)
    action = request.POST.get("action", "")
    if action == "advance":
        run_or_say(
            request,
            lambda: services.advance(actor=user, round=r),
            lambda moved: _("The appraisal is at its step “%(step)s” now.") % {"step": moved.get_step_display()},
        )
        return redirect(round_url(r))
    if action == "confirm":
        run_or_say(
            request,
            lambda: services.confirm(actor=user, round=r),
            _("The general meeting's confirmation is recorded; each member is told their grade."),
        )
        return redirect(round_url(r))
    if action == "invite":
        form = InviteForm(request.POST, user=user)
        if form.is_valid():
            try:
                services.invite_representative(actor=user, round=r, person=form.cleaned_data["person"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The representative is invited to the rating."))
                return redirect(round_url(r, "#roll"))
        return _round_page(request, r, {"invite": form}, status=400)
    if action == "withdraw":
        line = _line(request, r)
        run_or_say(request, lambda: services.withdraw_invitation(actor=user, participant=line), _("Withdrawn."))
        return redirect(round_url(r, "#roll"))
    if action == "propose":
        graded = [p for p in selectors.roll(r) if p.part == Part.MEMBER]
        proposal = ProposalForm(graded, request.POST)
        if proposal.is_valid():
            try:
                services.propose_grades(actor=user, round=r, grades=proposal.grades())
            except ValidationError as exc:
                apply_errors(proposal, exc)
            else:
                messages.success(request, _("The committee's proposal is recorded: the general meeting confirms it."))
                return redirect(round_url(r, "#proposal"))
        return _round_page(request, r, {"proposal": proposal}, status=400)
    if action == "follow_up":
        line = _line(request, r)
        follow = FollowUpForm(request.POST)
        if follow.is_valid():
            try:
                services.record_follow_up(actor=user, participant=line, text=follow.cleaned_data["follow_up"])
            except ValidationError as exc:
                apply_errors(follow, exc)
            else:
                messages.success(request, _("The follow-up is recorded."))
                return redirect(round_url(r, "#roll"))
        return _round_page(request, r, {"follow_up": follow, "follow_up_for": line.pk}, status=400)
    raise Http404


# --- self-assessment and the mutual assessment -----------------------------------------------------


@login_required
def self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed-in member's own self-assessment: written during its step and the next."""
    r = _round(request, pk)
    user = _user(request)
    own = selectors.participant_of(r, getattr(user, "person_id", None))
    if not permissions.may_write_self_assessment(user, own):
        raise permissions.Refused(_("A self-assessment is written by the member, from their own login."))
    assert own is not None
    form = SelfAssessmentForm(request.POST or None, initial={"self_assessment": own.self_assessment})
    if request.method == "POST" and form.is_valid():
        try:
            services.write_self_assessment(actor=user, participant=own, text=form.cleaned_data["self_assessment"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your self-assessment is saved."))
            return redirect(round_url(r))
    open_now = r.step in (Step.SELF, Step.MUTUAL)
    return render(
        request,
        "appraisal/self.html",
        {"r": r, "own": own, "form": form, "open_now": open_now},
        status=400 if form.errors else 200,
    )


@login_required
def member(request: HttpRequest, pk: int, pid: int) -> HttpResponse:
    """A member of the round as another member or an officer reads them: their self-assessment
    (from the mutual assessment on), the comments on them (theirs and the officers' to read), and
    the reader's own comment on them during the mutual assessment."""
    r = _round(request, pk)
    user = _user(request)
    subject = selectors.line_of(r, pid)
    if subject is None or not subject.member:
        raise Http404
    own = selectors.participant_of(r, getattr(user, "person_id", None))
    runs = permissions.may_run_member_appraisal(user, r)
    if not runs and (own is None or not own.member):
        raise permissions.Refused(_("A member's assessments are read by the branch's members and its officers."))
    reads_self = permissions.may_read_self_assessment(user, r, subject, own)
    reads_comments = permissions.may_read_comments_about(user, r, subject)
    may_comment = own is not None and own.member and own.pk != subject.pk and r.step == Step.MUTUAL
    mine = selectors.comments_by(own).get(subject.pk) if own is not None and own.member else None
    form = CommentForm(request.POST or None, initial={"text": mine.text if mine else ""})
    if request.method == "POST":
        if not may_comment:
            raise permissions.Refused(
                _("Members comment on each other during the mutual assessment, from their own login.")
            )
        assert own is not None
        if form.is_valid():
            try:
                services.comment_on_peer(actor=user, author=own, subject=subject, text=form.cleaned_data["text"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Your comment is saved, signed with your name."))
                return redirect(reverse("appraisal:member", args=[r.pk, subject.pk]))
    return render(
        request,
        "appraisal/member.html",
        {
            "r": r,
            "subject": subject,
            "reads_self": reads_self,
            "comments": selectors.comments_about(subject) if reads_comments else None,
            "mine": mine,
            "form": form if may_comment else None,
            "grade_shown": permissions.may_see_grade_of(user, subject),
        },
        status=400 if form.errors else 200,
    )


# --- the person page's panel and the results download ---------------------------------------------


@login_required
def person_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """Each year's appraisal of a person (the person page loads it): the grade to the person and
    the round's officers, "took part" to others who read the round."""
    user = _user(request)
    person = get_in_scope(user, Person, pk, VIEW)
    lines = selectors.grades_of_person(person.pk)
    visible = set(scope(user, Round.objects.filter(pk__in=[p.round_id for p in lines])).values_list("pk", flat=True))
    rows = [(p, permissions.may_see_grade_of(user, p)) for p in lines if p.round_id in visible]
    return render(request, "appraisal/_person_panel.html", {"person": person, "rows": rows})


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = _user(request)
    if not permissions.may_see_member_grades(user, r):
        raise permissions.member_appraisal_run_refused()
    data, name, rows = results.workbook(r)
    record_export(
        actor=user,
        object_type="appraisal.Round",
        object_id=r.pk,
        name=name,
        changes={"list": "results", "rows": rows},
        org_path=r.organization.path,
    )
    return attachment(data, name)
