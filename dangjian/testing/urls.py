"""The pages of the site, by URL name, with what each takes from side B of the `world`
(ui/tests/test_every_url_is_scoped.py proves A's secretary cannot reach any of it;
test_pages_open.py and test_odd_query_parameters.py open the same pages as A)."""

from __future__ import annotations

import datetime as dt

from django.urls import URLPattern, URLResolver, get_resolver

from dangjian.access import services as access_services
from dangjian.accounts import services as account_services
from dangjian.branchlife import services as branchlife_services
from dangjian.development import services as development_services
from dangjian.jobs.models import Job
from dangjian.notifications.models import Notification, Robot
from dangjian.rosters import pipeline
from dangjian.rosters import services as roster_services
from dangjian.testing import appraisal as appraisal_scene
from dangjian.testing import guidance as guidance_scene
from dangjian.testing import indicators_entry as indicator_scene
from dangjian.testing import production as production_scene
from dangjian.testing import selection_pages
from dangjian.testing import selections as selection_scene
from dangjian.testing.indicators import own_indicator
from dangjian.testing.rosters import ident, xlsx
from dangjian.testing.selections import nominated, round_of
from dangjian.testing.transfers import b_letter, b_outgoing, incoming

# URL name → how to build its kwargs (and query) from the world's side B.
OBJECT_URLS = {
    "notifications:read": lambda w: {"pk": _notification_of(w.b.secretary).pk},
    "organizations:detail": lambda w: {"pk": w.b.branch.pk},
    "organizations:children": lambda w: {"pk": w.b.branch.pk},
    "organizations:edit": lambda w: {"pk": w.b.branch.pk},
    "organizations:move": lambda w: {"pk": w.b.branch.pk},
    "organizations:delete": lambda w: {"pk": w.b.group.pk},
    "organizations:enterprise_detail": lambda w: {"pk": w.b.enterprise.pk},
    "organizations:enterprise_edit": lambda w: {"pk": w.b.enterprise.pk},
    "organizations:unit_create": lambda w: {"pk": w.b.enterprise.pk},
    "organizations:unit_edit": lambda w: {"pk": w.b.team.pk},
    "organizations:unit_delete": lambda w: {"pk": w.b.team.pk},
    "people:detail": lambda w: {"pk": w.b.worker.pk},
    "people:edit": lambda w: {"pk": w.b.worker.pk},
    "people:reveal": lambda w: {"pk": w.b.worker.pk, "field": "id_number"},
    "people:membership_add": lambda w: {"pk": w.b.worker.pk},
    "people:membership_edit": lambda w: {"pk": w.b.member.memberships.get().pk},
    "audit:history": lambda w: {"kind": "person", "pk": w.b.worker.pk},
    "access:roles": lambda w: {"kind": "org", "pk": w.b.branch.pk},
    "access:role_revoke": lambda w: {"pk": w.b.manager.role_assignments.get().pk},
    "access:token_revoke": lambda w: {
        "pk": access_services.create_token(actor=None, user=w.b.secretary, name="b")[0].pk
    },
    "jobs:detail": lambda w: {"pk": _job_of(w.b.secretary).pk},
    "jobs:progress": lambda w: {"pk": _job_of(w.b.secretary).pk},
    "rosters:detail": lambda w: {"pk": _import_of(w.b.manager).pk},
    "rosters:state": lambda w: {"pk": _import_of(w.b.manager).pk},
    "rosters:confirm": lambda w: {"pk": _import_of(w.b.manager).pk},
    "rosters:discard": lambda w: {"pk": _import_of(w.b.manager).pk},
    "rosters:report": lambda w: {"pk": _import_of(w.b.manager).pk},
    "jobs:download": lambda w: {"pk": _job_of(w.b.secretary).pk},
    "development:detail": lambda w: {"pk": candidacy_of(w.b).pk},
    "development:withdraw": lambda w: {"pk": candidacy_of(w.b).pk},
    "development:conclusion": lambda w: {"pk": candidacy_of(w.b).pk},
    "development:document": lambda w: {"pk": candidacy_of(w.b).steps.get().documents.get().pk},
    "development:settings": lambda w: {"pk": w.outsider_county.pk},
    "branchlife:detail": lambda w: {"pk": meeting_of(w.b).pk},
    "branchlife:edit": lambda w: {"pk": meeting_of(w.b).pk},
    "branchlife:print": lambda w: {"pk": meeting_of(w.b).pk, "kind": "minutes"},
    "branchlife:mark": lambda w: _attendance_of(w.b),
    "branchlife:uninvite": lambda w: _attendance_of(w.b, invited=True),
    "branchlife:all_present": lambda w: {"pk": meeting_of(w.b).pk},
    "branchlife:invite": lambda w: {"pk": meeting_of(w.b).pk},
    "branchlife:invitees": lambda w: {"pk": meeting_of(w.b).pk},
    "branchlife:checkin": lambda w: {"pk": meeting_of(w.b).pk},
    "branchlife:checkin_qr": lambda w: {"pk": meeting_of(w.b).pk},
    "branchlife:attachment": lambda w: {"pk": meeting_of(w.b, attach=True).attachments.get().pk},
    "branchlife:frequency": lambda w: {"pk": w.outsider_county.pk},
    "birthdays:card": lambda w: {"pk": w.b.member.pk},
    "birthdays:settings": lambda w: {"pk": w.outsider_county.pk},
    # Another county's set-up page, its files, its logins and its settings.
    "onboarding:county": lambda w: {"pk": w.outsider_county.pk},
    "onboarding:upload": lambda w: {"pk": w.outsider_county.pk, "kind": "org_tree"},
    "onboarding:logins": lambda w: {"pk": w.outsider_county.pk},
    "onboarding:settings": lambda w: {"pk": w.outsider_county.pk, "group": "visits"},
    "notifications:robot_action": lambda w: {"pk": _robot_of(w.b.secretary).pk, "action": "test"},
    "access:sheet": lambda w: {"pk": _sheet_of(w.b).pk},
    "access:code_withdraw": lambda w: {"pk": _sheet_of(w.b).codes.get().pk},
    "production:charge_hand_over": lambda w: {"pk": production_scene.charge_of(w.b).pk},
    "production:charge_end": lambda w: {"pk": production_scene.charge_of(w.b).pk},
    "production:pairing": lambda w: {"pk": production_scene.pairing_of(w.b).pk},
    "production:pairing_end": lambda w: {"pk": production_scene.pairing_of(w.b).pk},
    "production:post": lambda w: {"pk": production_scene.post_of(w.b).pk},
    "production:post_edit": lambda w: {"pk": production_scene.post_of(w.b).pk},
    "production:post_status": lambda w: {"pk": production_scene.post_of(w.b).pk},
    "production:post_photo": lambda w: {"pk": production_scene.post_of(w.b, photo=True).pk},
    "production:post_sign": lambda w: {"pk": production_scene.post_of(w.b).pk},
    "production:course": lambda w: {"pk": production_scene.course_of(w.b).pk},
    "production:course_enrol": lambda w: {"pk": production_scene.course_of(w.b).pk},
    "production:session_new": lambda w: {"pk": production_scene.course_of(w.b).pk},
    "production:attendance": lambda w: production_scene.attendance_of(w.b),
    "production:assess": lambda w: {"pk": production_scene.course_of(w.b).trainees.get().pk},
    "guidance:visit": lambda w: {"pk": guidance_scene.b_visit(w).pk},
    "guidance:visit_edit": lambda w: {"pk": guidance_scene.b_visit(w).pk},
    "guidance:visit_photo": lambda w: guidance_scene.b_photo(w),
    "guidance:follow_up_close": lambda w: {"pk": guidance_scene.b_follow_up(w).pk},
    "guidance:candidate": lambda w: {"pk": guidance_scene.b_candidate(w).pk},
    "guidance:certificate": lambda w: {"pk": guidance_scene.b_candidate(w).pk},
    "guidance:round": lambda w: {"pk": guidance_scene.b_round(w).pk},
    "guidance:scheme": lambda w: {"pk": guidance_scene.scheme_of(w.outsider_county).pk},
    "guidance:appraisal_history": lambda w: {"pk": guidance_scene.b_appraisal(w).instructor_id},
    "guidance:appraise": lambda w: {"pk": guidance_scene.b_instructor(w).pk},
    # B's round in its vote: the ballot, the organiser's sheets and tellers, the count, the receipt.
    "selections:ballot": lambda w: {"pk": selection_scene.in_vote(w.b).pk},
    "selections:sheets": lambda w: {"pk": selection_scene.in_vote(w.b).pk},
    "selections:tellers": lambda w: {"pk": selection_scene.in_vote(w.b).pk},
    "selections:paper_ballots": lambda w: {"pk": selection_scene.in_vote(w.b).pk},
    "selections:count": lambda w: {"pk": selection_scene.in_vote(w.b).pk},
    "selections:receipt": lambda w: {"pk": selection_scene.in_vote(w.b).pk},
    "selections:round": lambda w: {"pk": round_of(w.b).pk},
    "selections:nominate": lambda w: {"pk": round_of(w.b).pk},
    "selections:nomination": lambda w: _nomination_of(w.b),
    "selections:evidence_file": lambda w: _evidence_file_of(w.b),
    "selections:notice": lambda w: {"pk": round_of(w.b).pk},
    "selections:notice_pdf": lambda w: {"pk": round_of(w.b).pk},
    "selections:certificates": lambda w: {"pk": round_of(w.b).pk},
    "selections:download_nominations": lambda w: {"pk": round_of(w.b).pk},
    "selections:download_results": lambda w: {"pk": round_of(w.b).pk},
    # B's figures: its monthly form, the month, its indicators, a figure, the download.
    "indicators:enter": lambda w: {"pk": w.b.enterprise.pk},
    "indicators:month": lambda w: {"pk": w.b.enterprise.pk},
    "indicators:definitions": lambda w: {"pk": w.b.enterprise.pk},
    "indicators:define": lambda w: {"pk": w.b.enterprise.pk},
    "indicators:values_xlsx": lambda w: {"pk": w.b.enterprise.pk},
    "indicators:edit_definition": lambda w: {"pk": own_indicator(w.b).pk},
    "indicators:archive_definition": lambda w: {"pk": own_indicator(w.b).pk},
    "indicators:value": lambda w: {"pk": indicator_scene.figure(w.b).pk},
    # B's production figures: its enterprise's and its team's charts; another county's roll-up.
    "indicators:enterprise": lambda w: {"pk": w.b.enterprise.pk},
    "indicators:team": lambda w: {"pk": w.b.team.pk},
    "indicators:rollup": lambda w: {"pk": w.outsider_county.pk},
    # B's letters: its member's to the other county, to outside the platform, one from outside.
    "transfers:person": lambda w: {"pk": w.b.member.pk},
    "transfers:issue": lambda w: {"pk": w.b.member.pk},
    "transfers:detail": lambda w: {"pk": b_letter(w).pk},
    "transfers:accept": lambda w: {"pk": b_letter(w).pk},
    "transfers:return": lambda w: {"pk": b_letter(w).pk},
    "transfers:cancel": lambda w: {"pk": b_letter(w).pk},
    "transfers:receipt": lambda w: {"pk": b_outgoing(w).pk},
    "transfers:letter": lambda w: {"pk": b_outgoing(w).pk},
    "transfers:verify": lambda w: {"pk": incoming(w, "b").pk},
    "transfers:place": lambda w: {"pk": incoming(w, "b", verified=True).pk},
    # B's dues: its ledger and what is done on it, its lists and statements, its member's dues.
    **{
        f"dues:{n}": lambda w: {"pk": w.b.branch.pk}
        for n in (
            "ledger",
            "pay",
            "charge",
            "close",
            "reopen",
            "unpaid",
            "reliefs",
            "statement",
            "statement_xlsx",
            "handover",
        )
    },
    **{
        f"dues:{n}": lambda w: {"pk": w.b.member.pk}
        for n in ("member", "person", "base", "payment", "voluntary", "relief")
    },
    # B's member's base pay, shown in clear only on "Show" (a POST).
    "dues:base_reveal": lambda w: {"pk": _dues_base_of(w.b.member).pk},
    # B's democratic appraisal: its round, a member's self-assessment and page, the rating's
    # ballot, the results; B's member's panel on the person page.
    "appraisal:round": lambda w: {"pk": appraisal_scene.round_of(w.b).pk},
    "appraisal:self": lambda w: {"pk": appraisal_scene.round_of(w.b).pk},
    "appraisal:member": lambda w: _appraisal_member_of(w.b),
    "appraisal:ballot": lambda w: {"pk": appraisal_scene.at_step(appraisal_scene.round_of(w.b), "vote").pk},
    "appraisal:tellers": lambda w: {"pk": appraisal_scene.at_step(appraisal_scene.round_of(w.b), "vote").pk},
    "appraisal:download": lambda w: {"pk": appraisal_scene.round_of(w.b).pk},
    "appraisal:person": lambda w: {"pk": w.b.member.pk},
}


