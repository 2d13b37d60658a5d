"""Production indicators through the API as an integration meets them: the definitions an
enterprise collects (its own added, renamed, archived; the defaults left alone), its figures
entered in batches (all or none, the same batch twice changing nothing, corrections kept, figures
out of range stored only once confirmed), read back with their corrections, their series, and
the effect analysis. And the refusals: another enterprise's figures and teams (404 / 422 without
saying whether they exist), a secretary or a member writing (403), a small team's pay."""

from __future__ import annotations

import pytest

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import AuditEvent
from dangjian.indicators import effects
from dangjian.indicators.models import HEADCOUNT, INCOME, OUTPUT, PASS_RATE, Indicator, Value
from dangjian.jobs.models import Job
from dangjian.testing.api import API
from dangjian.testing.factories import UserFactory
from dangjian.testing.indicator_figures import figure, scene
from dangjian.testing.indicators import indicator, last_month, own_indicator

EN = {"accept-language": "en"}
DEFAULT_CODES = ["output", "pass_rate", "on_time", "efficiency", "income", "headcount"]


def _month(back: int = 1) -> str:
    return f"{last_month(back):%Y-%m}"


def _entry(team, indicator=OUTPUT, value=5000, back=1):
    return {
        "team_id": team.pk if team is not None else None,
        "indicator": indicator,
        "month": _month(back),
        "value": value,
    }


def _put(client, enterprise, entries, **extra):
    body = {"enterprise_id": enterprise.pk, "entries": entries, **extra}
    return client.put(f"{API}/indicators/values", body, content_type="application/json")


@pytest.fixture
def statistician(world):
    user = UserFactory(username="statistician_a")
    access_services.assign_role(actor=None, user=user, role=Role.STATISTICIAN, enterprise=world.a.enterprise)
    return user


# --- definitions -----------------------------------------------------------------------------


def test_the_defaults_are_listed_in_the_callers_language_with_an_enterprises_own(world, api_as):
    own = own_indicator(world.a, name="返工率", name_en="Rework rate", unit="%", direction="lower")
    own_indicator(world.b, name="B的指标")
    client = api_as(world.a.secretary, **EN)

    defaults = client.get(f"{API}/indicators/definitions").json()
    assert [d["code"] for d in defaults] == DEFAULT_CODES
    assert defaults[1]["label"] == "Quality pass rate" and defaults[1]["unit_label"] == "%"
    assert {d["enterprise_id"] for d in defaults} == {None}
    income = next(d for d in defaults if d["code"] == INCOME)
    assert income["income"] is True and income["plausible_min"] == 1000.0 and income["aggregation"] == "weighted"

    listed = client.get(f"{API}/indicators/definitions", {"enterprise": world.a.enterprise.pk}).json()
    assert [d["code"] for d in listed] == [*DEFAULT_CODES, own.code]
    mine = listed[-1]
    assert (mine["label"], mine["name"], mine["direction"], mine["enterprise_id"]) == (
        "Rework rate",
        "返工率",
        "lower",
        world.a.enterprise.pk,
    )
    assert client.get(f"{API}/indicators/definitions/{own.pk}").json()["code"] == own.code


def test_another_enterprises_definitions_are_not_found(world, api_as):
    theirs = own_indicator(world.b, name="B的指标")
    client = api_as(world.a.manager)
    response = client.get(f"{API}/indicators/definitions", {"enterprise": world.b.enterprise.pk})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get(f"{API}/indicators/definitions/{theirs.pk}").status_code == 404
    response = client.patch(f"{API}/indicators/definitions/{theirs.pk}", {"name": "改名"})
    assert response.status_code == 404
    assert Indicator.objects.get(pk=theirs.pk).name == "B的指标"


def test_a_member_reads_no_indicators(world, api_as, member_user):
    client = api_as(member_user, **EN)
    for url in (
        "/indicators/definitions",
        "/indicators/values",
        f"/indicators/series?enterprise={world.a.enterprise.pk}&indicator=output",
        f"/indicators/analysis?enterprise={world.a.enterprise.pk}&indicator=output",
    ):
        response = client.get(API + url)
        assert response.status_code == 403, url
        assert response.json()["code"] == "forbidden"
    assert _put(client, world.a.enterprise, [_entry(world.a.team)]).status_code == 403
    assert not Value.objects.exists()


