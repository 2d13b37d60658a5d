"""Every operation in the OpenAPI document is closed to anonymous callers and, when it names an
object, answers 404 for an object of the other side. A new operation fails here until it is
added to the mappings below, so no endpoint slips by untested."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.access.models import ApiToken
from dangjian.audit.models import AuditEvent
from dangjian.branchlife import services as meeting_services
from dangjian.development import services as development
from dangjian.production import services as production
from dangjian.rosters import services as roster_services
from dangjian.testing import appraisal as appraisal_scene
from dangjian.testing import guidance as guidance_scene
from dangjian.testing import indicator_figures, selection_phases
from dangjian.testing import indicators as indicators_builders
from dangjian.testing.api import API, operations, token_for
from dangjian.testing.rosters import ident, xlsx
from dangjian.testing.selections import nominated, round_of
from dangjian.testing.transfers import b_letter

# Path prefix → the object of side B that A's secretary must not reach.
OBJECT_OF_B = {
    "organizations": lambda world: world.b.branch,
    "enterprises": lambda world: world.b.enterprise,
    "units": lambda world: world.b.team,
    "people": lambda world: world.b.worker,
    "tokens": lambda world: ApiToken.objects.get(pk=_b_token(world)),
    "imports": lambda world: _b_import(world),
    "candidacies": lambda world: _b_candidacy(world),
    "meetings": lambda world: _b_meeting(world),
    "me": lambda world: None,  # /me names no object: it is the caller
    # /production/<records>: the first two segments name the kind of record.
    "production/coverage": lambda world: None,  # ?org= names an organisation: test_api.py in production
    "production/team-charges": lambda world: _b_charge(world),
    "production/pairings": lambda world: _b_pairing(world),
    "production/posts": lambda world: _b_post(world),
    "production/courses": lambda world: _b_course(world),
    "production/trainees": lambda world: _b_course(world, trainee=True),
    # /guidance/<records>, likewise.
    "guidance/visits": lambda world: guidance_scene.b_visit(world),
    "guidance/follow-ups": lambda world: guidance_scene.b_follow_up(world),
    "guidance/declarations": lambda world: None,  # names the enterprise in the body: test_api.py in guidance
    "guidance/instructors": lambda world: None,  # ?org= names a committee: test_api.py in guidance
    # Ratings: B's candidacy is in A's county's round, which A's secretary does not keep either.
    "guidance/rating-schemes": lambda world: None,  # ?org= / the body names a committee: test_ratings_api.py
    "guidance/rating-rounds": lambda world: guidance_scene.b_round(world),
    "guidance/rating-candidates": lambda world: guidance_scene.b_candidate(world),
    "guidance/appraisals": lambda world: guidance_scene.b_appraisal(world),
    "guidance/opinions": lambda world: guidance_scene.b_opinion(world),
    "guidance/rollups": lambda world: world.outsider_county,  # another county's roll-up
    # /selections/<records>, likewise: B's round, its nomination, its result, its objection.
    "selections/rounds": lambda world: round_of(world.b),
    "selections/nominations": lambda world: nominated(world.b).nominations.first(),
    "selections/results": lambda world: selection_phases.result_of(selection_phases.counted(world.b)),
    "selections/objections": lambda world: selection_phases.objection_of(world.b),
    # /indicators/<records>, likewise: B's own indicator, B's figure.
    "indicators/definitions": lambda world: indicators_builders.own_indicator(world.b),
    "indicators/values": lambda world: indicator_figures.figure(world.b),
    "indicators/series": lambda world: None,  # ?enterprise= / ?org= name the place: test_indicators_api.py
    "indicators/analysis": lambda world: None,  # likewise
    # B's member's letter to a branch of the other county: neither side is A's.
    "transfers": lambda world: b_letter(world),
    # /dues/<records>: B's member's dues, B's branch's months; the lists name the place by ?org=
    # (dues/tests/test_api.py refuses A's secretary B's branch there).
    "dues/members": lambda world: world.b.member,
    "dues/organizations": lambda world: world.b.branch,
    "dues/ledger": lambda world: None,
    "dues/unpaid": lambda world: None,
    "dues/bands": lambda world: None,
    # /appraisal/<records>, likewise: B's round, a line of its roll.
    "appraisal/rounds": lambda world: appraisal_scene.round_of(world.b),
    "appraisal/participants": lambda world: appraisal_scene.round_of(world.b).participants.first(),
}

# Operations whose path parameters name no object (so there is no object of B to refuse): the
# values that fill them in.
NOT_OBJECTS = {
    ("get", "/imports/templates/{kind}"): {"kind": "employees"},
}

# Path parameters besides {id}, naming something inside the object of B: the values that fill them in.
INNER_PARAMS = {
    ("put", "/meetings/{id}/attendance/{person_id}"): lambda world: {"person_id": world.b.member.pk},
    ("delete", "/meetings/{id}/invitations/{person_id}"): lambda world: {"person_id": world.b.worker.pk},
}

# Bodies that pass the request schema, so that the answer is decided by scope, not by validation.
BODIES = {
    ("post", "/organizations/{id}/move"): lambda world: {"parent_id": world.a.branch.pk},
    ("post", "/people/{id}/reveal"): lambda world: {"field": "id_number"},
    ("post", "/candidacies/{id}/reveal"): lambda world: {"field": "conclusion"},
    ("post", "/people/{id}/memberships"): lambda world: {
        "organization_id": world.a.branch.pk,
        "admitted_on": "2024-07-01",
    },
    ("post", "/candidacies/{id}/steps"): lambda world: {"number": 2, "done_on": timezone.localdate().isoformat()},
    ("post", "/candidacies/{id}/withdraw"): lambda world: {"reason": "调离本单位"},
    ("put", "/meetings/{id}/attendance/{person_id}"): lambda world: {"state": "present"},
    ("post", "/meetings/{id}/invitations"): lambda world: {"person_id": world.b.worker.pk},
    ("post", "/production/pairings/{id}/notes"): lambda world: {"text": "进展顺利"},
    ("post", "/production/posts/{id}/status"): lambda world: {"status": "ended"},
    ("post", "/production/courses/{id}/trainees"): lambda world: {"person_ids": [world.b.worker.pk]},
    ("post", "/production/trainees/{id}/assessment"): lambda world: {"result": "failed"},
    ("post", "/guidance/visits/{id}/follow-ups"): lambda world: {
        "problem": "x",
        "owner_id": world.a.secretary.pk,
        "due_on": "2026-12-31",
    },
    ("post", "/guidance/follow-ups/{id}/close"): lambda world: {"note": "已整改"},
    ("patch", "/guidance/visits/{id}"): lambda world: {"minutes": 30},
    ("post", "/guidance/rating-rounds/{id}/candidates"): lambda world: {"branch_ids": [world.a.branch.pk]},
    ("put", "/guidance/rating-candidates/{id}/scores"): lambda world: {
        "scores": [{"criterion_id": guidance_scene.reviewed_criterion().pk, "points": 1, "note": "x"}]
    },
    ("patch", "/guidance/appraisals/{id}"): lambda world: {"grade": "competent"},
    ("patch", "/guidance/opinions/{id}"): lambda world: {"rating": "satisfied"},
    ("post", "/selections/rounds/{id}/nominations"): lambda world: {
        "category_id": 1,
        "nominee_id": world.a.member.pk,
        "kind": "organiser",
        "reason": "带头学习",
    },
    ("post", "/selections/nominations/{id}/evidence"): lambda world: {"text": "带出10名熟练工"},
    ("post", "/selections/rounds/{id}/ballot"): lambda world: {"choices": []},
    ("post", "/selections/rounds/{id}/receipt"): lambda world: {"code": "ABCD-EFGH-JKMN"},
    ("post", "/selections/results/{id}/decide"): lambda world: {"decision": "confirmed"},
    ("post", "/selections/rounds/{id}/objections"): lambda world: {"text": "请核实"},
    ("post", "/selections/objections/{id}/answer"): lambda world: {"answer": "已核实"},
    ("patch", "/indicators/definitions/{id}"): lambda world: {"name": "返修率"},
    ("post", "/transfers/{id}/return"): lambda world: {"reason": "本人未到岗"},
    ("post", "/transfers/{id}/cancel"): lambda world: {"reason": "开错了"},
    ("post", "/transfers/{id}/receipt"): lambda world: {"received_on": "2026-01-05", "receipt_org_name": "某党委"},
    ("post", "/transfers/{id}/place"): lambda world: {"id_number": world.a.worker.id_number},
    ("post", "/dues/members/{id}/payments"): lambda world: {"first_month": "2026-01"},
    ("post", "/dues/members/{id}/voluntary"): lambda world: {"amount": "100.00"},
    ("put", "/dues/members/{id}/base"): lambda world: {"month": "2026-01", "base_pay": "3000.00"},
    ("post", "/dues/members/{id}/reliefs"): lambda world: {
        "kind": "exempt",
        "first_month": "2026-01",
        "last_month": "2026-01",
        "reason": "困难",
        "approved_by": "committee",
        "approved_on": "2026-01-05",
    },
    ("post", "/dues/organizations/{id}/close"): lambda world: {"month": "2026-01"},
    ("post", "/dues/organizations/{id}/reopen"): lambda world: {"month": "2026-01", "reason": "更正"},
    ("post", "/appraisal/rounds/{id}/representatives"): lambda world: {"person_id": world.a.worker.pk},
    ("put", "/appraisal/rounds/{id}/self-assessment"): lambda world: {"text": "自评"},
    ("post", "/appraisal/rounds/{id}/comments"): lambda world: {"subject_id": 1, "text": "工作认真"},
    ("post", "/appraisal/rounds/{id}/ballot"): lambda world: {"choices": []},
    ("post", "/appraisal/rounds/{id}/proposal"): lambda world: {"grades": []},
    ("post", "/appraisal/participants/{id}/follow-up"): lambda world: {"text": "限期改正"},
}


def _b_token(world) -> int:
    token_for(world.b.secretary)
    return ApiToken.objects.filter(user=world.b.secretary).latest("id").pk


def _b_import(world):
    data = xlsx([[1, "B新人", "女", "汉族", ident(9), None, None, None, None, None]])
    return roster_services.upload(
        actor=world.b.manager, target=world.b.enterprise, file_name="b.xlsx", data=data, background=False
    )


def _b_candidacy(world):
    return development.apply(
        actor=None,
        person=world.b.worker,
        organization=world.b.branch,
        applied_on=timezone.localdate() - dt.timedelta(days=10),
    )


def _b_meeting(world):
    return meeting_services.plan_meeting(
        actor=None,
        organization=world.b.branch,
        kind="general",
        held_on=timezone.localdate() - dt.timedelta(days=3),
        status="held",
        topic="B支部党员大会",
    )


def _b_charge(world):
    return production.take_charge(
        actor=None, organization=world.b.branch, team=world.b.team, member=world.b.member, started_on=_LAST_MONTH
    )


def _b_pairing(world):
    return production.pair(
        actor=None,
        organization=world.b.branch,
        member=world.b.member,
        partners=[world.b.worker],
        purposes=["skills"],
        started_on=_LAST_MONTH,
    )


def _b_post(world):
    return production.propose_post(
        actor=None,
        organization=world.b.branch,
        kind="vanguard",
        title="B先锋岗",
        holder=world.b.member,
        commitment="质量第一",
        started_on=_LAST_MONTH,
    )


def _b_course(world, trainee=False):
    course = production.open_course(
        actor=None,
        organization=world.b.branch,
        title="B质检培训",
        skill="质检",
        trainer=world.b.member,
        starts_on=_LAST_MONTH,
        ends_on=timezone.localdate(),
        hours=Decimal("8"),
    )
    if trainee:
        return production.enrol(actor=None, course=course, people=[world.b.worker])[0]
    return course


_LAST_MONTH = timezone.localdate() - dt.timedelta(days=30)

OPERATIONS = operations()


def _prefix(path: str) -> str:
    """The key of OBJECT_OF_B for a path: its first segment, or its first two under /production,
    /guidance, /selections, /indicators, /dues and /appraisal."""
    parts = path.strip("/").split("/")
    nested = {"production", "guidance", "selections", "indicators", "dues", "appraisal"}
    return "/".join(parts[:2]) if parts[0] in nested else parts[0]


def _call(client, method, path, body):
    kwargs = {"data": body} if method in {"post", "patch", "put"} else {}
    if method == "put":
        kwargs["content_type"] = "application/json"  # JsonClient sends JSON on post and patch only
    return getattr(client, method)(API + path, **kwargs)


def _fill(world, method, path):
    prefix = _prefix(path)
    if "{" not in path:
        return path, None
    if (method, path) in NOT_OBJECTS:
        return path.format(**NOT_OBJECTS[(method, path)]), None
    url = path
    for name, value in INNER_PARAMS.get((method, path), lambda w: {})(world).items():
        url = url.replace(f"{{{name}}}", str(value))
    assert "{id}" in url and url.count("{") == 1, (
        f"{method.upper()} {path}: name the object's path parameter {{id}} (others go in INNER_PARAMS)"
    )
    assert prefix in OBJECT_OF_B, f"{method.upper()} {path}: add '{prefix}' to OBJECT_OF_B with an object of side B"
    obj = OBJECT_OF_B[prefix](world)
    return url.replace("{id}", str(obj.pk)), obj


def test_the_api_has_the_operations_we_expect_to_check():
    assert len(OPERATIONS) >= 20
    for method, path in OPERATIONS:
        assert _prefix(path) in OBJECT_OF_B, f"{method.upper()} {path} is not covered by OBJECT_OF_B"


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in OPERATIONS])
def test_anonymous_gets_401(world, anonymous, method, path):
    url, _ = _fill(world, method, path)
    body = BODIES.get((method, path), lambda w: {})(world)
    response = _call(anonymous, method, url, body)
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize(
    ("method", "path"),
    [op for op in OPERATIONS if "{" in op[1] and op not in NOT_OBJECTS],
    ids=[f"{m.upper()} {p}" for m, p in OPERATIONS if "{" in p and (m, p) not in NOT_OBJECTS],
)
def test_secretary_of_a_gets_404_for_an_object_of_b(world, api_as, method, path):
    client = api_as(world.a.secretary)
    url, obj = _fill(world, method, path)
    body = BODIES.get((method, path), lambda w: {})(world)
    events = AuditEvent.objects.count()
    response = _call(client, method, url, body)
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
    assert AuditEvent.objects.count() == events, "nothing may be written or revealed"
