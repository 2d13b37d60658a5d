"""The Instructions sheet every import template carries: one line a column — its name, whether it
is required, the other headers it is recognised by, and a note — under a title saying how the
file is filled and what importing it twice does."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from dangjian.sheets import Col


def line(label: object, required: bool, synonyms: Iterable[str], note: object) -> list[str]:
    """A column's line: its name, "required" or nothing, four other names it is known by, its note."""
    return [str(label), _("required") if required else "", " / ".join(list(synonyms)[:4]), str(note)]


def add_sheet(book: Any, lines: Iterable[list[str]], title: str, *, name_width: int = 18) -> None:
    """The Instructions sheet of `book` (a dangjian.sheets.Workbook), after the data sheets."""
    book.table(
        _("Instructions"),
        [Col(_("Column"), name_width), Col(_("Required"), 10), Col(_("Also recognised as"), 36), Col(_("Notes"), 70)],
        lines,
        title=title,
        freeze=False,
    )