def test_a_manager_adds_renames_and_archives_an_indicator_of_the_enterprises_own(world, api_as):
    client = api_as(world.a.manager, **EN)
    response = client.post(
        f"{API}/indicators/definitions",
        {
            "enterprise_id": world.a.enterprise.pk,
            "name": "返工率",
            "name_en": "Rework rate",
            "unit": "%",
            "direction": "lower",
            "decimals": 1,
            "plausible_min": "0",
            "plausible_max": 20,
        },
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["code"], made["label"], made["plausible_max"], made["archived"]) == (
        "rework_rate",
        "Rework rate",
        20.0,
        False,
    )
    url = f"{API}/indicators/definitions/{made['id']}"

    renamed = client.patch(url, {"name": "返修率", "name_en": None, "plausible_max": None})
    assert renamed.status_code == 200, renamed.content
    assert (renamed.json()["label"], renamed.json()["name_en"], renamed.json()["plausible_max"]) == ("返修率", "", None)
    assert renamed.json()["unit"] == "%" and renamed.json()["decimals"] == 1  # left as they were

    archived = client.patch(url, {"archived": True})
    assert archived.status_code == 200 and archived.json()["archived"] is True
    current = client.get(f"{API}/indicators/definitions", {"enterprise": world.a.enterprise.pk, "archived": False})
    assert made["id"] not in [d["id"] for d in current.json()]
    events = AuditEvent.objects.filter(object_type="indicators.Indicator", object_id=str(made["id"]))
    assert events.count() == 3 and {e.source for e in events} == {"api"}


def test_the_defaults_stay_as_they_are_with_the_services_reason(world, api_as):
    output = indicator(OUTPUT)
    for body in ({"name": "产值"}, {"archived": True}):
        response = api_as(world.a.manager, **EN).patch(f"{API}/indicators/definitions/{output.pk}", body)
        assert response.status_code == 422, response.content
        assert "The default indicators are the same for every enterprise" in response.json()["message"]
    assert Indicator.objects.get(pk=output.pk).name == output.name and not output.archived


def test_definitions_are_kept_by_the_enterprises_managers_and_statisticians_only(world, api_as, statistician):
    own = own_indicator(world.a)
    secretary = api_as(world.a.secretary, **EN)
    body = {"enterprise_id": world.a.enterprise.pk, "name": "返工率2"}
    for response in (
        secretary.post(f"{API}/indicators/definitions", body),
        secretary.patch(f"{API}/indicators/definitions/{own.pk}", {"name": "x"}),
        secretary.patch(f"{API}/indicators/definitions/{indicator(OUTPUT).pk}", {"name": "x"}),
    ):
        assert response.status_code == 403, response.content
        assert "entered by its managers and statisticians" in response.json()["message"]
    response = api_as(statistician).post(f"{API}/indicators/definitions", body)
    assert response.status_code == 201, response.content
    # Another enterprise in the body reads as one that does not exist.
    response = api_as(world.a.manager, **EN).post(
        f"{API}/indicators/definitions", {**body, "enterprise_id": world.b.enterprise.pk}
    )
    assert response.status_code == 422
    assert response.json()["errors"]["enterprise_id"] == [
        f"There is no enterprise with id {world.b.enterprise.pk} that you have access to."
    ]


def test_a_definition_refused_names_what_to_change(world, api_as):
    client = api_as(world.a.manager, **EN)
    base = {"enterprise_id": world.a.enterprise.pk, "name": "返工率"}
    response = client.post(f"{API}/indicators/definitions", {**base, "plausible_min": 50, "plausible_max": 5})
    assert response.status_code == 422
    assert response.json()["errors"]["plausible_max"] == [
        "The plausible range ends below its start: swap the two figures."
    ]
    response = client.post(f"{API}/indicators/definitions", {**base, "plausible_max": "1.23456"})
    assert response.json()["errors"]["plausible_max"] == ["Ensure that there are no more than 4 decimal places."]
    response = client.post(f"{API}/indicators/definitions", {**base, "level": "plant", "name": ""})
    assert set(response.json()["errors"]) == {"level", "name"}
    own_indicator(world.a, name="返工率")
    response = client.post(f"{API}/indicators/definitions", base)
    assert response.json()["errors"]["name"] == ["The enterprise already has an indicator of that name."]


