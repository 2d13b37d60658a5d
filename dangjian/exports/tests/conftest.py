"""Downloading a list as a secretary, a manager or anybody else, and reading the file back."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from dangjian.rosters.columns import BY_KEY
from dangjian.sheets import XLSX_CONTENT_TYPE


def read_rows(data: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def export(login):
    """`export(user, "people", "status=members")` → (response, rows, header first)."""

    def _export(user, kind: str, query: str = ""):
        response = login(user).post(reverse(f"exports:{kind}") + (f"?{query}" if query else ""))
        assert response.status_code == 200, response
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        return response, read_rows(response.content)

    return _export


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
