"""Sensitive fields are encrypted at rest (PIPL art. 28) and found by a keyed blind index."""

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.test import override_settings

from dangjian.people import crypto, services
from dangjian.people.models import Person

OTHER_KEY = "b3RoZXIta2V5LWZvci1kZWNyeXB0aW9uLXRlc3RzLi4="  # 32 bytes, base64


def _raw(person: Person, column: str):
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s", [person.pk])
        return cursor.fetchone()[0]


@pytest.fixture
def fresh_keys():
    crypto._keys.cache_clear()
    yield
    crypto._keys.cache_clear()


def test_id_number_and_phone_are_stored_as_ciphertext(world):
    person = world.a.worker
    for column, clear in (("id_number", person.id_number), ("phone", person.phone)):
        raw = _raw(person, column)
        assert raw.startswith("v1:")
        assert clear not in raw
        assert clear[-6:] not in raw


def test_the_same_value_is_sealed_differently_each_time(db):
    assert crypto.encrypt("13912345678") != crypto.encrypt("13912345678")


def test_round_trip_returns_the_clear_value(world):
    person = Person.objects.get(pk=world.b.worker.pk)
    assert person.id_number == world.b.worker.id_number
    assert person.phone == world.b.worker.phone
    assert crypto.decrypt(crypto.encrypt("新疆和静县")) == "新疆和静县"


def test_blind_index_finds_the_person_by_exact_number(world):
    person = world.a.member
    typed = person.id_number.lower() if person.id_number.endswith("X") else f" {person.id_number} "
    found = Person.objects.get(id_number_index=services.id_number_lookup(typed))
    assert found == person
    assert (
        not Person.objects.filter(id_number_index=services.id_number_lookup(world.b.member.id_number))
        .filter(pk=person.pk)
        .exists()
    )


def test_blind_index_is_keyed_not_a_plain_hash(world):
    number = world.a.member.id_number
    index = _raw(world.a.member, "id_number_index")
    assert index == services.id_number_lookup(number)
    assert index != hashlib.sha256(number.encode()).hexdigest()
    assert number not in index


def test_a_different_key_refuses_to_decrypt_instead_of_returning_ciphertext(world, fresh_keys):
    pk = world.a.worker.pk
    with override_settings(FIELD_ENCRYPTION_KEY=OTHER_KEY):
        crypto._keys.cache_clear()
        with pytest.raises(crypto.DecryptionError):
            Person.objects.get(pk=pk)


def test_a_tampered_value_refuses_to_decrypt(db):
    token = crypto.encrypt("652827199005170023")
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(flipped)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("652827199005170023")


def test_empty_values_stay_empty_strings_not_null(db):
    person = services.create_person(
        actor=None, name="阿依古丽", gender="F", ethnicity="05", birth_date=dt.date(1995, 3, 8), id_number="", phone=""
    )
    assert _raw(person, "id_number") == ""
    assert _raw(person, "phone") == ""
    assert _raw(person, "id_number_index") is None
    person.refresh_from_db()
    assert (person.id_number, person.phone) == ("", "")