# --- figures ---------------------------------------------------------------------------------


def test_a_batch_is_stored_and_the_same_batch_again_changes_nothing(world, api_as):
    client = api_as(world.a.manager, **EN)
    entries = [
        _entry(world.a.team, OUTPUT, 5200),
        _entry(world.a.team, PASS_RATE, "97.5%"),
        _entry(world.a.team, indicator(HEADCOUNT).pk, 12),
        _entry(world.a.team, OUTPUT, 4800, back=2),
    ]
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = _put(client, world.a.enterprise, entries)
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 4, "corrected": 0, "withdrawn": 0, "unchanged": 0, "confirmed": 0}
    events = AuditEvent.objects.filter(id__gt=last)
    assert events.count() == 4 and {e.source for e in events} == {"api"}
    assert {e.actor_id for e in events} == {world.a.manager.pk}

    again = _put(client, world.a.enterprise, entries)
    assert again.json() == {"created": 0, "corrected": 0, "withdrawn": 0, "unchanged": 4, "confirmed": 0}
    assert AuditEvent.objects.filter(id__gt=last).count() == 4
    assert Value.objects.filter(enterprise=world.a.enterprise).count() == 4


def test_a_correction_keeps_the_old_figure_and_a_withdrawn_one_leaves_the_list(world, api_as, statistician):
    stored = figure(world.a, PASS_RATE, "95.5")
    client = api_as(statistician, **EN)
    response = _put(client, world.a.enterprise, [_entry(world.a.team, PASS_RATE, 96.25)], reason="月报更正")
    assert response.json()["corrected"] == 1

    detail = client.get(f"{API}/indicators/values/{stored.pk}").json()
    assert (detail["value"], detail["month"], detail["indicator_code"]) == (96.25, _month(), PASS_RATE)
    assert detail["entered_by_name"] == str(statistician)
    assert [(c["old"], c["new"], c["reason"]) for c in detail["corrections"]] == [(95.5, 96.25, "月报更正")]

    response = _put(client, world.a.enterprise, [_entry(world.a.team, "pass_rate", None)], reason="重复上报")
    assert response.json()["withdrawn"] == 1
    assert client.get(f"{API}/indicators/values").json() == {"items": [], "count": 0}
    assert client.get(f"{API}/indicators/values/{stored.pk}").status_code == 404


def test_figures_out_of_range_are_stored_only_once_confirmed(world, api_as):
    client = api_as(world.a.manager, **EN)
    entries = [_entry(world.a.team, INCOME, 80000), _entry(world.a.team, OUTPUT, 10)]
    response = _put(client, world.a.enterprise, entries)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "unconfirmed"
    assert "“confirm”: true" in body["message"] and "Nothing was stored" in body["message"]
    [problem] = body["errors"]["entries"]
    assert (
        problem.startswith("Entry 1 (") and "80000 is outside the plausible range of Average monthly income" in problem
    )
    assert not Value.objects.exists()

    response = _put(client, world.a.enterprise, entries, confirm=True)
    assert response.json() == {"created": 2, "corrected": 0, "withdrawn": 0, "unchanged": 0, "confirmed": 1}
    stored = Value.objects.get(indicator=indicator(INCOME))
    assert stored.confirmed and client.get(f"{API}/indicators/values/{stored.pk}").json()["confirmed"] is True


