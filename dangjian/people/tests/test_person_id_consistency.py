"""A person's date of birth and gender must agree with their ID number, and one ID number
belongs to one person record."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.people import services
from dangjian.people.models import Person

FEMALE_1949 = "11010519491231002X"


def _create(**fields):
    data = {
        "name": "王淑珍",
        "gender": "F",
        "ethnicity": "01",
        "birth_date": dt.date(1949, 12, 31),
        "id_number": FEMALE_1949,
    }
    data.update(fields)
    return services.create_person(actor=None, **data)


def test_matching_person_is_created_with_the_normalised_number(db):
    person = _create(id_number="11010519491231002x")
    person.refresh_from_db()
    assert person.id_number == FEMALE_1949


def test_birth_date_that_disagrees_with_the_id_number_is_refused_on_that_field(db):
    with pytest.raises(ValidationError) as exc:
        _create(birth_date=dt.date(1949, 12, 30))
    errors = exc.value.message_dict
    assert list(errors) == ["birth_date"]
    assert "1949-12-31" in errors["birth_date"][0]
    assert not Person.objects.exists()


def test_gender_that_disagrees_with_the_id_number_is_refused_on_that_field(db):
    with pytest.raises(ValidationError) as exc:
        _create(gender="M")
    assert list(exc.value.message_dict) == ["gender"]


def test_birth_date_and_gender_are_taken_from_the_id_number_when_left_out(db):
    person = services.create_person(
        actor=None, name="李建国", ethnicity="01", gender="", birth_date=None, id_number="440524188001010014"
    )
    assert (person.birth_date, person.gender) == (dt.date(1880, 1, 1), "M")


def test_invalid_id_number_is_refused_on_the_id_field(db):
    with pytest.raises(ValidationError) as exc:
        _create(id_number="110105194912310021")
    assert list(exc.value.message_dict) == ["id_number"]


def test_the_same_id_number_cannot_be_registered_twice(world):
    # Typed differently (lower-case x, spaces): still the same number.
    _create()
    with pytest.raises(ValidationError) as exc:
        _create(name="王淑珍（重复）", id_number=" 11010519491231002x", employer=world.b.enterprise)
    assert "id_number" in exc.value.message_dict
    assert Person.objects.filter(name__startswith="王淑珍").count() == 1


def test_changing_to_another_persons_id_number_is_refused(world):
    other = world.b.worker
    with pytest.raises(ValidationError) as exc:
        services.update_person(
            actor=world.a.secretary,
            person=world.a.worker,
            id_number=other.id_number,
            birth_date=other.birth_date,
            gender=other.gender,
        )
    assert "id_number" in exc.value.message_dict
