"""Hostile and careless input to the API answers 4xx in the one error shape, never a server
error, and the OpenAPI document says what the API accepts and answers.

scripts/fuzz-api checks the same with schemathesis against a served copy; each test here pins
one cause that fuzzing found and failed before its fix: ids and page numbers beyond what the
database holds, null where the table keeps none, times with a zone, bodies that cannot be read,
and answers (400) the document did not mention.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dangjian.api.api import api
from dangjian.branchlife.models import Meeting
from dangjian.organizations.models import Organization
from dangjian.testing.api import API, operations
from dangjian.testing.branchlife import meeting
from dangjian.testing.guidance import appraisal_of, instructor_of, opinion_of, visit_of
from dangjian.testing.indicators import own_indicator

OPERATIONS = operations()

HUGE = 10**20  # beyond 64 bits
OVER = 2**63  # one past the largest id the database holds
MAX_ID = 2**63 - 1
LAST_WEEK = dt.date.today() - dt.timedelta(days=7)

SCHEMA = api.get_openapi_schema()
COMPONENTS = SCHEMA["components"]["schemas"]
# Integer query parameters that are not ids.
NOT_ID_PARAMS = {"page", "page_size", "year"}
# What a value of the wrong type is told (errors._pydantic_message); a null the document allows
# must never get one of these.
TYPE_MESSAGES = {
    "Enter a valid value.",
    "Enter a whole number.",
    "Enter a valid date.",
    "Enter a valid date/time.",
    "Enter true or false.",
}
EN = {"accept-language": "en"}


def _op(method, path):
    return SCHEMA["paths"][f"/api/v1{path}"][method]


def _resolve(schema):
    return COMPONENTS[schema["$ref"].split("/")[-1]] if "$ref" in schema else schema


def _json_body(method, path):
    body = _op(method, path).get("requestBody", {}).get("content", {}).get("application/json")
    return _resolve(body["schema"]) if body else None


def _nullable(prop):
    return prop.get("type") == "null" or any(o.get("type") == "null" for o in prop.get("anyOf", ()))


def _integer(prop):
    options = [prop, *prop.get("anyOf", ())]
    return next((o for o in options if o.get("type") == "integer"), None)


def _send(client, method, url, body=None, **headers):
    if method in {"post", "patch", "put"}:
        return getattr(client, method)(url, body or {}, content_type="application/json", **headers)
    return getattr(client, method)(url, **headers)


def _meeting(world):
    m = meeting(world.a, on=LAST_WEEK)
    from dangjian.branchlife import services

    services.invite(actor=None, meeting=m, person=world.a.worker)
    return m


def _path_values(world, path="/"):
    """Values that fill each path parameter with something of A's side that county_admin reaches."""
    if path.startswith("/imports/"):
        return {"id": _import(world).pk, "kind": "employees"}
    if path.startswith("/people/"):
        return {"id": world.a.worker.pk}
    return {"id": _meeting(world).pk, "person_id": world.a.member.pk}


def _import(world):
    from dangjian.rosters import services as roster_services
    from dangjian.testing.rosters import ident, xlsx

    data = xlsx([[1, "A新人", "女", "汉族", ident(9), None, None, None, None, None]])
    return roster_services.upload(
        actor=world.county_admin, target=world.a.enterprise, file_name="a.xlsx", data=data, background=False
    )


PATH_OPERATIONS = [(m, p) for m, p in OPERATIONS if "{" in p]


@pytest.mark.parametrize(("method", "path"), PATH_OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in PATH_OPERATIONS])
def test_a_path_naming_what_the_database_cannot_hold_is_404(world, api_as, method, path):
    client = api_as(world.county_admin, **EN)
    good = _path_values(world, path)
    for name in re.findall(r"{(\w+)}", path):
        if name == "kind":
            continue
        for bad in (HUGE, OVER, 0, -1, "abc", "1.5", "²"):
            url = API + re.sub(r"{(\w+)}", lambda m, name=name, bad=bad: str(bad if m[1] == name else good[m[1]]), path)
            response = _send(client, method, url)
            assert response.status_code == 404, (url, response.content)
            assert response.json()["code"] == "not_found"


GETS = [(m, p) for m, p in OPERATIONS if m == "get"]