def test_every_problem_of_a_batch_is_listed_and_nothing_is_stored(world, api_as):
    client = api_as(world.a.manager, **EN)
    entries = [
        _entry(world.a.team, OUTPUT, 5000),
        _entry(world.b.team, OUTPUT, 5000),
        _entry(world.a.team, "no_such_code", 1),
        _entry(world.a.team, "²", 1),
        _entry(world.a.team, PASS_RATE, "abc"),
        _entry(world.a.team, PASS_RATE, 120),
        _entry(None, OUTPUT, 10),
        {**_entry(world.a.team, OUTPUT, 1), "month": "2099-01"},
        _entry(world.a.team, OUTPUT, 5001),
    ]
    response = _put(client, world.a.enterprise, entries)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["message"].startswith("Nothing was stored")
    problems = body["errors"]["entries"]
    # The checks of the body come first: what it names, and whether its figures are numbers.
    assert problems == [
        f"Entry 2 (team {world.b.team.pk} · Output · {_month()}): A公司 has no production team with id "
        f"{world.b.team.pk} that you have access to.",
        f"Entry 3 (A缝纫一组 · no_such_code · {_month()}): A公司 has no indicator “no_such_code”.",
        f"Entry 4 (A缝纫一组 · ² · {_month()}): A公司 has no indicator “²”.",
        f"Entry 5 (A缝纫一组 · Quality pass rate · {_month()}): “abc” is not a number.",
    ]
    assert not Value.objects.exists()
    # Then the service's: each entry's problem.
    response = _put(client, world.a.enterprise, [entries[0], *entries[5:]])
    problems = response.json()["errors"]["entries"]
    assert any("Quality pass rate is a percentage: between 0 and 100." in p for p in problems)
    assert any("Output is kept per production team: name the team." in p for p in problems)
    assert any("2099-01 has not come yet" in p for p in problems)
    assert any(p.startswith("Entry 5 (") and "The same figure is given twice" in p for p in problems)
    assert not Value.objects.exists()


def test_a_figure_too_large_to_keep_is_refused_however_it_is_written(world, api_as):
    client = api_as(world.a.manager, **EN)
    for value in (1e30, 10**11, "1E+12"):
        response = _put(client, world.a.enterprise, [_entry(world.a.team, OUTPUT, value)], confirm=True)
        assert response.status_code == 422, (value, response.content)
        assert "is too large a figure" in response.json()["errors"]["entries"][0]
    assert not Value.objects.exists()


def test_a_batch_that_cannot_be_read_is_refused_on_its_fields(world, api_as):
    client = api_as(world.a.manager, **EN)
    response = _put(client, world.a.enterprise, [{**_entry(world.a.team), "month": "2026-13"}])
    assert response.status_code == 422
    assert response.json()["errors"]["entries.0.month"] == ["Enter a month as YYYY-MM, for example 2026-03."]
    response = _put(client, world.a.enterprise, [])
    assert "entries" in response.json()["errors"]
    response = client.get(f"{API}/indicators/values", {"first": "March"})
    assert response.status_code == 422 and "first" in response.json()["errors"]


def test_only_the_enterprises_managers_and_statisticians_enter_its_figures(world, api_as):
    response = _put(api_as(world.a.secretary, **EN), world.a.enterprise, [_entry(world.a.team)])
    assert response.status_code == 403
    assert response.json()["message"].startswith(
        "An enterprise's figures are entered by its managers and statisticians."
    )
    # Another enterprise in the body reads as one that does not exist; nothing is written.
    response = _put(api_as(world.a.manager, **EN), world.b.enterprise, [_entry(world.b.team)])
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["enterprise_id"]
    assert not Value.objects.exists()


def test_the_list_holds_the_enterprises_the_caller_reads_and_narrows_by_its_filters(world, api_as):
    a_output = figure(world.a, OUTPUT, "5000")
    a_early = figure(world.a, OUTPUT, "4800", month=last_month(3))
    a_rate = figure(world.a, PASS_RATE, "95")
    b_output = figure(world.b, OUTPUT, "7000")
    client = api_as(world.a.secretary, **EN)

    page = client.get(f"{API}/indicators/values").json()
    assert page["count"] == 3
    assert {row["id"] for row in page["items"]} == {a_output.pk, a_early.pk, a_rate.pk}
    row = next(r for r in page["items"] if r["id"] == a_output.pk)
    assert (row["team_name"], row["indicator_label"], row["unit"], row["value"]) == (
        "A缝纫一组",
        "Output",
        "pieces",
        5000.0,
    )

    def ids(**query):
        return {r["id"] for r in client.get(f"{API}/indicators/values", query).json()["items"]}

    assert ids(indicator="output") == {a_output.pk, a_early.pk}
    assert ids(indicator=str(indicator(PASS_RATE).pk)) == {a_rate.pk}
    assert ids(first=_month(2)) == {a_output.pk, a_rate.pk}
    assert ids(last=_month(2)) == {a_early.pk}
    assert ids(team=world.a.team.pk, indicator="output", first=_month(3), last=_month(3)) == {a_early.pk}
    assert ids(enterprise=world.b.enterprise.pk) == set()  # a filter narrows; B's figures stay unseen
    assert ids(team=world.b.team.pk) == set()
    assert ids(indicator="out\x00put") == {a_output.pk, a_early.pk}  # a NUL is no part of a code
    for nothing in ("²", "9" * 19, "0"):  # no code, and no id the database could hold
        assert ids(indicator=nothing) == set()
    assert client.get(f"{API}/indicators/values/{b_output.pk}").status_code == 404
    assert {r["id"] for r in api_as(world.county_admin).get(f"{API}/indicators/values").json()["items"]} == {
        a_output.pk,
        a_early.pk,
        a_rate.pk,
        b_output.pk,
    }


