"""Unified social credit codes (GB 32100-2015): real codes pass, typing mistakes are named."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from dangjian.organizations import services
from dangjian.organizations.models import Ownership
from dangjian.organizations.validators import normalize_uscc, uscc_check_character, validate_uscc

REAL_CODES = [
    "9144030071526726XG",  # Tencent, Shenzhen
    "91110000802100433B",  # Baidu, Beijing
    "91350100M000100Y43",  # a Fuzhou code with a letter in the organisation part
]


def _code_of(value: str) -> str:
    with pytest.raises(ValidationError) as exc:
        validate_uscc(value)
    return exc.value.code


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    validate_uscc(code)
    assert uscc_check_character(code[:17]) == code[17]


def test_lower_case_and_spaces_are_folded():
    assert normalize_uscc(" 9144030071526726xg ") == "9144030071526726XG"
    validate_uscc("91110000 802100433b")


@pytest.mark.parametrize("code", REAL_CODES)
def test_wrong_check_character_is_rejected_without_offering_a_right_one(code):
    wrong = "0" if code[17] != "0" else "1"
    with pytest.raises(ValidationError) as exc:
        validate_uscc(code[:17] + wrong)
    assert exc.value.code == "uscc_check"
    with translation.override("zh-hans"):
        assert "18 位中有一位输错了" in exc.value.messages[0]
        assert code[17] not in exc.value.messages[0].replace("18", "")


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_never_used_in_codes_are_rejected(letter):
    code = REAL_CODES[0][:10] + letter + REAL_CODES[0][11:]
    assert _code_of(code) == "uscc_character"


@pytest.mark.parametrize("code", ["9144030071526726X", "9144030071526726XGG", ""])
def test_wrong_length_is_rejected(code):
    assert _code_of(code) == "uscc_length"


def test_division_code_must_be_digits():
    body = "91A4030071526726X"
    assert _code_of(body + uscc_check_character(body)) == "uscc_division"


def test_enterprise_service_refuses_a_bad_code_on_the_field(world):
    with pytest.raises(ValidationError) as exc:
        services.create_enterprise(
            actor=world.county_admin,
            name="错码公司",
            uscc="9144030071526726XA",
            ownership=Ownership.PRIVATE,
            supervising_org=world.park,
        )
    assert "uscc" in exc.value.message_dict


def test_enterprise_service_stores_the_normalised_code(world):
    ent = services.create_enterprise(
        actor=world.county_admin,
        name="腾讯",
        uscc="9144030071526726xg",
        ownership=Ownership.PRIVATE,
        supervising_org=world.park,
    )
    ent.refresh_from_db()
    assert ent.uscc == "9144030071526726XG"
