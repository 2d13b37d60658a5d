"""Cell parsing: every form of date, ID number and choice HR rosters contain."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.rosters.columns import fold_header, match_header
from dangjian.rosters.parsing import (
    CellError,
    parse_date,
    parse_education,
    parse_ethnicity,
    parse_gender,
    parse_id_number,
    parse_name,
    parse_phone,
)
from dangjian.testing.rosters import ident

DATES = st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2099, 12, 31))


@given(DATES)
def test_every_written_form_of_a_date_reads_back(d):
    forms = [
        d.isoformat(),
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month:02d}.{d.day:02d}",
        f"{d.year}年{d.month}月{d.day}日",
        f"{d:%Y%m%d}",
        int(f"{d:%Y%m%d}"),
        (d - dt.date(1899, 12, 30)).days,  # the Excel serial
        dt.datetime(d.year, d.month, d.day),
        f"{d.isoformat()} 00:00:00",
    ]
    assert {parse_date(f) for f in forms} == {d}


@pytest.mark.parametrize("bad", ["2019-02-30", "2019-13-01", "下个月", "2019.07", "7/1/2019"])
def test_impossible_or_partial_dates_are_explained(bad):
    with pytest.raises(CellError) as exc:
        parse_date(bad)
    assert bad in str(exc.value)


def test_blank_cells_are_none():
    assert parse_date(None) is None and parse_date("  ") is None and parse_id_number("") is None


@given(st.integers(min_value=0, max_value=4000))
def test_id_numbers_in_every_typed_form(n):
    number = ident(n)
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    forms = [number, number.lower(), f" {number[:6]} {number[6:14]} {number[14:]} ", full_width, "'" + number]
    if number[-1].isdigit():
        forms.append(int(number))
    assert {parse_id_number(f) for f in forms} == {number}


def test_an_id_number_stored_as_a_float_lost_digits():
    with pytest.raises(CellError, match="15"):
        parse_id_number(6.52827199001011e17)


def test_a_wrong_check_digit_is_named():
    number = ident(1)
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    with pytest.raises(CellError, match=number[-1]):
        parse_id_number(wrong)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("汉族", "01"),
        ("汉", "01"),
        ("维吾尔族", "05"),
        ("维吾尔", "05"),
        ("Uyghur", "05"),
        ("哈萨克族", "17"),
        ("5", "05"),
        ("05", "05"),
    ],
)
def test_ethnicity_with_or_without_the_suffix(text, code):
    assert parse_ethnicity(text) == code


def test_choices():
    assert [parse_gender(v) for v in ("男", "女", "m", "Female")] == ["M", "F", "M", "F"]
    assert [parse_education(v) for v in ("大专", "本科", "中专", "研究生")] == [
        "college",
        "bachelor",
        "vocational",
        "master",
    ]
    with pytest.raises(CellError):
        parse_gender("未知")


def test_names_and_phones():
    assert parse_name("王　芳") == "王芳"
    assert parse_name("Ayse  Nur") == "Ayse Nur"
    assert parse_phone(13912345678.0) == "13912345678"
    assert parse_phone("+86 139-1234-5678") == "13912345678"


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("身份证号码", "id_number"),
        ("公民身份号码", "id_number"),
        ("* 身份证号（必填）", "id_number"),
        ("ID Number", "id_number"),
        ("手机号", "phone"),
        ("联系电话", "phone"),
        ("入党时间", "admitted_on"),
        ("所在班组", "team"),
        ("姓 名", "name"),
        ("序号", None),
    ],
)
def test_headers_and_their_variants(header, key):
    assert match_header("members", header) == key or (key == "team" and match_header("employees", header) == key)
    assert fold_header("（必填）姓名：") == "姓名"