def test_a_small_teams_pay_is_shown_to_the_enterprises_hr_only(world, api_as):
    few = figure(world.a, INCOME, "4200")
    figure(world.a, HEADCOUNT, "2")
    unknown = figure(world.a, INCOME, "4300", month=last_month(2))  # no headcount that month
    many = figure(world.a, INCOME, "4400", month=last_month(3))
    figure(world.a, HEADCOUNT, "8", month=last_month(3))

    def income_ids(user):
        items = api_as(user).get(f"{API}/indicators/values", {"indicator": "income"}).json()["items"]
        return {r["id"] for r in items}

    assert income_ids(world.a.manager) == {few.pk, unknown.pk, many.pk}
    assert income_ids(world.a.secretary) == {many.pk}
    assert income_ids(world.county_admin) == {many.pk}
    client = api_as(world.a.secretary)
    assert client.get(f"{API}/indicators/values/{few.pk}").status_code == 404
    assert client.get(f"{API}/indicators/values/{many.pk}").status_code == 200
    assert api_as(world.a.manager).get(f"{API}/indicators/values/{few.pk}").status_code == 200


# --- series and the analysis -----------------------------------------------------------------


def test_the_series_gives_months_and_quarters_of_an_enterprise_or_an_organisations_enterprises(world, api_as):
    for back, value in ((1, "90"), (2, "92"), (3, "94")):
        figure(world.a, PASS_RATE, value, month=last_month(back))
    figure(world.b, PASS_RATE, "80", month=last_month(1))
    client = api_as(world.a.secretary, **EN)

    body = client.get(f"{API}/indicators/series", {"enterprise": world.a.enterprise.pk, "indicator": "pass_rate"})
    assert body.status_code == 200, body.content
    series = body.json()
    assert series["indicator"]["label"] == "Quality pass rate" and series["enterprises"] == 1
    assert [(p["month"], p["value"]) for p in series["months"]] == [
        (_month(3), 94.0),
        (_month(2), 92.0),
        (_month(1), 90.0),
    ]
    assert sum(q["months"] for q in series["quarters"]) == 3
    assert all(q["quarter"] == f"{q['year']} Q{q['number']}" for q in series["quarters"])

    county = api_as(world.county_admin).get(
        f"{API}/indicators/series", {"org": world.county.pk, "indicator": "pass_rate"}
    )
    assert county.json()["enterprises"] == 2
    assert county.json()["months"][-1] == {"month": _month(1), "value": 85.0, "teams": 2, "masked": False}
    branch = client.get(f"{API}/indicators/series", {"org": world.a.branch.pk, "indicator": "pass_rate"})
    assert branch.json()["enterprises"] == 1

    for query in (
        {"enterprise": world.b.enterprise.pk, "indicator": "pass_rate"},
        {"org": world.b.branch.pk, "indicator": "pass_rate"},
        {"org": world.park.pk, "indicator": "pass_rate"},  # above A's branch: not one its secretary reaches
    ):
        response = client.get(f"{API}/indicators/series", query)
        assert response.status_code == 404, query
    response = client.get(f"{API}/indicators/series", {"indicator": "pass_rate"})
    assert response.status_code == 422
    assert response.json()["message"] == "Name either an enterprise (enterprise=) or a party organisation (org=)."
    response = client.get(f"{API}/indicators/series", {"enterprise": world.a.enterprise.pk, "indicator": "nope"})
    assert response.status_code == 422
    assert response.json()["errors"]["indicator"] == ["There is no indicator “nope” that you have access to."]
    response = client.get(f"{API}/indicators/series", {"enterprise": world.a.enterprise.pk, "indicator": "\x00"})
    assert response.status_code == 422


