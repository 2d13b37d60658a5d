"""Pacesetter rounds through the API as an integration meets them: the organiser opens a round and
moves it on, people nominate and add evidence, voters fetch their own ballot and cast it once, the
count, the committee's review, objections during the notice. And the refusals: a second vote,
voting outside the vote, a nominee outside the round's rule, results before the count, another
enterprise's round (404), someone who does not run the round moving it on (403). No answer ever
carries a ballot's key or says who voted for whom."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from dangjian.api.api import api
from dangjian.audit.models import AuditEvent
from dangjian.ballots.models import Ballot, Mark, Voter
from dangjian.selections import services
from dangjian.selections.models import Builtin, Phase, Round
from dangjian.testing.api import API
from dangjian.testing.factories import PersonFactory, UserFactory
from dangjian.testing.selection_phases import counted, objection_of, result_of, vote
from dangjian.testing.selections import category, in_vote, nominated, round_of

EN = {"accept-language": "en"}
RECEIPT = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")


class Recorder:
    """API clients whose every answer is kept, to look through afterwards for what must never
    be in one."""

    def __init__(self, api_as):
        self.api_as = api_as
        self.bodies: list[str] = []

    def client(self, user):
        client = self.api_as(user, **EN)
        recorder = self

        class Kept:
            def __getattr__(self, method):
                call = getattr(client, method)

                def send(*args, **kwargs):
                    response = call(*args, **kwargs)
                    recorder.bodies.append(response.content.decode())
                    return response

                return send

        return Kept()


def _plan(world, **extra):
    return {
        "enterprise_id": world.a.enterprise.pk,
        "title": "四型标兵评选（第二轮）",
        "opens_on": "2026-03-02",
        "evidence_on": "2026-03-09",
        "vote_on": "2026-03-16",
        "vote_until": "2026-03-20",
        "notice_on": "2026-03-25",
        **extra,
    }


@pytest.fixture
def worker_user(world):
    return UserFactory(username="worker_a", person=world.a.worker)


def _category_id(detail, builtin):
    return next(c["id"] for c in detail["categories"] if c["builtin"] == builtin)


def test_a_round_from_its_opening_to_the_public_notice(world, api_as, member_user, worker_user):
    kept = Recorder(api_as)
    organiser, member, worker = kept.client(world.a.secretary), kept.client(member_user), kept.client(worker_user)

    response = organiser.post(f"{API}/selections/rounds", _plan(world))
    assert response.status_code == 201, response.content
    detail = response.json()
    rid = detail["id"]
    assert [c["builtin"] for c in detail["categories"]] == ["learning", "thinking", "performance", "income"]
    assert (detail["phase"], detail["organization_id"], detail["may_run"]) == ("nomination", world.a.branch.pk, True)
    assert detail["blocked"] is None and detail["next_phase"] == "evidence"
    learning, income = _category_id(detail, "learning"), _category_id(detail, "income")

    # Nominations: the member stands for the learning model; they nominate the worker, a colleague.
    response = member.post(
        f"{API}/selections/rounds/{rid}/nominations",
        {"category_id": learning, "nominee_id": world.a.member.pk, "kind": "self", "reason": "带头学习新工艺"},
    )
    assert response.status_code == 201, response.content
    mine = response.json()
    assert (mine["nominee_name"], mine["nominated_by_name"], mine["status"]) == ("A党员", "A党员", "standing")
    response = member.post(
        f"{API}/selections/rounds/{rid}/nominations",
        {"category_id": income, "nominee_id": world.a.worker.pk, "kind": "peer", "reason": "家庭一年增收4万元"},
    )
    assert response.status_code == 201, response.content
    theirs = response.json()
    response = worker.post(
        f"{API}/selections/nominations/{theirs['id']}/evidence",
        {"text": "养殖合作社分红与工资流水", "figures": [{"label": "家庭增收", "value": "4万元"}]},
    )
    assert response.status_code == 201, response.content
    assert response.json()["evidence"][0]["figures"] == [{"label": "家庭增收", "value": "4万元"}]
    assert response.json()["evidence_count"] == 1
    listed = worker.get(f"{API}/selections/rounds/{rid}/nominations").json()
    assert [n["nominee_name"] for n in listed] == ["A党员", "A工人"]

    # The vote opens: the roll is every employee; each fetches their own ballot.
    for _phase in ("evidence", "vote"):
        response = organiser.post(f"{API}/selections/rounds/{rid}/advance")
        assert response.status_code == 200, response.content
    assert (response.json()["phase"], response.json()["roll"], response.json()["voted"]) == ("vote", 3, 0)
    ballot = worker.get(f"{API}/selections/rounds/{rid}/ballot")
    assert ballot.status_code == 200, ballot.content
    assert [(c["category_id"], [n["nominee_name"] for n in c["nominees"]]) for c in ballot.json()["categories"]] == [
        (learning, ["A党员"]),
        (income, ["A工人"]),
    ]
    assert worker.get(f"{API}/selections/rounds/{rid}").json()["ballot_open"] is True

    cast = worker.post(
        f"{API}/selections/rounds/{rid}/ballot",
        {
            "choices": [
                {"category_id": learning, "nomination_id": mine["id"]},
                {"category_id": income, "nomination_id": theirs["id"]},
            ]
        },
    )
    assert cast.status_code == 200, cast.content
    assert set(cast.json()) == {"receipt"} and RECEIPT.match(cast.json()["receipt"])
    receipt = cast.json()["receipt"]
    # The member leaves the income model out: a blank there.
    response = member.post(
        f"{API}/selections/rounds/{rid}/ballot", {"choices": [{"category_id": learning, "nomination_id": mine["id"]}]}
    )
    assert response.status_code == 200, response.content

    # One person, one vote: the second is refused, and the ballot is no longer theirs to fetch.
    again = worker.post(
        f"{API}/selections/rounds/{rid}/ballot", {"choices": [{"category_id": learning, "nomination_id": None}]}
    )
    assert again.status_code == 422, again.content
    assert again.json()["message"] == "A工人 has voted already in this vote: one person, one vote."
    assert worker.get(f"{API}/selections/rounds/{rid}/ballot").status_code == 403
    now = worker.get(f"{API}/selections/rounds/{rid}").json()
    assert (now["ballot_open"], now["roll"], now["voted"], now["may_run"], now["blocked"]) == (False, 3, 2, False, None)
    assert Ballot.objects.filter(poll__round__pk=rid).count() == 2

    # Nothing of the count before the count.
    for path in ("results", "tally"):
        response = worker.get(f"{API}/selections/rounds/{rid}/{path}")
        assert response.status_code == 422, response.content
        assert response.json()["message"] == "The vote is not counted yet: the round is in its vote phase."
    assert worker.post(f"{API}/selections/rounds/{rid}/receipt", {"code": receipt}).status_code == 422

    # The count: results for the committee's review, the tally, the receipt checks.
    assert organiser.post(f"{API}/selections/rounds/{rid}/advance").json()["phase"] == "review"
    assert worker.get(f"{API}/selections/rounds/{rid}/results").status_code == 403  # published with the notice
    results = {r["nominee_name"]: r for r in organiser.get(f"{API}/selections/rounds/{rid}/results").json()}
    assert {name: (r["votes"], r["rank"], r["elected"], r["tied"], r["decision"]) for name, r in results.items()} == {
        "A党员": (2, 1, True, False, "pending"),
        "A工人": (1, 1, True, False, "pending"),
    }
    assert worker.get(f"{API}/selections/rounds/{rid}/tally").status_code == 403
    tally = organiser.get(f"{API}/selections/rounds/{rid}/tally").json()
    assert (tally["roll"], tally["turnout"], tally["ballots"]) == (3, 2, 2) and len(tally["digest"]) == 64
    assert [(c["name"], c["blank"], [n["votes"] for n in c["nominees"]]) for c in tally["categories"]] == [
        ("Learning model", 0, [2]),
        ("Income model", 1, [1]),
    ]
    check = worker.post(f"{API}/selections/rounds/{rid}/receipt", {"code": receipt.lower().replace("-", " ")})
    assert check.json() == {"counted": True}
    assert worker.post(f"{API}/selections/rounds/{rid}/receipt", {"code": "0000-0000-0000"}).json() == {
        "counted": False
    }
    recount = organiser.get(f"{API}/selections/rounds/{rid}/recount").json()
    assert recount["agrees"] is True and recount["digest"] == tally["digest"]
    assert worker.get(f"{API}/selections/rounds/{rid}/recount").status_code == 403

    # The committee's review; then the notice, an objection and its answer.
    assert (
        worker.post(f"{API}/selections/results/{results['A工人']['id']}/decide", {"decision": "confirmed"}).status_code
        == 403
    )
    for r in results.values():
        response = organiser.post(f"{API}/selections/results/{r['id']}/decide", {"decision": "confirmed"})
        assert response.status_code == 200, response.content
        assert response.json()["decision"] == "confirmed"
    assert organiser.post(f"{API}/selections/rounds/{rid}/advance").json()["phase"] == "notice"
    response = worker.post(
        f"{API}/selections/rounds/{rid}/objections", {"text": "请核实增收数据", "result_id": results["A工人"]["id"]}
    )
    assert response.status_code == 201, response.content
    objection = response.json()
    assert (objection["nominee_name"], objection["raised_by_name"]) == ("A工人", None)
    assert member.get(f"{API}/selections/rounds/{rid}/objections").json() == []  # not theirs
    [seen] = organiser.get(f"{API}/selections/rounds/{rid}/objections").json()
    assert seen["raised_by_name"] == str(worker_user)
    blocked = organiser.post(f"{API}/selections/rounds/{rid}/advance")
    assert blocked.status_code == 422 and "The public notice runs until" in blocked.json()["message"]
    assert worker.post(f"{API}/selections/objections/{objection['id']}/answer", {"answer": "x"}).status_code == 403
    response = organiser.post(f"{API}/selections/objections/{objection['id']}/answer", {"answer": "已核实工资流水"})
    assert response.status_code == 200, response.content
    assert response.json()["answer"] == "已核实工资流水"

    # Secrecy: no answer carried a ballot's or a mark's key, or a line of the roll; each receipt
    # was answered once, to its voter, and never again.
    keys = [str(k) for k in Ballot.objects.values_list("pk", flat=True)] + [
        str(k) for k in Mark.objects.values_list("pk", flat=True)
    ]
    assert keys
    everything = "\n".join(kept.bodies)
    assert not [k for k in keys if k in everything]
    assert everything.count(receipt) == 1
    for body in kept.bodies:
        assert not re.search(r'"(ballot_id|mark_id|voter_id|voter|voters_list|marks|ballots_of)"', body), body


def test_a_second_vote_and_a_vote_outside_the_vote_are_refused_with_a_reason(world, api_as, worker_user):
    worker = api_as(worker_user, **EN)
    r = round_of(world.a)
    url = f"{API}/selections/rounds/{r.pk}/ballot"
    for response in (worker.get(url), worker.post(url, {"choices": []})):
        assert response.status_code == 422, response.content
        assert response.json()["message"] == "The vote of this round opens on 2026-03-16: come back then."
    r = in_vote(world.a, r)
    learning = r.nominations.get(category__builtin=Builtin.LEARNING)
    body = {"choices": [{"category_id": learning.category_id, "nomination_id": learning.pk}]}
    assert worker.post(f"{API}/selections/rounds/{r.pk}/ballot", body).status_code == 200
    second = worker.post(f"{API}/selections/rounds/{r.pk}/ballot", body)
    assert second.status_code == 422
    assert "one person, one vote" in second.json()["message"]
    assert Ballot.objects.filter(poll=r.poll).count() == 1
    assert Voter.objects.get(poll=r.poll, person=world.a.worker).voted
    counted_round = counted(world.b)
    b_worker = api_as(UserFactory(username="worker_b", person=world.b.worker), **EN)
    late = b_worker.post(f"{API}/selections/rounds/{counted_round.pk}/ballot", {"choices": []})
    assert late.status_code == 422
    assert late.json()["message"] == (
        "The vote of this round is closed: ballots are taken only during the vote (until 2026-03-22)."
    )


def test_a_ballot_is_only_the_voters_own(world, api_as):
    """Someone who reads the round but is not on its roll (the vote is the members'; a worker) has
    no ballot; an account without a person neither; nobody can name another voter's line."""
    r = in_vote(world.a, round_of(world.a, voters="members"))
    worker = api_as(UserFactory(username="worker_a", person=world.a.worker), **EN)
    for response in (
        worker.get(f"{API}/selections/rounds/{r.pk}/ballot"),
        worker.post(f"{API}/selections/rounds/{r.pk}/ballot", {"choices": []}),
        api_as(world.a.manager).post(f"{API}/selections/rounds/{r.pk}/ballot", {"choices": []}),
    ):
        assert response.status_code == 403, response.content
    assert (
        "You are not on the roll of this vote" in worker.get(f"{API}/selections/rounds/{r.pk}/ballot").json()["message"]
    )
    assert not Ballot.objects.filter(poll=r.poll).exists()
    assert not Voter.objects.filter(poll=r.poll, voted=True).exists()


def test_a_choice_not_on_the_ballot_is_refused_and_nothing_is_stored(world, api_as, member_user):
    r = in_vote(world.a)
    member = api_as(member_user, **EN)
    learning = r.nominations.get(category__builtin=Builtin.LEARNING)
    income = r.nominations.get(category__builtin=Builtin.INCOME)
    thinking = category(r, Builtin.THINKING)  # nobody stands: not on the ballot
    for choices in (
        [{"category_id": learning.category_id, "nomination_id": income.pk}],
        [{"category_id": thinking.pk, "nomination_id": None}],
        [{"category_id": learning.category_id, "nomination_id": learning.pk}] * 2,
    ):
        response = member.post(f"{API}/selections/rounds/{r.pk}/ballot", {"choices": choices})
        assert response.status_code == 422, (choices, response.content)
        assert "reload the ballot" in response.json()["errors"]["choices"][0]
    assert not Ballot.objects.filter(poll=r.poll).exists()
    assert not Voter.objects.filter(poll=r.poll, voted=True).exists()


def test_a_nominee_outside_the_rounds_rule_and_a_self_nomination_of_another_are_refused(world, api_as, worker_user):
    r = round_of(world.a, nominees="members")
    organiser, worker = api_as(world.a.secretary, **EN), api_as(worker_user, **EN)
    body = {"category_id": category(r).pk, "nominee_id": world.a.worker.pk, "kind": "organiser", "reason": "好"}
    response = organiser.post(f"{API}/selections/rounds/{r.pk}/nominations", body)
    assert response.status_code == 422, response.content
    assert "A工人 cannot be nominated in this round: it is open to" in response.json()["errors"]["nominee_id"][0]
    # Someone of the other side: not named, whatever the rule.
    response = organiser.post(f"{API}/selections/rounds/{r.pk}/nominations", {**body, "nominee_id": world.b.member.pk})
    assert response.status_code == 422
    assert "B党员" not in response.content.decode()
    assert "that you have access to" in response.json()["errors"]["nominee_id"][0]
    response = worker.post(
        f"{API}/selections/rounds/{r.pk}/nominations", {**body, "kind": "self", "nominee_id": world.a.member.pk}
    )
    assert response.status_code == 422
    assert "self-nomination names yourself" in response.json()["errors"]["nominee_id"][0]
    # Only the organiser nominates as the organiser.
    response = worker.post(f"{API}/selections/rounds/{r.pk}/nominations", {**body, "nominee_id": world.a.member.pk})
    assert response.status_code == 403
    assert not r.nominations.exists()


def test_only_the_nominee_declines(world, api_as, member_user, worker_user):
    r = nominated(world.a)
    nomination = r.nominations.get(nominee=world.a.member)
    assert api_as(worker_user).post(f"{API}/selections/nominations/{nomination.pk}/decline", {}).status_code == 403
    response = api_as(member_user).post(f"{API}/selections/nominations/{nomination.pk}/decline", {"note": "让贤"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["declined_note"]) == ("declined", "让贤")


def test_results_wait_for_the_count(world, api_as):
    r = in_vote(world.a)
    vote(r, world.a.member, {Builtin.LEARNING: r.nominations.get(category__builtin=Builtin.LEARNING)})
    client = api_as(world.a.secretary, **EN)
    response = client.get(f"{API}/selections/rounds/{r.pk}/results")
    assert response.status_code == 422
    assert response.json()["message"] == "The vote is not counted yet: the round is in its vote phase."
    assert client.get(f"{API}/selections/rounds/{r.pk}/tally").status_code == 422
    assert client.get(f"{API}/selections/rounds/{r.pk}/recount").status_code == 422


def test_someone_who_does_not_run_the_round_cannot_move_it_on(world, api_as, worker_user, member_user):
    r = nominated(world.a)
    for user in (worker_user, member_user):
        response = api_as(user, **EN).post(f"{API}/selections/rounds/{r.pk}/advance")
        assert response.status_code == 403, response.content
        assert response.json()["message"] == "A round is run by its branch committee and the enterprise's managers."
    r.refresh_from_db()
    assert r.phase == Phase.NOMINATION
    # The enterprise's managers run it as its branch does.
    assert api_as(world.a.manager).post(f"{API}/selections/rounds/{r.pk}/advance").json()["phase"] == "evidence"


def test_the_organiser_is_told_why_the_round_cannot_move_on(world, api_as, worker_user):
    r = round_of(world.a)
    organiser = api_as(world.a.secretary, **EN)
    assert organiser.post(f"{API}/selections/rounds/{r.pk}/advance").json()["phase"] == "evidence"
    detail = organiser.get(f"{API}/selections/rounds/{r.pk}").json()
    assert detail["blocked"].startswith("Nobody stands for election yet")
    assert api_as(worker_user).get(f"{API}/selections/rounds/{r.pk}").json()["blocked"] is None
    refused = organiser.post(f"{API}/selections/rounds/{r.pk}/advance")
    assert refused.status_code == 422 and refused.json()["message"] == detail["blocked"]


def test_a_round_is_opened_only_where_the_caller_runs_rounds(world, api_as, worker_user):
    response = api_as(worker_user, **EN).post(f"{API}/selections/rounds", _plan(world))
    assert response.status_code == 403, response.content
    response = api_as(world.a.secretary, **EN).post(
        f"{API}/selections/rounds", _plan(world, enterprise_id=world.b.enterprise.pk)
    )
    assert response.status_code == 422, response.content  # B's enterprise is nothing A's secretary reads
    assert "enterprise_id" in response.json()["errors"]
    response = api_as(world.a.secretary, **EN).post(
        f"{API}/selections/rounds", _plan(world, organization_id=world.b.branch.pk)
    )
    assert response.status_code == 422 and "organization_id" in response.json()["errors"]
    response = api_as(world.a.secretary, **EN).post(f"{API}/selections/rounds", _plan(world, vote_until="2026-03-01"))
    assert response.status_code == 422 and "vote_until" in response.json()["errors"]
    assert not Round.objects.exists()


def test_side_b_reaches_nothing_of_side_a(world, api_as):
    r = counted(world.a)
    b = api_as(world.b.secretary)
    b_worker = api_as(UserFactory(username="worker_b", person=world.b.worker))
    for client in (b, b_worker):
        for path in ("", "/nominations", "/ballot", "/results", "/tally", "/objections", "/recount"):
            response = client.get(f"{API}/selections/rounds/{r.pk}{path}")
            assert response.status_code == 404, (path, response.content)
        assert client.post(f"{API}/selections/rounds/{r.pk}/receipt", {"code": "0000-0000-0000"}).status_code == 404
        assert client.get(f"{API}/selections/nominations/{result_of(r).nomination_id}").status_code == 404
        assert client.get(f"{API}/selections/rounds").json()["items"] == []
    assert b.post(f"{API}/selections/results/{result_of(r).pk}/decide", {"decision": "confirmed"}).status_code == 404
    own = round_of(world.b)
    assert [x["id"] for x in b.get(f"{API}/selections/rounds").json()["items"]] == [own.pk]


def test_the_list_filters_by_phase_and_enterprise(world, api_as):
    voting, nominating = in_vote(world.a), round_of(world.a)
    client = api_as(world.county_admin)
    assert [x["id"] for x in client.get(f"{API}/selections/rounds", {"phase": "vote"}).json()["items"]] == [voting.pk]
    by_enterprise = client.get(f"{API}/selections/rounds", {"enterprise": world.a.enterprise.pk}).json()["items"]
    assert {x["id"] for x in by_enterprise} == {voting.pk, nominating.pk}
    assert client.get(f"{API}/selections/rounds", {"phase": "counted"}).status_code == 422


def test_a_receipt_check_writes_nothing(world, api_as):
    r = in_vote(world.a)
    receipt = vote(r, world.a.worker, {Builtin.LEARNING: r.nominations.get(category__builtin=Builtin.LEARNING)})
    services.advance(actor=None, round=r)
    client = api_as(UserFactory(username="worker_a", person=world.a.worker))
    events = AuditEvent.objects.count()
    assert client.post(f"{API}/selections/rounds/{r.pk}/receipt", {"code": receipt}).json() == {"counted": True}
    assert AuditEvent.objects.count() == events


def test_the_documented_answers_name_no_ballot_and_no_voter():
    """What the document says the selections answer: no ballot's or mark's key, no voter's line."""
    schema = api.get_openapi_schema()
    text = json.dumps({p: v for p, v in schema["paths"].items() if "/selections/" in p})
    refs = set(re.findall(r"#/components/schemas/(\w+)", text))
    seen: set[str] = set()
    while refs - seen:
        name = (refs - seen).pop()
        seen.add(name)
        refs |= set(re.findall(r"#/components/schemas/(\w+)", json.dumps(schema["components"]["schemas"][name])))
    properties = {prop for name in seen for prop in schema["components"]["schemas"][name].get("properties", {})}
    assert {"receipt", "counted", "turnout"} <= properties
    assert not {p for p in properties if re.search(r"ballot_id|mark|voter_id|voted_for|voter_name|person_id", p)}


ODD_VALUES = (None, "", " ", "x" * 5000, -1, 0, 2**70, [], {}, True, "2026-02-30", [{"category_id": None}])


def test_odd_input_to_every_selections_operation_is_4xx_never_a_server_error(world, api_as, member_user):
    """The fuzzer's habit on real objects: each property of each body, sent alone with an odd
    value, by the organiser and by a voter, is answered 4xx or 2xx, never 5xx."""
    schema = api.get_openapi_schema()
    r = in_vote(world.a)
    done = objection_of(world.a)
    ids = {
        "rounds": r.pk,
        "nominations": r.nominations.first().pk,
        "results": result_of(done.round).pk,
        "objections": done.pk,
    }
    clients = (api_as(world.a.secretary), api_as(member_user))
    operations = [
        (path.replace("{id}", str(ids[path.removeprefix(f"{API}/selections/").split("/")[0]])), method, op)
        for path, by_method in schema["paths"].items()
        if "/selections/" in path
        for method, op in by_method.items()
    ]

    def body_of(op):
        return op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")

    # Those with a body first, the ballot's cast among them, while the round is still in its vote:
    # a body-less POST (the organiser's advance) counts the vote and would leave the cast refused
    # before its body is read.
    for url, _method, op in [o for o in operations if body_of(o[2]) is not None]:
        ref = body_of(op)["$ref"].split("/")[-1]
        for prop in schema["components"]["schemas"][ref].get("properties", {}):
            for value in ODD_VALUES:
                for client in clients:
                    response = client.post(url, {prop: value})
                    assert response.status_code < 500, (url, prop, value, response.content)
    for url, method, _op in [o for o in operations if body_of(o[2]) is None]:
        for client in clients:
            assert getattr(client, method)(url).status_code < 500, (method, url)


# --- one vote run twice, each voter's choices swapped -----------------------------------------------

TIMES = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)?")


class _Undo(Exception):
    pass


@contextmanager
def _then_undone() -> Iterator[None]:
    try:
        with transaction.atomic():
            yield
            raise _Undo
    except _Undo:
        pass


def _same_ids() -> None:
    """Each table's next id follows its rows again, so a run after a rolled-back one gives its rows
    the same ids (PostgreSQL's sequences ignore a rollback)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)


def _read_everything(r, readers) -> dict[str, str]:
    """Every GET of the round's API, as each reader, with the times made alike (a count's time
    differs between runs; dates do not)."""
    paths = ["/selections/rounds", *(f"/selections/rounds/{r.pk}{p}" for p in ("", "/nominations", "/ballot"))]
    paths += [f"/selections/rounds/{r.pk}/{p}" for p in ("results", "tally", "recount", "objections")]
    paths += [f"/selections/nominations/{pk}" for pk in r.nominations.values_list("pk", flat=True)]
    return {
        f"{who} {path}": f"{response.status_code} {TIMES.sub('T', response.content.decode())}"
        for who, client in readers.items()
        for path in paths
        for response in [client.get(API + path)]
    }


def test_no_answer_of_the_api_ties_a_ballot_to_its_voter(world, api_as):
    """The same three ballots cast twice through the API, the second time each voter casting the
    next one's: every answer the organiser, the enterprise's manager, the committee above and a
    voter read — after each ballot and after the count — is the same both times. An answer that
    paired a voter with a choice in any form would differ."""
    r = in_vote(world.a)
    learning = r.nominations.get(category__builtin=Builtin.LEARNING)
    income = r.nominations.get(category__builtin=Builtin.INCOME)
    voters = [UserFactory(person=p) for p in (world.a.member, world.a.worker)] + [world.a.secretary]
    clients = {v.pk: api_as(v, **EN) for v in voters}
    readers = {
        "organiser": clients[world.a.secretary.pk],
        "manager": api_as(world.a.manager, **EN),
        "county": api_as(world.county_admin, **EN),
        "voter": clients[voters[0].pk],
    }
    cast = [
        [(learning, learning.pk), (income, income.pk)],
        [(learning, None), (income, income.pk)],
        [(learning, learning.pk), (income, None)],
    ]
    runs = []
    for shift in (0, 1):
        with _then_undone():
            _same_ids()
            seen: dict[str, str] = {}
            receipts = []
            for i, v in enumerate(voters):
                choices = [{"category_id": n.category_id, "nomination_id": pick} for n, pick in cast[(i + shift) % 3]]
                response = clients[v.pk].post(f"{API}/selections/rounds/{r.pk}/ballot", {"choices": choices})
                assert response.status_code == 200, response.content
                receipts.append(response.json()["receipt"])
                seen |= {f"after ballot {i}: {k}": text for k, text in _read_everything(r, readers).items()}
            services.advance(actor=world.a.secretary, round=Round.objects.get(pk=r.pk))
            seen |= _read_everything(Round.objects.get(pk=r.pk), readers)
            keys = {str(k) for k in Ballot.objects.filter(poll=r.poll).values_list("pk", flat=True)}
            keys |= {str(k) for k in Mark.objects.filter(ballot__poll=r.poll).values_list("pk", flat=True)}
            runs.append((seen, keys | set(receipts)))
    (first, first_secrets), (second, second_secrets) = runs
    assert any('"turnout": 3' in text for text in first.values())  # the count was read
    assert set(first) == set(second)
    for key in first:
        for secret in first_secrets | second_secrets:
            assert secret not in first[key] and secret not in second[key], f"{key} shows a ballot's secret"
        assert first[key] == second[key], f"{key} tells who chose what"


def test_who_nominated_whom_is_the_nominees_the_nominators_and_the_organisers_to_read(world, api_as):
    """A reader of the round sees who stands and why, not who put them forward (as on the page)."""
    a = world.a
    r = round_of(a)
    services.nominate(
        actor=None, category=category(r), nominee=a.member, kind="peer", reason="带头学习", nominated_by=a.worker
    )
    url = f"{API}/selections/rounds/{r.pk}/nominations"
    stranger = UserFactory(person=PersonFactory(employer=a.enterprise))
    assert [n["nominated_by_name"] for n in api_as(stranger, **EN).get(url).json()] == [None]
    for reader in (a.secretary, UserFactory(person=a.member), UserFactory(person=a.worker)):
        assert [n["nominated_by_name"] for n in api_as(reader, **EN).get(url).json()] == [a.worker.name]
