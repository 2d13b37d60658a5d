"""Output rows built as dicts (api.common.ModelOut) answer exactly what ninja's own path, which
resolves each field on the record, answered; and the OpenAPI document of /people is unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import translation
from ninja.renderers import NinjaJSONEncoder
from ninja.schema import DjangoGetter

from dangjian.api.people import PERSON_QS, MembershipOut, PersonOut
from dangjian.people.models import Membership
from dangjian.testing.api import API
from dangjian.testing.factories import PersonFactory

SNAPSHOT = Path(__file__).parent / "snapshots" / "people_openapi.json"


def _as_ninja_did(schema, obj) -> dict:
    """The record through ninja's getter, field by field (resolvers included), as JSON."""
    getter = DjangoGetter(obj, schema)
    values = {name: getattr(getter, name) for name in schema.model_fields}
    return json.loads(json.dumps(values, cls=NinjaJSONEncoder))


@pytest.fixture
def varied(world):
    world.a.enterprise.name_en = "A Garments"
    world.a.enterprise.save()
    PersonFactory(name="A无班组", employer=world.a.enterprise, team=None, hire_date=None, phone="")
    return world


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_people_list_answers_what_ninja_answered(varied, api_as, language):
    items = api_as(varied.county_admin, **{"accept-language": language}).get(f"{API}/people").json()["items"]
    assert len(items) == 7
    with translation.override(language):
        for item in items:
            assert item == _as_ninja_did(PersonOut, PERSON_QS.get(pk=item["id"]))
    names = {item["employer_name"] for item in items}
    assert ("A Garments" in names) == (language == "en")


def test_one_person_and_their_memberships_answer_what_ninja_answered(varied, api_as):
    client = api_as(varied.county_admin)
    person = varied.a.member
    assert client.get(f"{API}/people/{person.pk}").json() == _as_ninja_did(PersonOut, PERSON_QS.get(pk=person.pk))
    items = client.get(f"{API}/people/{person.pk}/memberships").json()["items"]
    assert items and items == [
        _as_ninja_did(MembershipOut, m)
        for m in Membership.objects.filter(person=person).select_related("organization").order_by("-admitted_on", "-id")
    ]


def test_a_secretary_gets_the_same_rows_of_their_side_only(varied, api_as):
    items = api_as(varied.a.secretary).get(f"{API}/people").json()["items"]
    assert {item["name"] for item in items} == {"A党员", "A工人", "A书记", "A无班组"}
    assert all(item == _as_ninja_did(PersonOut, PERSON_QS.get(pk=item["id"])) for item in items)
    assert varied.b.enterprise.pk not in {item["employer_id"] for item in items}


def test_the_openapi_document_of_people_is_unchanged(world, session_client):
    doc = session_client(world.a.secretary).get(f"{API}/openapi.json").json()
    schemas = doc["components"]["schemas"]
    ours = {
        "paths": {path: op for path, op in doc["paths"].items() if "/people" in path},
        "schemas": {name: schemas[name] for name in ("MembershipOut", "PagedPersonOut", "PersonOut")},
    }
    assert ours == json.loads(SNAPSHOT.read_text())