@pytest.mark.parametrize(("method", "path"), GETS, ids=[f"{m.upper()} {p}" for m, p in GETS])
def test_query_ids_are_documented_and_those_beyond_the_database_are_422(world, api_as, method, path):
    client = api_as(world.county_admin, **EN)
    url = API + path.format(**_path_values(world, path))
    for param in _op(method, path).get("parameters", ()):
        integer = _integer(param["schema"])
        if param["in"] != "query" or integer is None or param["name"] in NOT_ID_PARAMS:
            continue
        assert (integer.get("minimum"), integer.get("maximum")) == (1, MAX_ID), f"{path}?{param['name']}"
        for bad in (HUGE, OVER, 0):
            response = client.get(url, {param["name"]: bad})
            assert response.status_code == 422, (url, param["name"], bad, response.content)
            assert param["name"] in response.json()["errors"]


BODIES = [(m, p) for m, p in OPERATIONS if _json_body(m, p)]


@pytest.mark.parametrize(("method", "path"), BODIES, ids=[f"{m.upper()} {p}" for m, p in BODIES])
def test_body_ids_are_documented_and_those_beyond_the_database_are_422(world, api_as, method, path):
    client = api_as(world.county_admin, **EN)
    url = API + path.format(**_path_values(world, path))
    for name, prop in _json_body(method, path).get("properties", {}).items():
        if not name.endswith("_id"):
            continue
        integer = _integer(prop)
        assert (integer.get("minimum"), integer.get("maximum")) == (1, MAX_ID), f"{path}: {name}"
        for bad in (HUGE, OVER, 0):
            response = _send(client, method, url, {name: bad})
            assert response.status_code == 422, (url, name, bad, response.content)
            assert name in response.json()["errors"]


def test_step_details_naming_people_beyond_the_database_are_422(world, api_as):
    from dangjian.development import services as development

    candidacy = development.apply(
        actor=None, person=world.a.worker, organization=world.a.branch, applied_on=LAST_WEEK - dt.timedelta(days=60)
    )
    client = api_as(world.county_admin, **EN)
    for key, number in (("contacts", 5), ("sponsors", 9)):
        response = client.post(
            f"{API}/candidacies/{candidacy.pk}/steps",
            {"number": number, "done_on": LAST_WEEK.isoformat(), "data": {key: [HUGE]}},
        )
        assert response.status_code == 422, response.content
        assert any(field.startswith("data") for field in response.json()["errors"]), response.content


PAGED = [(m, p) for m, p in GETS if any(q["name"] == "page" for q in _op(m, p).get("parameters", ()))]


@pytest.mark.parametrize(("method", "path"), PAGED, ids=[f"{m.upper()} {p}" for m, p in PAGED])
def test_a_page_past_the_last_is_empty_however_far(world, api_as, method, path):
    client = api_as(world.county_admin)
    url = API + path.format(**_path_values(world, path))
    for page in (HUGE, OVER, MAX_ID, 10**6):
        response = client.get(url, {"page": page, "page_size": 500})
        assert response.status_code == 200, (url, page, response.content)
        assert response.json()["items"] == []
    assert client.get(url, {"page_size": HUGE}).status_code == 200


def _patch_targets(world):
    """Each PATCH path's object on side A and who may change it (the county's administrator,
    unless only someone else may: a visit is corrected by its own instructor)."""
    visit = visit_of(world.a, instructor_of(world.a))
    appraisal = appraisal_of(world, world.a, visit.instructor)
    opinion = opinion_of(world.a, visit.instructor)
    return {
        "/guidance/visits/{id}": (visit.pk, visit.instructor),
        "/guidance/appraisals/{id}": appraisal.pk,
        "/guidance/opinions/{id}": (opinion.pk, world.a.secretary),
        "/organizations/{id}": world.a.branch.pk,
        "/enterprises/{id}": world.a.enterprise.pk,
        "/units/{id}": world.a.team.pk,
        "/people/{id}": world.a.worker.pk,
        "/meetings/{id}": meeting(world.a, on=LAST_WEEK).pk,
        # An indicator of A's own, changed by A's manager (the county enters no figures).
        "/indicators/definitions/{id}": (own_indicator(world.a).pk, world.a.manager),
    }


PATCHES = [(m, p) for m, p in OPERATIONS if m == "patch"]


