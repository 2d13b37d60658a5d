"""Resident ID numbers (GB 11643-1999): the standard's own examples, what people type, and the
mod-11 check digit catching every single-digit typing mistake."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.people.validators import id_check_digit, normalize_id_number, parse_id_number


def _code_of(value: str) -> str:
    with pytest.raises(ValidationError) as exc:
        parse_id_number(value)
    return exc.value.code


def test_standard_example_female_born_1949_12_31():
    facts = parse_id_number("11010519491231002X")
    assert facts.birth_date == dt.date(1949, 12, 31)
    assert facts.gender == "F"
    assert facts.division == "110105"


def test_standard_example_male_born_1880_01_01():
    facts = parse_id_number("440524188001010014")
    assert facts.birth_date == dt.date(1880, 1, 1)
    assert facts.gender == "M"


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",  # lower-case x
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and letter (a Chinese IME)
        " 110105 19491231 002X ",  # stray spaces
        "110105\u300019491231002X",  # an ideographic space
    ],
)
def test_what_people_type_is_normalised(typed):
    assert normalize_id_number(typed) == "11010519491231002X"
    assert parse_id_number(typed).birth_date == dt.date(1949, 12, 31)


def test_wrong_check_digit_is_rejected_without_offering_a_right_one():
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        parse_id_number("110105194912310021")
    assert exc.value.code == "id_check"
    with translation.override("en"):
        assert "one of its 18 characters is mistyped" in exc.value.messages[0]
    assert "X" not in exc.value.messages[0]  # the check character that would fit is not suggested


@pytest.mark.parametrize("date_part", ["19490230", "19491301", "19490000", "19000229"])
def test_impossible_birth_date_is_rejected(date_part):
    first17 = f"110105{date_part}002"
    assert _code_of(first17 + id_check_digit(first17)) == "id_birth_date"


@pytest.mark.parametrize("value", ["11010519491231002", "11010519491231002XX", ""])
def test_wrong_length_is_rejected(value):
    assert _code_of(value) == "id_length"


@pytest.mark.parametrize("value", ["1101051949123100XX", "11010519491231002Y", "A1010519491231002X"])
def test_letters_other_than_a_final_x_are_rejected(value):
    assert _code_of(value) == "id_characters"


def _build(division: str, birth: dt.date, serial: int, male: bool) -> str:
    first17 = f"{division}{birth:%Y%m%d}{serial:02d}{(2 * (serial % 5) + (1 if male else 0))}"
    return first17 + id_check_digit(first17)


ids = st.builds(
    lambda division, birth, serial, male: (_build(division, birth, serial, male), birth, male),
    division=st.from_regex(r"\A[1-8][0-9]{5}\Z"),
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2010, 12, 31)),
    serial=st.integers(min_value=0, max_value=99),
    male=st.booleans(),
)


@settings(max_examples=300, database=None, deadline=None)
@given(ids)
def test_any_number_built_with_the_check_digit_parses_back(built):
    number, birth, male = built
    facts = parse_id_number(number)
    assert facts.birth_date == birth
    assert facts.gender == ("M" if male else "F")


@settings(max_examples=300, database=None, deadline=None)
@given(ids, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_changing_any_one_of_the_first_17_digits_is_caught(built, position, shift):
    # Every weight is non-zero mod 11 and a digit changes by 1..9, so the weighted sum mod 11
    # always moves: the old check character no longer fits (or the date is no longer real).
    number = built[0]
    digit = (int(number[position]) + shift) % 10
    typo = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(ValidationError) as exc:
        parse_id_number(typo)
    assert exc.value.code in {"id_check", "id_birth_date"}
