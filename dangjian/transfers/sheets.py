"""The transfers list as Excel (through the one writer, dangjian.sheets): what the list shows,
no ID numbers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.sheets import labelled, one_table

from .models import Transfer

STEM = gettext_lazy("Membership transfers")
# The list is small (a few in a hundred members move in a year); above this, narrow the filter.
MAX_ROWS = 50000

COLUMNS = [
    (gettext_lazy("letter number"), 16),
    (gettext_lazy("kind"), 14),
    (gettext_lazy("status"), 16),
    (gettext_lazy("name"), 12),
    (gettext_lazy("political status"), 12),
    (gettext_lazy("from"), 28),
    (gettext_lazy("to"), 28),
    (gettext_lazy("letter dated"), 12),
    (gettext_lazy("valid until"), 12),
    (gettext_lazy("dues paid up to"), 12),
    (gettext_lazy("completed on"), 12),
    (gettext_lazy("reason"), 30),
]


def _rows(qs: QuerySet[Transfer]) -> Iterator[list[Any]]:
    for t in qs.iterator(chunk_size=2000):
        yield [
            t.number,
            t.get_kind_display(),
            t.get_status_display(),
            t.person_name,
            t.get_member_status_display(),
            t.sender_name,
            t.receiver_name,
            t.issued_on,
            t.valid_until,
            f"{t.dues_paid_to:%Y-%m}",
            t.done_on,
            t.returned_reason or t.cancelled_reason or t.reason,
        ]


def workbook(qs: QuerySet[Transfer]) -> tuple[bytes, str, int]:
    if qs.count() > MAX_ROWS:
        raise ValidationError(
            _("The list has more than %(max)d letters: narrow it by kind or status first.") % {"max": MAX_ROWS}
        )
    return one_table(STEM, labelled(COLUMNS), _rows(qs), today=timezone.localdate())
