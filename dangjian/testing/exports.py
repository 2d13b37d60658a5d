"""Reading a downloaded list back: its rows, a column by its header as a user of a language
sees it, and {name: value} pairs."""

from __future__ import annotations

import io

import openpyxl
from django.utils import translation

from dangjian.rosters.columns import BY_KEY


def read_rows(data: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def column(rows: list[tuple], header: str) -> list:
    i = rows[0].index(header)
    return [row[i] for row in rows[1:]]


def header(key: str, language: str = "zh-hans") -> str:
    """A roster column's header as a user of `language` gets it."""
    with translation.override(language):
        return str(BY_KEY[key].label)


def by_name(rows: list[tuple], key: str, language: str = "zh-hans") -> dict:
    """{person's name: their value in the `key` column}."""
    return dict(zip(column(rows, header("name", language)), column(rows, header(key, language)), strict=True))
