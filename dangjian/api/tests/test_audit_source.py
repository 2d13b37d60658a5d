"""Every write through the API goes through a service and leaves audit events marked "api".
A new write operation fails here until a recipe for it is added."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT
from django.utils import timezone

from dangjian.access import services as access_services
from dangjian.access.models import ApiToken, User
from dangjian.audit.models import AuditEvent
from dangjian.branchlife import services as meeting_services
from dangjian.development import services as development
from dangjian.dues import services as dues_services
from dangjian.guidance import services as guidance
from dangjian.production import services as production
from dangjian.rosters import pipeline as roster_pipeline
from dangjian.rosters import services as roster_services
from dangjian.testing import appraisal as appraisal_scene
from dangjian.testing import dues as dues_scene
from dangjian.testing import guidance as guidance_scene
from dangjian.testing import indicator_figures, selection_phases
from dangjian.testing import indicators as indicators_builders
from dangjian.testing import transfers as transfer_builders
from dangjian.testing.api import API, operations, token_for
from dangjian.testing.factories import make_id_number, make_uscc
from dangjian.testing.rosters import ident, xlsx
from dangjian.testing.selections import category, in_vote, nominated, round_of

OPERATIONS = operations()

# (method, path) → world → (url, body). All run as the county organisation department, over a session
# (POST /tokens refuses token clients).
RECIPES = {
    ("post", "/organizations"): lambda w: (
        "/organizations",
        {"kind": "group", "name": "新小组", "parent_id": w.a.branch.pk},
    ),
    ("patch", "/organizations/{id}"): lambda w: (f"/organizations/{w.a.branch.pk}", {"name": "改名支部"}),
    ("post", "/organizations/{id}/move"): lambda w: (
        f"/organizations/{w.a.group.pk}/move",
        {"parent_id": w.b.branch.pk},
    ),
    ("post", "/enterprises"): lambda w: (
        "/enterprises",
        {"name": "新企业", "uscc": make_uscc(4242), "ownership": "state", "supervising_org_id": w.park.pk},
    ),
    ("patch", "/enterprises/{id}"): lambda w: (f"/enterprises/{w.a.enterprise.pk}", {"industry": "纺织"}),
    ("post", "/units"): lambda w: (
        "/units",
        {"enterprise_id": w.a.enterprise.pk, "kind": "workshop", "name": "六号厂房"},
    ),
    ("patch", "/units/{id}"): lambda w: (f"/units/{w.a.team.pk}", {"name": "缝纫二组"}),
    ("post", "/people"): lambda w: (
        "/people",
        {
            "name": "霍秀全",
            "ethnicity": "01",
            "id_number": make_id_number(dt.date(1985, 6, 1), "M", 77),
            "employer_id": w.a.enterprise.pk,
        },
    ),
    ("patch", "/people/{id}"): lambda w: (f"/people/{w.a.worker.pk}", {"post": "质检工程师"}),
    ("post", "/people/{id}/reveal"): lambda w: (f"/people/{w.a.worker.pk}/reveal", {"field": "phone"}),
    ("post", "/people/{id}/memberships"): lambda w: (
        f"/people/{w.a.worker.pk}/memberships",
        {"organization_id": w.a.branch.pk, "admitted_on": "2024-07-01"},
    ),
    ("post", "/tokens"): lambda w: ("/tokens", {"name": "集成"}),
    ("delete", "/tokens/{id}"): lambda w: (f"/tokens/{_own_token(w)}", None),
    ("post", "/imports"): lambda w: (
        "/imports",
        {"file": SimpleUploadedFile("花名册.xlsx", _roster()), "into": w.a.enterprise.uscc},
    ),
    ("post", "/imports/{id}/confirm"): lambda w: (f"/imports/{_checked_import(w)}/confirm", None),
    ("post", "/imports/{id}/report"): lambda w: (f"/imports/{_checked_import(w)}/report", None),
    ("delete", "/imports/{id}"): lambda w: (f"/imports/{_checked_import(w)}", None),
    ("post", "/candidacies"): lambda w: (
        "/candidacies",
        {
            "person_id": w.a.worker.pk,
            "organization_id": w.a.branch.pk,
            "applied_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        },
    ),
    ("post", "/candidacies/{id}/steps"): lambda w: (
        f"/candidacies/{_candidacy(w).pk}/steps",
        {"number": 2, "done_on": timezone.localdate().isoformat(), "acted_by": "A书记"},
    ),
    ("post", "/candidacies/{id}/reveal"): lambda w: (
        f"/candidacies/{_reviewed(w).pk}/reveal",
        {"field": "conclusion"},
    ),
    ("post", "/candidacies/{id}/withdraw"): lambda w: (
        f"/candidacies/{_candidacy(w).pk}/withdraw",
        {"reason": "本人申请撤回"},
    ),
    ("post", "/meetings"): lambda w: (
        "/meetings",
        {"organization_id": w.a.branch.pk, "kind": "lecture", "held_on": "2030-06-01", "topic": "党课"},
    ),
    ("patch", "/meetings/{id}"): lambda w: (f"/meetings/{_meeting(w).pk}", {"place": "会议室"}),
    ("put", "/meetings/{id}/attendance/{person_id}"): lambda w: (
        f"/meetings/{_meeting(w).pk}/attendance/{w.a.member.pk}",
        {"state": "leave", "reason": "夜班"},
    ),
    ("post", "/meetings/{id}/attendance/all-present"): lambda w: (
        f"/meetings/{_meeting(w).pk}/attendance/all-present",
        None,
    ),
    ("post", "/meetings/{id}/invitations"): lambda w: (
        f"/meetings/{_meeting(w).pk}/invitations",
        {"person_id": w.a.worker.pk},
    ),
    ("delete", "/meetings/{id}/invitations/{person_id}"): lambda w: (
        f"/meetings/{_meeting(w, invite=w.a.worker).pk}/invitations/{w.a.worker.pk}",
        None,
    ),
    ("post", "/production/team-charges"): lambda w: (
        "/production/team-charges",
        {
            "organization_id": w.a.branch.pk,
            "team_id": w.a.team.pk,
            "member_id": w.a.member.pk,
            "started_on": _LAST_MONTH.isoformat(),
        },
    ),
    ("post", "/production/team-charges/{id}/end"): lambda w: (
        f"/production/team-charges/{_charge(w).pk}/end",
        {"reason": "handed_over"},
    ),
    ("post", "/production/pairings"): lambda w: (
        "/production/pairings",
        {
            "organization_id": w.a.branch.pk,
            "member_id": w.a.member.pk,
            "partner_ids": [w.a.worker.pk],
            "purposes": ["skills"],
            "started_on": _LAST_MONTH.isoformat(),
        },
    ),
    ("post", "/production/pairings/{id}/end"): lambda w: (f"/production/pairings/{_pairing(w).pk}/end", {}),
    ("post", "/production/pairings/{id}/notes"): lambda w: (
        f"/production/pairings/{_pairing(w, the_admin_is_its_member=True).pk}/notes",
        {"text": "本月学会了锁边"},
    ),
    ("post", "/production/posts"): lambda w: (
        "/production/posts",
        {
            "organization_id": w.a.branch.pk,
            "title": "质检先锋岗",
            "holder_id": w.a.member.pk,
            "commitment": "质量第一",
            "started_on": _LAST_MONTH.isoformat(),
        },
    ),
    ("post", "/production/posts/{id}/status"): lambda w: (
        f"/production/posts/{_post(w).pk}/status",
        {"status": "recognised"},
    ),
    ("post", "/production/courses"): lambda w: (
        "/production/courses",
        {
            "organization_id": w.a.branch.pk,
            "title": "质检培训",
            "skill": "质检",
            "trainer_id": w.a.member.pk,
            "starts_on": _LAST_MONTH.isoformat(),
            "ends_on": timezone.localdate().isoformat(),
            "hours": "8",
        },
    ),
    ("post", "/production/courses/{id}/trainees"): lambda w: (
        f"/production/courses/{_course(w).pk}/trainees",
        {"person_ids": [w.a.worker.pk]},
    ),
    # The county's admin is made an instructor of A for these (recipes run as the admin).
    ("post", "/guidance/declarations"): lambda w: (
        "/guidance/declarations",
        {"enterprise_id": _admin_instructs(w, declared=False).enterprise_id},
    ),
    ("post", "/guidance/visits"): lambda w: (
        "/guidance/visits",
        {
            "enterprise_id": _admin_instructs(w).enterprise_id,
            "visited_on": timezone.localdate().isoformat(),
            "minutes": 60,
            "met": "书记",
            "topics": ["setup"],
        },
    ),
    ("patch", "/guidance/visits/{id}"): lambda w: (f"/guidance/visits/{_admin_visit(w).pk}", {"minutes": 45}),
    ("post", "/guidance/visits/{id}/follow-ups"): lambda w: (
        f"/guidance/visits/{_admin_visit(w).pk}/follow-ups",
        {"problem": "制度未上墙", "owner_id": w.a.secretary.pk, "due_on": timezone.localdate().isoformat()},
    ),
    ("post", "/guidance/follow-ups/{id}/close"): lambda w: (
        f"/guidance/follow-ups/{_admin_follow_up(w).pk}/close",
        {"note": "已整改"},
    ),
    ("post", "/guidance/rating-schemes"): lambda w: (
        "/guidance/rating-schemes",
        {
            "org_id": w.county.pk,
            "name": "双强六好",
            "title": "双强六好党支部",
            "criteria": [
                {"name": "班子强", "weight": 50, "method": "reviewed"},
                {"name": "会议", "weight": 50, "method": "counted", "measure": "meetings", "target": 100},
            ],
        },
    ),
    ("post", "/guidance/rating-rounds"): lambda w: (
        "/guidance/rating-rounds",
        {
            "org_id": w.county.pk,
            "scheme_id": guidance_scene.three_good().pk,
            "year": timezone.localdate().year,
            "counted_on": timezone.localdate().isoformat(),
        },
    ),
    ("post", "/guidance/rating-rounds/{id}/candidates"): lambda w: (
        f"/guidance/rating-rounds/{guidance_scene.round_of(w).pk}/candidates",
        {"branch_ids": [w.a.branch.pk]},
    ),
    ("post", "/guidance/rating-rounds/{id}/close"): lambda w: (
        f"/guidance/rating-rounds/{guidance_scene.scored_candidate(w).round_id}/close",
        {},
    ),
    ("put", "/guidance/rating-candidates/{id}/scores"): lambda w: (
        f"/guidance/rating-candidates/{guidance_scene.candidate_of(w, w.a).pk}/scores",
        {"scores": [{"criterion_id": guidance_scene.reviewed_criterion().pk, "points": 5, "note": "好"}]},
    ),
    ("post", "/guidance/appraisals"): lambda w: (
        "/guidance/appraisals",
        {"org_id": w.county.pk, "instructor_id": _instructor(w).pk, "year": _YEAR, "grade": "competent"},
    ),
    ("patch", "/guidance/appraisals/{id}"): lambda w: (
        f"/guidance/appraisals/{_appraisal(w).pk}",
        {"grade": "basically_competent", "comment": "走访偏少"},
    ),
    # The county's admin is made a manager of A to give the enterprise's opinion.
    ("post", "/guidance/opinions"): lambda w: (
        "/guidance/opinions",
        {
            "enterprise_id": _admin_manages(w).enterprise_id,
            "instructor_id": _instructor(w).pk,
            "year": _YEAR,
            "rating": "satisfied",
        },
    ),
    ("patch", "/guidance/opinions/{id}"): lambda w: (
        f"/guidance/opinions/{_admin_opinion(w).pk}",
        {"rating": "not_satisfied"},
    ),
    ("post", "/production/trainees/{id}/assessment"): lambda w: (
        f"/production/trainees/{production.enrol(actor=None, course=_course(w), people=[w.a.worker])[0].pk}/assessment",
        {"result": "passed", "assessed_on": timezone.localdate().isoformat()},
    ),
    # Pacesetter rounds: the county's admin is made a manager of A to organise A's rounds; where a
    # person of their own is needed (a nominee declines, a voter votes, an objection is raised),
    # the admin is made A's member or worker.
    ("post", "/selections/rounds"): lambda w: (
        _organising(w, "/selections/rounds"),
        {
            "enterprise_id": w.a.enterprise.pk,
            "title": "四型标兵评选",
            "opens_on": "2026-03-02",
            "evidence_on": "2026-03-09",
            "vote_on": "2026-03-16",
            "vote_until": "2026-03-20",
            "notice_on": "2026-03-25",
        },
    ),
    ("post", "/selections/rounds/{id}/advance"): lambda w: (
        _organising(w, f"/selections/rounds/{round_of(w.a).pk}/advance"),
        None,
    ),
    ("post", "/selections/rounds/{id}/nominations"): lambda w: _nomination_recipe(w),
    ("post", "/selections/nominations/{id}/decline"): lambda w: (
        _as_person(w, w.a.member, f"/selections/nominations/{_learning_nomination(w).pk}/decline"),
        {"note": "让给年轻人"},
    ),
    ("post", "/selections/nominations/{id}/evidence"): lambda w: (
        _organising(w, f"/selections/nominations/{_learning_nomination(w).pk}/evidence"),
        {"text": "带出10名熟练工", "figures": [{"label": "带徒", "value": "10人"}]},
    ),
    ("post", "/selections/rounds/{id}/ballot"): lambda w: _ballot_recipe(w),
    ("post", "/selections/results/{id}/decide"): lambda w: (
        _organising(w, f"/selections/results/{selection_phases.result_of(selection_phases.counted(w.a)).pk}/decide"),
        {"decision": "confirmed"},
    ),
    ("post", "/selections/rounds/{id}/objections"): lambda w: (
        _as_person(w, w.a.worker, f"/selections/rounds/{selection_phases.noticed(w.a).pk}/objections"),
        {"text": "请核实学习成果"},
    ),
    ("post", "/selections/objections/{id}/answer"): lambda w: (
        _organising(w, f"/selections/objections/{selection_phases.objection_of(w.a).pk}/answer"),
        {"answer": "已核实"},
    ),
    # Indicators: the county's admin is made a manager of A, who enters A's figures.
    ("post", "/indicators/definitions"): lambda w: (
        _organising(w, "/indicators/definitions"),
        {"enterprise_id": w.a.enterprise.pk, "name": "返工率", "unit": "%", "direction": "lower"},
    ),
    ("patch", "/indicators/definitions/{id}"): lambda w: (
        _organising(w, f"/indicators/definitions/{indicators_builders.own_indicator(w.a).pk}"),
        {"name": "返修率", "archived": True},
    ),
    ("put", "/indicators/values"): lambda w: (
        _organising(w, "/indicators/values"),
        {
            "enterprise_id": w.a.enterprise.pk,
            "reason": "月报更正",
            "entries": [
                {
                    "team_id": w.a.team.pk,
                    "indicator": "output",
                    "month": f"{indicators_builders.last_month():%Y-%m}",
                    "value": 5200,
                },
                {
                    "team_id": w.a.team.pk,
                    "indicator": "pass_rate",
                    "month": f"{indicator_figures.figure(w.a).month:%Y-%m}",
                    "value": "97.1%",
                },
            ],
        },
    ),
    # Transfers: the county's organisation department acts for the branches under it.
    ("post", "/transfers"): lambda w: (
        "/transfers",
        {"person_id": w.a.member.pk, "to_org_id": w.b.branch.pk, "dues_paid_to": f"{dt.date.today():%Y-%m}"},
    ),
    ("post", "/transfers/{id}/accept"): lambda w: (f"/transfers/{transfer_builders.issued(w).pk}/accept", {}),
    ("post", "/transfers/{id}/return"): lambda w: (
        f"/transfers/{transfer_builders.issued(w).pk}/return",
        {"reason": "本人未到岗"},
    ),
    ("post", "/transfers/{id}/cancel"): lambda w: (
        f"/transfers/{transfer_builders.issued(w).pk}/cancel",
        {"reason": "开错了"},
    ),
    ("post", "/transfers/{id}/receipt"): lambda w: (
        f"/transfers/{transfer_builders.issued(w, outside='乌鲁木齐市某党支部').pk}/receipt",
        {"received_on": dt.date.today().isoformat(), "receipt_org_name": "乌鲁木齐市某党支部"},
    ),
    ("post", "/transfers/incoming"): lambda w: (
        "/transfers/incoming",
        {
            "to_org_id": w.a.branch.pk,
            "outside_org_name": "库尔勒市某党支部",
            "number": "库组转15号",
            "issued_on": dt.date.today().isoformat(),
            "valid_until": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
            "dues_paid_to": f"{dt.date.today():%Y-%m}",
            "person_name": "吐尔洪",
            "gender": "M",
            "ethnicity": "05",
            "birth_date": "1990-05-04",
            "member_status": "probationary",
            "admitted_on": "2025-06-01",
        },
    ),
    ("post", "/transfers/{id}/verify"): lambda w: (f"/transfers/{transfer_builders.incoming(w).pk}/verify", None),
    ("post", "/transfers/{id}/place"): lambda w: (
        f"/transfers/{transfer_builders.incoming(w, verified=True).pk}/place",
        {"id_number": make_id_number(dt.date(1990, 5, 4), "M", 4242)},
    ),
    # Dues: the county's organisation department keeps A's branch's dues.
    ("post", "/dues/members/{id}/payments"): lambda w: (
        _with_base(w, f"/dues/members/{w.a.member.pk}/payments"),
        {"first_month": "2026-01", "months": 2, "paid_by_id": w.a.secretary.person_id},
    ),
    ("post", "/dues/members/{id}/voluntary"): lambda w: (
        f"/dues/members/{w.a.member.pk}/voluntary",
        {"amount": "1000.00"},
    ),
    ("put", "/dues/members/{id}/base"): lambda w: (
        f"/dues/members/{w.a.member.pk}/base",
        {"month": "2026-01", "category": "employed", "base_pay": "3000.01"},
    ),
    ("post", "/dues/members/{id}/reliefs"): lambda w: (
        _with_base(w, f"/dues/members/{w.a.member.pk}/reliefs"),
        {
            "kind": "reduced",
            "amount": "5.00",
            "first_month": "2026-01",
            "last_month": "2026-03",
            "reason": "家庭困难",
            "approved_by": "committee",
            "approved_on": "2026-01-05",
        },
    ),
    ("post", "/dues/organizations/{id}/close"): lambda w: (
        f"/dues/organizations/{w.a.branch.pk}/close",
        {"month": "2026-01"},
    ),
    ("post", "/dues/organizations/{id}/reopen"): lambda w: (
        _closed(w, f"/dues/organizations/{w.a.branch.pk}/reopen"),
        {"month": "2026-01", "reason": "工资表更正"},
    ),
}

RECIPES.update(
    {
        # The democratic appraisal: the county's organisation department runs A's round; what
        # only a member does (a self-assessment, a comment, a ballot) it does as A's member.
        ("post", "/appraisal/rounds"): lambda w: (
            "/appraisal/rounds",
            {
                "organization_id": w.a.branch.pk,
                "year": 2026,
                "self_until": "2026-12-10",
                "mutual_until": "2026-12-15",
                "vote_until": "2026-12-18",
                "meeting_on": "2026-12-22",
            },
        ),
        ("post", "/appraisal/rounds/{id}/advance"): lambda w: (
            f"/appraisal/rounds/{appraisal_scene.round_of(w.a).pk}/advance",
            None,
        ),
        ("post", "/appraisal/rounds/{id}/representatives"): lambda w: (
            f"/appraisal/rounds/{appraisal_scene.round_of(w.a).pk}/representatives",
            {"person_id": w.a.worker.pk},
        ),
        ("put", "/appraisal/rounds/{id}/self-assessment"): lambda w: (
            _as_person(w, w.a.member, f"/appraisal/rounds/{_appraisal_at(w, 'self').pk}/self-assessment"),
            {"text": "完成生产任务，带头学习"},
        ),
        ("post", "/appraisal/rounds/{id}/comments"): lambda w: _appraisal_comment_recipe(w),
        ("post", "/appraisal/rounds/{id}/ballot"): lambda w: (
            _as_person(w, w.a.member, f"/appraisal/rounds/{_appraisal_at(w, 'vote').pk}/ballot"),
            {"choices": []},
        ),
        ("post", "/appraisal/rounds/{id}/proposal"): lambda w: _appraisal_proposal_recipe(w),
        ("post", "/appraisal/rounds/{id}/confirm"): lambda w: _appraisal_confirm_recipe(w),
        ("post", "/appraisal/participants/{id}/follow-up"): lambda w: _appraisal_follow_up_recipe(w),
    }
)


def _appraisal_at(world, step):
    return appraisal_scene.at_step(appraisal_scene.round_of(world.a), step)


def _appraisal_comment_recipe(world):
    r = _appraisal_at(world, "mutual")
    subject = r.participants.get(person=world.a.secretary.person)
    url = _as_person(world, world.a.member, f"/appraisal/rounds/{r.pk}/comments")
    return url, {"subject_id": subject.pk, "text": "工作认真"}


def _appraisal_proposal_recipe(world):
    r = appraisal_scene.counted(appraisal_scene.round_of(world.a))
    grades = [{"participant_id": pk, "grade": g} for pk, g in appraisal_scene.all_grades(r).items()]
    return f"/appraisal/rounds/{r.pk}/proposal", {"grades": grades}


def _appraisal_confirm_recipe(world):
    from dangjian.appraisal import services as appraisal_services

    r = appraisal_scene.counted(appraisal_scene.round_of(world.a))
    appraisal_services.propose_grades(actor=None, round=r, grades=appraisal_scene.all_grades(r))
    return f"/appraisal/rounds/{r.pk}/confirm", None


def _appraisal_follow_up_recipe(world):
    r = appraisal_scene.confirmed(appraisal_scene.round_of(world.a), **{world.a.member.name: "unqualified"})
    line = r.participants.get(person=world.a.member)
    return f"/appraisal/participants/{line.pk}/follow-up", {"text": "限期改正六个月"}


# POSTs that write nothing, each with its reason: they are POSTs to keep what they are sent out of
# URLs and logs.
READS = {
    ("post", "/selections/rounds/{id}/receipt"): "a receipt check reads whether a ballot was counted",
}

WRITES = [op for op in OPERATIONS if op[0] != "get" and op not in READS]


def _own_token(world) -> int:
    token_for(world.county_admin)
    return ApiToken.objects.filter(user=world.county_admin).latest("id").pk


def _candidacy(world):
    return development.apply(
        actor=None,
        person=world.a.worker,
        organization=world.a.branch,
        applied_on=timezone.localdate() - dt.timedelta(days=10),
    )


def _reviewed(world):
    """A candidacy past the political review (step 10), on the walk's valid dates."""
    from dangjian.testing.development import plan

    applied = timezone.localdate() - dt.timedelta(days=800)
    cand = development.apply(actor=None, person=world.a.worker, organization=world.a.branch, applied_on=applied)
    sponsors = [world.a.member.pk, world.a.secretary.person_id]
    for number, on, data in plan(applied, sponsors, sponsors[:1]):
        if number > 10:
            break
        conclusion = "政治可靠。" if number == 10 else ""
        development.record_step(actor=None, candidacy=cand, number=number, done_on=on, data=data, conclusion=conclusion)
    return cand