@pytest.mark.parametrize(("method", "path"), PATCHES, ids=[f"{m.upper()} {p}" for m, p in PATCHES])
def test_null_is_accepted_exactly_where_the_document_says(world, api_as, method, path):
    """A nullable field takes null (and stores null, or "" where the table keeps no null); any
    other field refuses it with a 422 on that field. Never a server error."""
    target = _patch_targets(world)[path]
    pk, user = target if isinstance(target, tuple) else (target, world.county_admin)
    client = api_as(user, **EN)
    url = f"{API}{path.replace('{id}', str(pk))}"
    for name, prop in _json_body(method, path)["properties"].items():
        response = client.patch(url, {name: None})
        assert response.status_code < 500, (path, name)
        errors = response.json().get("errors", {}) if response.status_code == 422 else {}
        if _nullable(prop):
            assert not set(errors.get(name, ())) & TYPE_MESSAGES, (path, name, response.content)
        else:
            assert response.status_code == 422 and name in errors, (path, name, response.content)
            assert "default" not in prop, f"{path}: {name} may not be null, so null is no default"


def test_emptied_text_is_stored_empty(world, api_as):
    client = api_as(world.county_admin)
    response = client.patch(f"{API}/organizations/{world.a.branch.pk}", {"name_en": None})
    assert response.status_code == 200, response.content
    assert response.json()["name_en"] == ""
    world.a.team.refresh_from_db()
    response = client.patch(f"{API}/units/{world.a.team.pk}", {"name_en": None})
    assert response.status_code == 200, response.content
    response = client.patch(f"{API}/people/{world.a.worker.pk}", {"name_latin": None, "post": None})
    assert response.status_code == 200, response.content
    assert (response.json()["name_latin"], response.json()["post"]) == ("", "")


def test_a_required_value_sent_as_null_is_refused(world, api_as):
    response = api_as(world.county_admin, **EN).patch(f"{API}/organizations/{world.a.branch.pk}", {"kind": None})
    assert response.status_code == 422
    assert "kind" in response.json()["errors"]
    world.a.branch.refresh_from_db()
    assert world.a.branch.kind == "branch"


# --- times -----------------------------------------------------------------------------------------


def _time_props():
    for name, component in COMPONENTS.items():
        for prop_name, prop in component.get("properties", {}).items():
            for option in prop.get("anyOf", (prop,)):
                if option.get("format") == "time" or prop_name == "starts_at":
                    yield name, prop_name, option


def test_times_are_documented_as_the_api_takes_them():
    found = [(c, p, o) for c, p, o in _time_props() if o.get("type") != "null"]
    assert {c for c, _, _ in found} >= {"MeetingIn", "MeetingPatch", "MeetingOut", "MeetingDetailOut"}
    for component, prop, option in found:
        assert option.get("format") != "time", f"{component}.{prop}: format time needs a zone; ours has none"
        assert option["pattern"] == r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", f"{component}.{prop}"
        assert all(re.match(option["pattern"], e) for e in option["examples"])


def _planned(world, **extra):
    return {
        "organization_id": world.a.branch.pk,
        "kind": "general",
        "held_on": (dt.date.today() + dt.timedelta(days=7)).isoformat(),
        "topic": "学习",
        **extra,
    }


def test_a_time_with_a_zone_is_refused_with_a_reason(world, api_as):
    client = api_as(world.county_admin, **EN)
    m = meeting(world.a, on=LAST_WEEK, starts_at=dt.time(15, 0))
    for value in ("10:00:00Z", "10:00+05:00", "10:00:00.5", "25:00", "10", "10:00:00:00"):
        response = client.post(f"{API}/meetings", _planned(world, starts_at=value))
        assert response.status_code == 422, (value, response.content)
        assert "HH:MM" in response.json()["errors"]["starts_at"][0]
        response = client.patch(f"{API}/meetings/{m.pk}", {"starts_at": value})
        assert response.status_code == 422, (value, response.content)
    m.refresh_from_db()
    assert m.starts_at == dt.time(15, 0)
    assert not Meeting.objects.filter(topic="学习").exists()


def test_a_wall_time_is_taken_and_answered_in_the_documented_form(world, api_as):
    client = api_as(world.county_admin)
    response = client.post(f"{API}/meetings", _planned(world, starts_at="19:30"))
    assert response.status_code == 201, response.content
    assert response.json()["starts_at"] == "19:30:00"
    listed = client.get(f"{API}/meetings").json()["items"]
    assert {item["starts_at"] for item in listed} == {"19:30:00"}


