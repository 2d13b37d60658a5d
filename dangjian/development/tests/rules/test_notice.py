"""Membership development rules (dangjian/development/rules/): the public notice and the application form after it. Pure: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.development.rules import (
    Config,
)

from .scene import (
    D,
    chk,
    codes,
    history,
)

# --- public notice and the application form --------------------------------------------------


@pytest.mark.parametrize(
    ("config", "days", "ok"),
    [
        (Config(), 4, False),
        (Config(), 5, True),
        (Config(), 7, True),
        (Config(), 8, False),
        (Config(notice_min_days=7, notice_max_days=10), 4, False),
        (Config(notice_min_days=7, notice_max_days=10), 5, False),
        (Config(notice_min_days=7, notice_max_days=10), 7, True),
        (Config(notice_min_days=7, notice_max_days=10), 8, True),
        (Config(notice_min_days=7, notice_max_days=10), 10, True),
        (Config(notice_min_days=7, notice_max_days=10), 11, False),
    ],
)
def test_public_notice_length(config, days, ok):
    start = D(2025, 6, 11)
    data = {"notice_from": start.isoformat(), "notice_to": (start + dt.timedelta(days=days - 1)).isoformat()}
    found = codes(chk(history(13), 13, D(2025, 6, 10), data, config=config))
    assert found == ([] if ok else ["notice_days"])


def test_public_notice_may_start_on_the_pre_review_day_but_not_before():
    hist, on = history(13), D(2025, 6, 10)
    assert chk(hist, 13, on, {"notice_from": "2025-06-10", "notice_to": "2025-06-14"}) == []
    assert codes(chk(hist, 13, on, {"notice_from": "2025-06-09", "notice_to": "2025-06-13"})) == ["notice"]


@pytest.mark.parametrize(
    "data",
    [{}, {"notice_from": "2025-06-11"}, {"notice_to": "2025-06-17"}, {"notice_from": "11/06/2025", "notice_to": "x"}],
)
def test_public_notice_needs_both_days(data):
    assert codes(chk(history(13), 13, D(2025, 6, 10), data)) == ["notice"]


def test_application_form_refused_while_the_notice_runs():
    hist = history(14)  # notice 2025-06-11 .. 2025-06-17
    for day in (D(2025, 6, 10), D(2025, 6, 12), D(2025, 6, 17)):
        refused = chk(hist, 14, day)
        assert codes(refused) == ["notice_running"], day
        assert refused[0].possible_from == D(2025, 6, 18)
    assert chk(hist, 14, D(2025, 6, 18)) == []