def _meeting(world, invite=None):
    meeting = meeting_services.plan_meeting(
        actor=None,
        organization=world.a.branch,
        kind="general",
        held_on=timezone.localdate() - dt.timedelta(days=1),
        status="held",
        topic="支部党员大会",
    )
    if invite is not None:
        meeting_services.invite(actor=None, meeting=meeting, person=invite)
    return meeting


_LAST_MONTH = timezone.localdate() - dt.timedelta(days=30)


def _charge(world):
    return production.take_charge(
        actor=None, organization=world.a.branch, team=world.a.team, member=world.a.member, started_on=_LAST_MONTH
    )


def _pairing(world, the_admin_is_its_member=False):
    if the_admin_is_its_member:
        # Notes are written only by a pairing's own people, as themselves.
        User.objects.filter(pk=world.county_admin.pk).update(person=world.a.member)
    return production.pair(
        actor=None,
        organization=world.a.branch,
        member=world.a.member,
        partners=[world.a.worker],
        purposes=["skills"],
        started_on=_LAST_MONTH,
    )


def _post(world):
    return production.propose_post(
        actor=None,
        organization=world.a.branch,
        kind="vanguard",
        title="质检先锋岗",
        holder=world.a.member,
        commitment="质量第一",
        started_on=_LAST_MONTH,
    )