def test_the_analysis_compares_covered_teams_with_teams_not_yet_covered(world, api_as):
    scene(world.a, [6, 8, 10, 12, None, None, None, None])
    client = api_as(world.a.secretary, **EN)
    response = client.get(
        f"{API}/indicators/analysis", {"enterprise": world.a.enterprise.pk, "indicator": str(indicator(PASS_RATE).pk)}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok" and body["indicator"]["code"] == PASS_RATE
    assert (body["covered_teams"], body["teams"], body["cohorts"]) == (4, 8, 4)
    assert body["low"] <= body["estimate"] <= body["high"]
    assert body["headline"].startswith("After a member took charge of them, covered teams' Quality pass rate rose")
    assert body["basis"].startswith("Behind it: 4 covered teams")
    assert "few_teams" in body["warnings"] and body["cautions"]
    assert len(body["methods"]) == 2 and body["verdict"]
    assert [-1, 0.0, 0.0, 0.0] in body["event"]


def test_with_every_team_covered_at_once_there_is_no_comparison_and_no_estimate(world, api_as):
    scene(world.a, [9, 9, 9, 9])
    response = api_as(world.a.manager, **EN).get(
        f"{API}/indicators/analysis", {"enterprise": world.a.enterprise.pk, "indicator": "pass_rate"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "no_comparison"
    assert body["estimate"] is None and body["low"] is None and body["conclusive"] is False
    assert body["headline"].startswith("There is no comparison group")
    assert body["verdict"] == ""


def test_too_few_figures_to_compare_are_said_so_without_a_number(world, api_as):
    scene(world.a, [1, None], months=3)  # two teams, three months
    response = api_as(world.a.manager, **EN).get(
        f"{API}/indicators/analysis", {"enterprise": world.a.enterprise.pk, "indicator": "pass_rate"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "too_little" and body["estimate"] is None and body["basis"] == ""
    assert body["headline"].startswith("Too few Quality pass rate figures to compare")
    # and B's manager cannot ask for A's
    assert (
        api_as(world.b.manager, **EN)
        .get(f"{API}/indicators/analysis", {"enterprise": world.a.enterprise.pk, "indicator": "pass_rate"})
        .status_code
        == 404
    )


def test_the_analysis_is_refused_outside_the_callers_reach(world, api_as):
    client = api_as(world.a.secretary, **EN)
    for query in (
        {"enterprise": world.b.enterprise.pk, "indicator": "pass_rate"},
        {"org": world.b.branch.pk, "indicator": "pass_rate"},
    ):
        response = client.get(f"{API}/indicators/analysis", query)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    # Over a committee, the defaults only: an enterprise's own indicator is read for that enterprise.
    own = own_indicator(world.a)
    response = api_as(world.county_admin).get(
        f"{API}/indicators/analysis", {"org": world.county.pk, "indicator": own.code}
    )
    assert response.status_code == 422 and "indicator" in response.json()["errors"]


def test_a_large_analysis_answers_202_with_its_job_until_it_is_done(world, api_as, monkeypatch):
    scene(world.a, [6, 8, None, None], months=12)
    monkeypatch.setattr(effects, "INLINE_OBSERVATIONS", 10)  # this scene's 48 team-months count as large
    client = api_as(world.county_admin)
    query = {"org": world.county.pk, "indicator": "pass_rate"}
    response = client.get(f"{API}/indicators/analysis", query)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "computing" and body["done"] == 0
    job = Job.objects.get(pk=body["job"])
    assert job.requested_by == world.county_admin and job.kind == effects.JOB_KIND
    # Asked again while it runs: the same job, not another.
    assert client.get(f"{API}/indicators/analysis", query).json()["job"] == job.pk
    assert Job.objects.filter(kind=effects.JOB_KIND).count() == 1
