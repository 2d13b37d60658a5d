"""The one write path of figures: what it stores, what it refuses, what it keeps of a correction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from dangjian.audit.models import AuditEvent
from dangjian.indicators import services
from dangjian.indicators.models import Indicator, Revision, Value
from dangjian.testing.indicators import enter, indicator, month

JAN, FEB = month(2026, 1), month(2026, 2)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_figures_are_stored_once_and_audited(world):
    out = enter(world.a, "pass_rate", {JAN: "96.5", FEB: 97}, actor=world.a.manager)
    assert (out.created, out.corrected, out.unchanged) == (2, 0, 0)
    stored = Value.objects.filter(team=world.a.team, indicator__code="pass_rate").order_by("month")
    assert [v.value for v in stored] == [Decimal("96.5"), Decimal("97")]
    assert AuditEvent.objects.filter(object_type="indicators.Value", action="create").count() == 2
    again = enter(world.a, "pass_rate", {JAN: "96.50", FEB: 97}, actor=world.a.manager)
    assert (again.created, again.corrected, again.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.filter(object_type="indicators.Value").count() == 2


def test_a_correction_keeps_the_old_figure_and_why(world):
    enter(world.a, "output", {JAN: 12000}, actor=world.a.manager)
    out = enter(world.a, "output", {JAN: 12500}, actor=world.a.manager, reason="miscounted the night shift")
    assert out.corrected == 1
    revision = Revision.objects.get()
    assert (revision.old, revision.new, revision.reason) == (
        Decimal("12000"),
        Decimal("12500"),
        "miscounted the night shift",
    )
    event = AuditEvent.objects.get(object_type="indicators.Value", action="update")
    assert event.changes["value"] == ["12000.0000", "12500.0000"]


def test_a_withdrawn_figure_keeps_its_history(world):
    enter(world.a, "output", {JAN: 12000})
    out = enter(world.a, "output", {JAN: None}, reason="the team did not exist yet")
    assert out.withdrawn == 1
    value = Value.objects.get()
    assert value.value is None
    assert value.revisions.get().old == Decimal("12000")


def test_a_figure_outside_the_plausible_range_needs_a_confirmation(world):
    with pytest.raises(services.Unconfirmed) as refused:
        enter(world.a, "income", {JAN: 45000})
    assert "outside the plausible range" in refused.value.items[0]
    assert not Value.objects.exists()
    out = enter(world.a, "income", {JAN: 45000}, confirm=True)
    assert out.confirmed == 1
    assert Value.objects.get().confirmed


@pytest.mark.parametrize(
    ("code", "figure", "message"),
    [
        ("pass_rate", "101", "between 0 and 100"),
        ("output", "-5", "cannot be negative"),
        ("output", "1.23456", "at most 4 decimals"),
    ],
)
def test_impossible_figures_are_refused_with_the_reason(world, code, figure, message):
    with pytest.raises(ValidationError) as refused:
        enter(world.a, code, {JAN: figure}, confirm=True)
    assert message in " ".join(refused.value.messages)
    assert not Value.objects.exists()


def test_a_month_not_yet_begun_is_refused(world):
    future = (dt.date.today().replace(day=1) + dt.timedelta(days=40)).replace(day=1)
    with pytest.raises(ValidationError, match="has not come yet"):
        enter(world.a, "output", {future: 100})


def test_the_whole_batch_is_refused_when_one_figure_is_wrong(world):
    ind = indicator("output")
    entries = [
        services.Entry(ind, world.a.team, JAN, Decimal(100), where="row 2"),
        services.Entry(ind, world.b.team, JAN, Decimal(100), where="row 3"),
    ]
    with pytest.raises(ValidationError) as refused:
        services.record_values(actor=None, enterprise=world.a.enterprise, entries=entries)
    assert refused.value.messages == [
        f"row 3: {world.b.team.display_name} is not a production team of this enterprise."
    ]
    assert not Value.objects.exists()


def test_the_same_figure_twice_in_one_batch_is_refused(world):
    ind = indicator("output")
    entries = [services.Entry(ind, world.a.team, JAN, Decimal(v)) for v in (100, 200)]
    with pytest.raises(ValidationError, match="given twice"):
        services.record_values(actor=None, enterprise=world.a.enterprise, entries=entries)


def test_an_enterprise_adds_its_own_indicator_which_another_cannot_use(world):
    own = services.define_indicator(
        actor=world.a.manager,
        enterprise=world.a.enterprise,
        spec=services.IndicatorSpec(name="返工率", name_en="Rework rate", unit="%", direction="lower"),
    )
    assert AuditEvent.objects.filter(object_type="indicators.Indicator", action="create").exists()
    enter_own = services.Entry(own, world.a.team, JAN, Decimal("2.5"))
    assert services.record_values(actor=None, enterprise=world.a.enterprise, entries=[enter_own]).created == 1
    with pytest.raises(ValidationError, match="another enterprise's indicator"):
        services.record_values(
            actor=None, enterprise=world.b.enterprise, entries=[services.Entry(own, world.b.team, JAN, Decimal(1))]
        )


def test_the_defaults_cannot_be_changed_by_an_enterprise(world):
    default = Indicator.objects.get(enterprise=None, code="output")
    with pytest.raises(ValidationError, match="same for every enterprise"):
        services.update_indicator(actor=None, indicator=default, spec=services.IndicatorSpec(name="x"))


def test_an_archived_indicator_takes_no_more_figures(world):
    own = services.define_indicator(
        actor=None, enterprise=world.a.enterprise, spec=services.IndicatorSpec(name="返工率")
    )
    services.archive_indicator(actor=None, indicator=own)
    with pytest.raises(ValidationError, match="no longer collected"):
        services.record_values(
            actor=None, enterprise=world.a.enterprise, entries=[services.Entry(own, world.a.team, JAN, Decimal(1))]
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234", Decimal("1234")),
        ("98.5%", Decimal("98.5")),
        ("９８．５", Decimal("98.5")),
        ("  ", None),
        (12, Decimal(12)),
    ],
)
def test_typed_figures_are_read_as_people_type_them(text, expected):
    assert services.parse_figure(text) == expected


def test_a_word_is_not_a_figure():
    with pytest.raises(ValidationError, match="is not a number"):
        services.parse_figure("abc")