def _course(world):
    return production.open_course(
        actor=None,
        organization=world.a.branch,
        title="质检培训",
        skill="质检",
        trainer=world.a.member,
        starts_on=_LAST_MONTH,
        ends_on=timezone.localdate(),
        hours=Decimal("8"),
    )


def _admin_instructs(world, declared: bool = True):
    ra = access_services.assign_role(
        actor=None, user=world.county_admin, role="instructor", enterprise=world.a.enterprise, started_on=_LAST_MONTH
    )
    if declared:
        guidance.declare(actor=None, assignment=ra)
    return ra


def _admin_visit(world):
    _admin_instructs(world)
    return guidance.record_visit(
        actor=world.county_admin,
        enterprise=world.a.enterprise,
        visited_on=_LAST_MONTH,
        minutes=30,
        met="x",
        topics=["setup"],
    )


def _admin_follow_up(world):
    visit = _admin_visit(world)
    return guidance.add_follow_up(
        actor=world.county_admin, visit=visit, problem="x", owner=world.a.secretary, due_on=timezone.localdate()
    )


_YEAR = timezone.localdate().year


def _instructor(world):
    from dangjian.testing.guidance import instructor_of

    return instructor_of(world.a, started_on=dt.date(_YEAR, 1, 1))


def _appraisal(world):
    return guidance.appraise(
        actor=None, committee=world.county, instructor=_instructor(world), year=_YEAR, grade="competent"
    )


