"""The organiser's pages of a round, as the branch's secretary, the enterprise's manager, a voting
employee and side B live them: the list, a new round through its form, the phases moved on by a
button, the committee's review, objections during the notice, and no page saying who voted for
whom."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from dangjian.selections import services
from dangjian.selections.models import Builtin, Decision, Objection, Phase, Round
from dangjian.testing.factories import PersonFactory, UserFactory
from dangjian.testing.selection_pages import counted, in_english, learning, member_user_of, noticed, vote, worker_user
from dangjian.testing.selections import category, in_vote, nominated, round_of

pytestmark = pytest.mark.django_db


def _page(client, r) -> str:
    response = client.get(reverse("selections:round", args=[r.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- the list -------------------------------------------------------------------------------------


def test_the_list_shows_the_rounds_a_user_reads_and_the_new_round_button_to_organisers(world, login):
    a_round, b_round = nominated(world.a), round_of(world.b)
    body = login(world.a.secretary).get(reverse("selections:rounds")).content.decode()
    assert a_round.title in body and b_round.title not in body and "data-new-round" in body
    assert f'data-round="{a_round.pk}"' in body and "data-standing>2<" in body
    worker = login(worker_user(world.a)).get(reverse("selections:rounds")).content.decode()
    assert a_round.title in worker and "data-new-round" not in worker
    assert "data-nav-selections" in worker  # the menu offers the pacesetters to every employee
    b_body = login(world.b.manager).get(reverse("selections:rounds")).content.decode()
    assert b_round.title in b_body and a_round.title not in b_body
    assert login(UserFactory(username="nobody")).get(reverse("selections:rounds")).status_code == 403


def test_the_list_runs_the_same_queries_for_one_round_as_for_many(world, login, django_assert_max_num_queries):
    client = login(world.a.secretary)
    nominated(world.a)
    # The session, the user, their roles and person; the count and the page of rounds (with
    # their standing nominations and winners counted in the same query); whether the user may
    # open a round; the bell.
    with django_assert_max_num_queries(8):
        client.get(reverse("selections:rounds"))
    for i in range(6):
        nominated(world.a, round_of(world.a, opens_on=dt.date(2025, 1 + i, 1)))
    with django_assert_max_num_queries(8):
        body = client.get(reverse("selections:rounds")).content.decode()
    assert body.count("data-round=") == 7


# --- a new round ----------------------------------------------------------------------------------


def _plan(world, **extra):
    today = timezone.localdate()
    data = {
        "enterprise": world.a.enterprise.pk,
        "title": "四型标兵评选第二轮",
        "opens_on": today,
        "evidence_on": today + dt.timedelta(days=7),
        "vote_on": today + dt.timedelta(days=14),
        "vote_until": today + dt.timedelta(days=20),
        "notice_on": today + dt.timedelta(days=23),
        "notice_days": 5,
        "nominees": "employees",
        "voters": "employees",
    }
    for b in Builtin:
        data[f"use_{b.value}"] = "on"
        data[f"quota_{b.value}"] = 1
        data[f"desc_{b.value}"] = ""
    data.update(extra)
    return data


def test_an_organiser_opens_a_round_with_the_four_pacesetters_and_one_of_its_own(world, login):
    client = login(world.a.manager)
    form = client.get(reverse("selections:round_new")).content.decode()
    assert "A公司" in form and "B公司" not in form
    assert (timezone.localdate() + dt.timedelta(days=14)).isoformat() in form  # the vote opens in two weeks
    response = client.post(
        reverse("selections:round_new"),
        _plan(world, quota_income=2, use_thinking="", extra_name_0="安全标兵", extra_quota_0=1),
    )
    r = Round.objects.get(title="四型标兵评选第二轮")
    assert response.status_code == 302 and response["Location"] == reverse("selections:round", args=[r.pk])
    assert r.organization == world.a.branch and r.phase == Phase.NOMINATION
    assert [(c.builtin, c.quota) for c in r.categories.all()] == [
        (Builtin.LEARNING, 1),
        (Builtin.PERFORMANCE, 1),
        (Builtin.INCOME, 2),
        ("", 1),
    ]
    assert r.categories.get(builtin="").name == "安全标兵"


def test_a_round_plan_out_of_order_is_refused_field_by_field(world, login):
    world.a.manager.language = "en"
    world.a.manager.save(update_fields=["language"])
    client = login(world.a.manager)
    today = timezone.localdate()
    response = in_english(client).post(
        reverse("selections:round_new"),
        _plan(world, vote_until=today + dt.timedelta(days=10), extra_name_0="Learning model", extra_quota_1=2),
    )
    assert response.status_code == 400
    form = response.context["form"]
    with translation.override("en"):  # the form keeps its messages lazy: read them in English
        assert "The vote closes on or after the day it opens" in form.errors["vote_until"][0]
        assert "listed already" in form.errors["extra_name_0"][0]
        assert "Name the category" in form.errors["extra_name_1"][0]
    assert not Round.objects.exists()
    with translation.override("en"):
        none = client.post(reverse("selections:round_new"), {**_plan(world), **{f"use_{b.value}": "" for b in Builtin}})
    assert "A round needs at least one category" in none.content.decode()


def test_an_employee_or_side_b_cannot_open_a_round_at_a(world, login):
    with translation.override("en"):
        worker = login(worker_user(world.a, language="en")).get(reverse("selections:round_new"))
    assert worker.status_code == 403 and "run by its branch committee" in worker.content.decode()
    response = login(world.b.secretary).post(reverse("selections:round_new"), _plan(world))
    assert response.status_code == 400 and "enterprise" in response.context["form"].errors
    assert not Round.objects.exists()


# --- a round through its phases -------------------------------------------------------------------


def test_the_organiser_moves_the_round_on_and_a_blocked_phase_says_why(world, login, a_in_english):
    r = round_of(world.a)
    client = login(world.a.secretary)
    page = _page(client, r)
    assert 'data-step="nomination" data-state="current"' in page
    assert r.vote_on.isoformat() in page  # the planned day of the vote
    assert "Advance to evidence" in page and "data-blocked" not in page
    client.post(reverse("selections:round", args=[r.pk]), {"action": "advance"})
    r.refresh_from_db()
    assert r.phase == Phase.EVIDENCE
    page = _page(client, r)
    assert "data-blocked" in page and "Nobody stands for election yet" in page  # nobody to vote for
    response = client.post(reverse("selections:round", args=[r.pk]), {"action": "advance"}, follow=True)
    assert "Nobody stands for election yet" in response.content.decode()
    r.refresh_from_db()
    assert r.phase == Phase.EVIDENCE


def test_a_voting_employee_sees_the_vote_and_may_not_run_the_round(world, login):
    r = in_vote(world.a)
    worker = worker_user(world.a, language="en")
    client = login(worker)
    with translation.override("en"):
        page = _page(client, r)
        assert 'data-my-ballot="open"' in page and "data-advance" not in page
        assert "data-download-nominations" not in page
        assert 'data-turnout="0/3"' in page
        refused = client.post(reverse("selections:round", args=[r.pk]), {"action": "advance"})
    assert refused.status_code == 403 and "run by its branch committee" in refused.content.decode()
    vote(r, world.a.worker, {Builtin.LEARNING: learning(r)})
    page = _page(client, r)
    assert 'data-my-ballot="voted"' in page and 'data-turnout="1/3"' in page


def test_the_committee_reviews_each_result_and_a_tie_needs_its_reason(world, login, a_in_english):
    r = round_of(world.a)
    for person in (world.a.member, world.a.worker):
        services.nominate(actor=None, category=category(r), nominee=person, kind="self", reason="带头学习")
    services.advance(actor=None, round=r, today=r.evidence_on)
    services.advance(actor=None, round=r, today=r.vote_on)
    r.refresh_from_db()
    member_nomination = r.nominations.get(nominee=world.a.member)
    worker_nomination = r.nominations.get(nominee=world.a.worker)
    vote(r, world.a.member, {Builtin.LEARNING: member_nomination})
    vote(r, world.a.worker, {Builtin.LEARNING: worker_nomination})
    client = login(world.a.secretary)
    client.post(reverse("selections:round", args=[r.pk]), {"action": "advance"})  # closes and counts
    r.refresh_from_db()
    assert r.phase == Phase.REVIEW
    page = _page(client, r)
    assert page.count("data-tied") == 2 and 'data-turnout="2/3"' in page
    assert "2 results await the committee" in page and page.count("data-review-form=") == 2
    tied = r.results.get(nomination=member_nomination)
    url = reverse("selections:round", args=[r.pk])
    response = client.post(url, {"action": "decide", "result": tied.pk, f"r{tied.pk}-decision": "confirmed"})
    assert response.status_code == 400 and "tied for the last place: say why" in response.content.decode()
    response = client.post(
        url,
        {"action": "decide", "result": tied.pk, f"r{tied.pk}-decision": "confirmed", f"r{tied.pk}-reason": "带徒更多"},
    )
    assert response.status_code == 302
    other = r.results.get(nomination=worker_nomination)
    response = client.post(url, {"action": "decide", "result": other.pk, f"r{other.pk}-decision": "set_aside"})
    assert response.status_code == 400 and "Say why the result is set aside" in response.content.decode()
    client.post(
        url,
        {
            "action": "decide",
            "result": other.pk,
            f"r{other.pk}-decision": "set_aside",
            f"r{other.pk}-reason": "并列，另议",
        },
    )
    assert r.results.get(nomination=member_nomination).decision == Decision.CONFIRMED
    assert r.results.get(nomination=worker_nomination).reason == "并列，另议"
    assert "data-blocked" not in _page(client, r)  # the notice may begin


def test_an_employee_reads_the_results_only_once_the_notice_begins(world, login):
    r = counted(world.a)
    client = login(worker_user(world.a))
    page = _page(client, r)
    assert "data-results" not in page and "data-votes" not in page
    assert "data-results" in _page(login(world.a.manager), r)  # the enterprise's manager runs the round


def test_objections_during_the_notice_are_raised_read_by_the_organiser_and_answered(world, login, a_in_english):
    r = noticed(world.a)
    worker = worker_user(world.a, language="en")
    client = login(worker)
    page = _page(client, r)
    assert "data-objection-form" in page and "data-results" in page  # the winners are public now
    url = reverse("selections:round", args=[r.pk])
    with translation.override("en"):
        empty = client.post(url, {"action": "object", "objection-text": " "})
    assert empty.status_code == 400 and "This field is required" in empty.content.decode()
    winner = r.results.get(nomination=learning(r))
    client.post(url, {"action": "object", "objection-text": "请核实带徒人数", "objection-result": winner.pk})
    objection = Objection.objects.get()
    assert objection.result == winner and objection.raised_by == worker
    # The organiser reads who raised it; another employee does not read it at all.
    page = _page(login(world.a.secretary), r)
    assert "请核实带徒人数" in page and "A工人" in page and 'data-answered="no"' in page
    assert "1 objections are not answered yet" in page
    assert "请核实带徒人数" in _page(login(world.a.manager), r)  # runs the round too: reads it
    assert "请核实带徒人数" not in _page(login(member_user_of(world.a)), r)
    login(world.a.secretary).post(
        url, {"action": "answer", "objection": objection.pk, f"o{objection.pk}-answer": "已核实"}
    )
    objection.refresh_from_db()
    assert objection.answer == "已核实" and objection.answered_by == world.a.secretary
    assert 'data-answered="yes"' in _page(login(worker), r)


def test_the_round_page_shows_totals_and_turnout_never_the_roll(world, login):
    """Who chose whom is test_secrecy's (a vote run twice with the choices swapped); here: the
    page gives the turnout and each nominee's total, and does not list the roll (the secretary
    is on it, did not vote, and is not named)."""
    r = counted(world.a)
    page = _page(login(world.a.manager), r)  # a login with no person of its own: no name in the menu
    assert 'data-turnout="2/3"' in page and "A书记" not in page
    assert "data-votes>2<" in page and "data-votes>1<" in page


def test_side_b_neither_reads_nor_runs_a_round_of_a(world, login):
    r = noticed(world.a)
    for user in (world.b.secretary, world.b.manager):
        client = login(user)
        assert client.get(reverse("selections:round", args=[r.pk])).status_code == 404
        for action in ("advance", "object", "decide", "answer"):
            response = client.post(reverse("selections:round", args=[r.pk]), {"action": action})
            assert response.status_code == 404
    r.refresh_from_db()
    assert r.phase == Phase.NOTICE and not Objection.objects.exists()


def test_the_round_page_runs_the_same_queries_for_few_nominations_as_for_many(
    world, login, django_assert_max_num_queries
):
    r = round_of(world.a)
    client = login(world.a.secretary)
    services.nominate(actor=None, category=category(r), nominee=world.a.member, kind="self", reason="好")
    # The session, the user, their roles and person; the round; whether they run and audit it;
    # the nominations (with their evidence counted) and the categories; the bell.
    with django_assert_max_num_queries(10):
        _page(client, r)
    for i in range(8):
        person = PersonFactory(employer=world.a.enterprise, team=world.a.team, name=f"新员工{i}")
        services.nominate(actor=None, category=category(r, Builtin.INCOME), nominee=person, kind="self", reason="增收")
    with django_assert_max_num_queries(10):
        assert _page(client, r).count("data-nomination=") == 9


def test_the_round_page_in_its_notice_runs_the_same_queries_for_one_objection_as_for_many(
    world, login, django_assert_max_num_queries
):
    r = noticed(world.a)
    client = login(world.a.secretary)
    services.raise_objection(actor=world.a.manager, round=r, text="请核实")
    # As above, and the results, the objections (with who raised them), the winners for the
    # objection form's choices, whether the user takes part, whether they see the votes
    # (access.permissions.may_see_results) and the roll's turnout.
    with django_assert_max_num_queries(15):
        _page(client, r)
    for i in range(6):
        services.raise_objection(actor=world.a.manager, round=r, text=f"第{i}条异议")
    with django_assert_max_num_queries(15):
        assert _page(client, r).count("data-objection=") == 7