def _appraisal_member_of(side):
    r = appraisal_scene.round_of(side)
    return {"pk": r.pk, "pid": r.participants.get(person=side.member).pk}


def _nomination_of(side):
    r = nominated(side)
    return {"pk": r.pk, "nid": selection_pages.learning(r).pk}


def _evidence_file_of(side):
    """The file on the evidence of B's learning nomination."""
    r = selection_pages.with_evidence(side)
    n = selection_pages.learning(r)
    return {"pk": r.pk, "nid": n.pk, "fid": n.evidence.get().files.get().pk}


def _robot_of(user):
    return Robot.objects.create(user=user, platform="wecom", name="B群", url="https://qyapi.weixin.qq.com/x?key=b")


def _sheet_of(side):
    """A sheet of login codes B's manager gave B's worker."""
    return account_services.give_logins(actor=side.manager, people=[side.worker]).sheet


def candidacy_of(side):
    """The side's worker's application, with its scanned paper."""
    return development_services.apply(
        actor=None,
        person=side.worker,
        organization=side.branch,
        applied_on=dt.date(2024, 1, 10),
        documents=[(f"{side.worker.name}申请书.pdf", b"%PDF-1.4", "application/pdf")],
    )


def meeting_of(side, attach=False):
    """A held branch meeting of the side, with its worker invited (and a file, if asked)."""
    m = branchlife_services.plan_meeting(
        actor=None,
        organization=side.branch,
        kind="general",
        held_on=dt.date(2026, 1, 10),
        topic=f"{side.branch.name}党员大会",
        status="held",
        attachments=[("B会议记录.pdf", b"%PDF-1.4", "application/pdf")] if attach else (),
    )
    branchlife_services.invite(actor=None, meeting=m, person=side.worker)
    return m