def _admin_manages(world):
    return access_services.assign_role(
        actor=None, user=world.county_admin, role="manager", enterprise=world.a.enterprise
    )


def _admin_opinion(world):
    _admin_manages(world)
    return guidance.give_opinion(
        actor=None,
        author=world.county_admin,
        enterprise=world.a.enterprise,
        instructor=_instructor(world),
        year=_YEAR,
        rating="satisfied",
    )


def _organising(world, url: str) -> str:
    """`url`, once the county's admin manages A: an enterprise's managers run its rounds."""
    _admin_manages(world)
    return url


def _as_person(world, person, url: str) -> str:
    """`url`, once the county's admin is `person` (their own user record): for what only a
    person does."""
    User.objects.filter(pk=world.county_admin.pk).update(person=person)
    return url


def _with_base(world, url: str) -> str:
    dues_scene.base(world.a.member, dues_scene.month(2026, 1), "3000.00")
    return url


def _closed(world, url: str) -> str:
    dues_services.close_month(actor=None, organization=world.a.branch, month=dues_scene.month(2026, 1))
    return url


def _learning_nomination(world):
    return nominated(world.a).nominations.get(category__builtin="learning")


def _nomination_recipe(world):
    r = round_of(world.a)
    body = {"category_id": category(r).pk, "nominee_id": world.a.member.pk, "kind": "organiser", "reason": "带头学习"}
    return _organising(world, f"/selections/rounds/{r.pk}/nominations"), body


