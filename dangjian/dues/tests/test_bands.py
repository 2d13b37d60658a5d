"""The band edges of the 2008 regulations, from the bands the migration installs: a base of
3,000.00 yuan pays 0.5%, 3,000.01 pays 1% (to the fen, half up)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.dues import rules
from dangjian.dues.models import RateBand

MAY = dt.date(2026, 5, 1)


def due(category, base, chosen=None):
    bands = list(RateBand.objects.all())
    band = rules.band_for(bands, category, MAY, Decimal(base) if base is not None else None)
    return rules.amount_due(band, Decimal(base) if base is not None else None, chosen)


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("3000.00", "15.00"),
        ("3000.01", "30.00"),
        ("5000.00", "50.00"),
        ("5000.01", "75.00"),
        ("10000.00", "150.00"),
        ("10000.01", "200.00"),
        ("0.00", "0.00"),
        ("2999.99", "15.00"),  # 14.99995 → 15.00, half up
        ("1234.50", "6.17"),  # 6.1725 → 6.17
        ("1235.00", "6.18"),  # 6.175 → 6.18, half up (not to even)
    ],
)
def test_employed_band_edges(db, base, expected):
    assert due("employed", base) == Decimal(expected)


@pytest.mark.parametrize(("base", "expected"), [("5000.00", "25.00"), ("5000.01", "50.00")])
def test_retired_band_edge(db, base, expected):
    assert due("retired", base) == Decimal(expected)


def test_fixed_categories_pay_twenty_fen_and_a_farmer_may_choose_up_to_a_yuan(db):
    for category in ("student", "unemployed", "relief", "farmer"):
        assert due(category, None) == Decimal("0.20")
    assert due("farmer", None, Decimal("0.80")) == Decimal("0.80")
    assert due("farmer", None, Decimal("5.00")) == Decimal("0.20")  # outside the range: the band's own


@settings(max_examples=40, deadline=None)
@given(st.decimals(min_value=0, max_value=100000, places=2))
def test_a_higher_base_never_pays_less(base):
    bands = [
        type(
            "B",
            (),
            dict(category=c, effective_from=rules.DEFAULT_FROM, up_to=_d(u), rate=_d(r), fixed=_d(f), fixed_max=_d(m)),
        )
        for c, u, r, f, m in rules.DEFAULT_BANDS
    ]
    low = rules.amount_due(rules.band_for(bands, "employed", MAY, base), base)
    higher = base + Decimal("0.01")
    high = rules.amount_due(rules.band_for(bands, "employed", MAY, higher), higher)
    assert high >= low
    assert low == low.quantize(Decimal("0.01"))


def _d(v):
    return Decimal(v) if v is not None else None


def test_the_latest_band_set_in_effect_wins_and_older_months_keep_theirs():
    old = type(
        "B",
        (),
        dict(
            category="employed",
            effective_from=dt.date(2008, 1, 1),
            up_to=None,
            rate=Decimal("0.02"),
            fixed=None,
            fixed_max=None,
        ),
    )
    new = type(
        "B",
        (),
        dict(
            category="employed",
            effective_from=dt.date(2027, 1, 1),
            up_to=None,
            rate=Decimal("0.01"),
            fixed=None,
            fixed_max=None,
        ),
    )
    assert rules.band_for([old, new], "employed", dt.date(2026, 12, 1), Decimal(100)) is old
    assert rules.band_for([old, new], "employed", dt.date(2027, 1, 1), Decimal(100)) is new