def _attendance_of(side, invited=False):
    m = meeting_of(side)
    return {
        "pk": m.pk,
        "attendance_pk": m.attendances.get(invited=invited, person=side.worker if invited else side.member).pk,
    }


def _import_of(user):
    target = user.role_assignments.get().enterprise
    data = xlsx([[1, "B新人", "女", "汉族", ident(900), "", "", "", "", ""]])
    imp = roster_services.upload(actor=user, target=target, file_name="B.xlsx", data=data, background=False)
    return pipeline.check(imp)


def _notification_of(user):
    return Notification.objects.create(user=user, kind="dev_due", key="b", title="B", sent_on=dt.date(2026, 1, 1))


def _job_of(user):
    return Job.objects.create(kind="test", title="B's job", requested_by=user)


# Pages that take no object: lists and "new" forms. A's secretary may open them (or is refused
# outright); what they list is checked not to contain B.
LIST_URLS = {
    "home",
    "ping",
    "notifications:list",
    "notifications:read_all",
    "notifications:channels",
    "rosters:list",
    "rosters:upload",
    "organizations:tree",
    "organizations:enterprise_list",
    "organizations:enterprise_create",
    "people:list",
    "people:create",
    "audit:log",
    "audit:verify",
    "audit:checkpoint",
    "access:password_change",
    "access:tokens",
    "access:sheets",
    "access:logins_give",
    "exports:people",
    "exports:members",
    "exports:organizations",
    "exports:enterprises",
    "exports:units",
    "development:board",
    "development:pipeline",
    "development:ledger",
    "development:apply",
    "birthdays:cohort",
    "branchlife:list",
    "branchlife:new",
    "branchlife:register",
    "branchlife:calendar",
    "production:page",
    "production:posts",
    "guidance:page",
    "guidance:visits",
    "guidance:ratings",
    "guidance:rollup",
    "guidance:screen",
    "guidance:screen_figures",
    "selections:rounds",
    "selections:round_new",
    "indicators:home",
    "transfers:list",
    "transfers:export",
    "transfers:register",
    "dues:home",
    "dues:mine",
    "dues:bands",
    "dues:band_new",
    "appraisal:rounds",
    "appraisal:round_new",
    "onboarding:start",
}
QUERY_URLS = {
    "organizations:create": lambda w: f"?parent={w.b.branch.pk}",
    "development:board": lambda w: f"?org={w.b.branch.pk}",
    "development:pipeline": lambda w: f"?org={w.b.branch.pk}",
    "development:ledger": lambda w: f"?org={w.b.branch.pk}",
    "birthdays:cohort": lambda w: f"?org={w.b.branch.pk}",
    "birthdays:cards": lambda w: f"?org={w.b.branch.pk}&year=2026&period=7",
    "birthdays:cohort_download": lambda w: f"?org={w.b.branch.pk}&year=2026&period=7",
    "branchlife:rollup_download": lambda w: f"?org={w.outsider_county.pk}&year=2026",
    "production:page": lambda w: f"?org={w.b.branch.pk}",
    "production:posts": lambda w: f"?org={w.b.branch.pk}",
    "production:charge_new": lambda w: f"?org={w.b.branch.pk}",
    "production:pairing_new": lambda w: f"?org={w.b.branch.pk}",
    "production:post_new": lambda w: f"?org={w.b.branch.pk}",
    "production:course_new": lambda w: f"?org={w.b.branch.pk}",
    "production:config": lambda w: f"?org={w.outsider_county.pk}",
    "production:download_coverage": lambda w: f"?org={w.b.branch.pk}",
    "production:download_pairings": lambda w: f"?org={w.b.branch.pk}",
    "production:download_posts": lambda w: f"?org={w.b.branch.pk}",
    "production:download_trainees": lambda w: f"?org={w.b.branch.pk}",
    "guidance:page": lambda w: f"?org={w.outsider_county.pk}",
    "guidance:config": lambda w: f"?org={w.outsider_county.pk}",
    "guidance:visits": lambda w: f"?enterprise={w.b.enterprise.pk}",
    "guidance:declare": lambda w: f"?enterprise={w.b.enterprise.pk}",
    "guidance:visit_new": lambda w: f"?enterprise={w.b.enterprise.pk}",
    "guidance:ratings": lambda w: f"?org={w.outsider_county.pk}",
    "guidance:scheme_new": lambda w: f"?org={w.outsider_county.pk}",
    "guidance:round_new": lambda w: f"?org={w.outsider_county.pk}",
    "guidance:appraisals": lambda w: f"?org={w.outsider_county.pk}",
    "guidance:opinion": lambda w: (
        f"?enterprise={w.b.enterprise.pk}&instructor={guidance_scene.b_instructor(w).pk}&year=2026"
    ),
    "guidance:rollup": lambda w: f"?org={w.outsider_county.pk}",
    "guidance:screen": lambda w: f"?org={w.outsider_county.pk}",
    "guidance:screen_figures": lambda w: f"?org={w.outsider_county.pk}",
    "indicators:analysis": lambda w: f"?enterprise={w.b.enterprise.pk}",
    "indicators:analysis_xlsx": lambda w: f"?enterprise={w.b.enterprise.pk}",
}
# Searches: they answer 200 with what matches; B's names must never be among the matches.
SEARCH_URLS = {"lookup": lambda w: "?source=person&search=工人"}
# Public: logging in and out, the language switch, the favicon, and /health/ for load balancers and monitors
# (anonymous by design; it says only which part is down, never data: ui/tests/test_health.py).
# Activating a login with a card's code and a new password by e-mail are for people not yet
# signed in (accounts/tests/test_login_codes.py: a code works only with its owner's ID ending).
PUBLIC_URLS = {
    "login",
    "logout",
    "set_language",
    "favicon",
    "health",
    "activate",
    "password_forgotten",
    "password_reset",
    # A post's sign's QR code opens what the sign shows, to anyone (production/tests/test_pages.py).
    "production:public",
    "production:public_photo",
    # A ballot sheet's one-time code opens that voter's ballot, and a receipt code answers whether
    # its ballot was counted, without a login (selections/tests/test_vote_sheets.py: the code is
    # the right to the one ballot; nothing of anybody's is shown without it).
    "selections:sheet",
    "selections:receipt_check",
}
SKIP_PREFIXES = ("admin:", "api-")  # admin is staff-only; the API has its own enumerating test


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{p.namespace}:" if p.namespace else prefix
            if str(p.pattern).startswith(("admin/", "api/")):
                continue
            yield from _walk(p.url_patterns, ns if p.namespace else prefix)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{prefix}{p.name}"


def all_url_names() -> set[str]:
    return set(_walk(get_resolver().url_patterns))


# Files that hold no data of anybody's: any signed-in user with the right role gets the same.
BLANK_DOWNLOADS = {"rosters:template": {"kind": "members"}}


def _dues_base_of(person):
    from dangjian.dues import selectors as dues_selectors
    from dangjian.dues import services as dues_services

    return dues_services.set_base(
        actor=None, person=person, month=dues_selectors.this_month(), category="employed", base_pay="4000.00"
    )