# --- bodies that cannot be read, and what the document says about them -----------------------------


def test_a_multipart_request_without_a_boundary_is_400(world, api_as):
    client = api_as(world.county_admin)
    body = b'--x\r\nContent-Disposition: form-data; name="into"\r\n\r\n652827\r\n--x--\r\n'
    response = client.generic("POST", f"{API}/imports", body, content_type="multipart/form-data")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "bad_request"


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data", "image/png"],
)
def test_a_body_of_another_kind_is_4xx_in_the_one_shape(world, api_as, content_type):
    response = api_as(world.county_admin).generic(
        "POST", f"{API}/organizations", b"\xff\xfe<a>\x00", content_type=content_type
    )
    assert response.status_code in {400, 415, 422}, response.content
    assert set(response.json()) >= {"code", "message"}


# PostgreSQL cannot store or compare a NUL character: fuzzing found a code with one ending in a
# server error on PostgreSQL (the uniqueness check) while SQLite stored it.
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "65\x0028"}, "code"),
        ({"name": "支部\x00"}, "name"),
        ({"name_en": "x", "nested": {"list": ["ok", "bad\x00"]}}, "nested.list.1"),
    ],
)
def test_text_with_a_nul_character_is_a_422_naming_the_field_and_nothing_is_stored(world, api_as, body, field):
    before = Organization.objects.count()
    payload = {"kind": "branch", "name": "一支部", "parent_id": world.park.pk, **body}
    response = api_as(world.county_admin, **{"accept-language": "en"}).post(f"{API}/organizations", payload)
    assert response.status_code == 422, response.content
    answer = response.json()
    assert answer["code"] == "invalid"
    assert answer["errors"] == {field: ["Null characters are not allowed."]}
    assert Organization.objects.count() == before


def test_a_nul_character_in_a_search_matches_as_if_it_were_not_there(world, api_as):
    client = api_as(world.county_admin)
    plain = client.get(f"{API}/organizations", {"q": "和静"}).json()["items"]
    with_nul = client.get(f"{API}/organizations", {"q": "和\x00静"}).json()["items"]
    assert [o["id"] for o in with_nul] == [o["id"] for o in plain] == [world.county.pk]


def test_too_many_query_parameters_are_400(world, api_as):
    query = "&".join(f"f{i}=1" for i in range(1100))
    response = api_as(world.county_admin).get(f"{API}/people?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "bad_request"


def test_a_body_over_the_size_limit_is_400(world, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_as(world.county_admin).post(f"{API}/organizations", {"name": "x" * 2000})
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "bad_request"


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in OPERATIONS])
def test_every_operation_documents_the_errors_it_can_answer(method, path):
    responses = {str(status): response for status, response in _op(method, path)["responses"].items()}
    # 400: a body that cannot be read, too many parameters, a request over the size limit.
    # 503: a write refused while the database is busy with other work (an import).
    for status in ("400", "401", "403", "404", "422", "503"):
        assert status in responses, f"{method.upper()} {path} does not document {status}"
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorOut"}


def test_every_schema_has_a_component_of_its_own():
    """ninja names a schema's component after its class: two classes of one name share one
    component, and the document then describes one operation with the other's fields."""
    from ninja import Schema

    def schemas(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("dangjian.api."):
                yield sub
            yield from schemas(sub)

    by_name: dict[str, set[str]] = {}
    for cls in schemas(Schema):
        by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: found for name, found in by_name.items() if len(found) > 1} == {}


def test_each_reveal_is_documented_with_the_fields_it_takes():
    def fields(path):
        prop = _json_body("post", path)["properties"]["field"]
        return set(prop.get("enum") or [prop.get("const")])

    assert fields("/people/{id}/reveal") == {"id_number", "phone"}
    assert fields("/candidacies/{id}/reveal") == {"conclusion"}


def test_an_imports_counts_are_documented_as_answered():
    ok = {str(status): r for status, r in _op("get", "/imports/{id}")["responses"].items()}["200"]
    answer = _resolve(ok["content"]["application/json"]["schema"])
    counts = _resolve(answer["properties"]["counts"])
    assert {"rows", "created", "rejected"} <= set(counts["properties"])