def _ballot_recipe(world):
    r = in_vote(world.a)
    learning = r.nominations.get(category__builtin="learning")
    body = {"choices": [{"category_id": learning.category_id, "nomination_id": learning.pk}]}
    return _as_person(world, world.a.worker, f"/selections/rounds/{r.pk}/ballot"), body


def _roster() -> bytes:
    return xlsx([[1, "霍秀全", "男", "汉族", ident(77, "M"), None, None, None, None, None]])


def _checked_import(world) -> int:
    imp = roster_services.upload(
        actor=world.county_admin, target=world.a.enterprise, file_name="花名册.xlsx", data=_roster(), background=False
    )
    return roster_pipeline.check(imp).pk


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m.upper()} {p}" for m, p in WRITES])
def test_write_is_audited_with_source_api(world, session_client, method, path):
    assert (method, path) in RECIPES, f"{method.upper()} {path}: add a recipe to RECIPES"
    client = session_client(world.county_admin)
    url, body = RECIPES[(method, path)](world)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    kwargs = {"data": body} if body is not None else {}
    if body and any(hasattr(value, "read") for value in body.values()):
        kwargs["content_type"] = MULTIPART_CONTENT  # a file upload
    elif method == "put":
        kwargs["content_type"] = "application/json"  # JsonClient sends JSON on post and patch only
    response = getattr(client, method)(API + url, **kwargs)
    assert response.status_code in (200, 201, 202, 204), response.content
    events = list(AuditEvent.objects.filter(id__gt=last))
    assert events, "the write left no audit event"
    assert {e.source for e in events} == {"api"}
    assert {e.actor_id for e in events} == {world.county_admin.pk}
