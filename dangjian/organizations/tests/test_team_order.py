"""Teams are listed as people read their numbers: 一组, 二组, 三组 … 十组, 十一组, not in code-point
order (一组, 三组, 二组), on the enterprise's page, in the API and when people are sorted by team."""

from __future__ import annotations

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from dangjian.organizations import services
from dangjian.organizations.models import ProductionUnit, UnitKind
from dangjian.text import chinese_number, natural_key

NAMES = ["三组", "十一组", "一组", "十组", "二组", "二十组"]
READ_ORDER = ["一组", "二组", "三组", "十组", "十一组", "二十组"]

CHINESE = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九"}


def _chinese(n: int) -> str:
    """How a team's number below 100 is written: 十, 十二, 二十, 二十三."""
    tens, ones = divmod(n, 10)
    if not tens:
        return CHINESE[ones]
    return (CHINESE[tens] if tens > 1 else "") + "十" + (CHINESE[ones] if ones else "")


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=1, max_value=99))
def test_numbers_below_a_hundred_compare_by_value_in_either_script(a, b):
    assert chinese_number(_chinese(a)) == a
    assert (natural_key(f"缝纫{_chinese(a)}组") < natural_key(f"缝纫{_chinese(b)}组")) == (a < b)
    assert (natural_key(f"Team {a}") < natural_key(f"Team {b}")) == (a < b)


def _teams(world):
    for name in NAMES:
        services.create_unit(
            actor=None, enterprise=world.a.enterprise, kind=UnitKind.TEAM, name=name, parent=world.a.workshop
        )


def test_the_enterprise_page_lists_teams_in_reading_order(world, login):
    _teams(world)
    body = login(world.a.manager).get(reverse("organizations:enterprise_detail", args=[world.a.enterprise.pk]))
    text = body.content.decode()
    positions = [text.index(f">{name}<") for name in READ_ORDER]
    assert positions == sorted(positions)
    other = login(world.b.manager).get(reverse("organizations:enterprise_detail", args=[world.a.enterprise.pk]))
    assert other.status_code == 404  # side B does not see A's teams at all


def test_the_api_lists_units_in_reading_order(world, api_as):
    _teams(world)
    units = api_as(world.a.manager).get(f"/api/v1/units?enterprise_id={world.a.enterprise.pk}&kind=team").json()
    names = [u["name"] for u in units["items"] if u["name"] in NAMES]
    assert names == READ_ORDER
    theirs = api_as(world.b.manager).get(f"/api/v1/units?enterprise_id={world.a.enterprise.pk}").json()
    assert not any(u["name"] in NAMES for u in theirs["items"])


def test_a_renamed_or_bulk_created_team_gets_its_key(world):
    _teams(world)
    team = ProductionUnit.objects.get(enterprise=world.a.enterprise, name="十组")
    services.update_unit(actor=None, unit=team, name="九组")
    team.refresh_from_db()
    assert team.name_key == natural_key("九组")
    [made] = ProductionUnit.objects.bulk_create(
        [ProductionUnit(enterprise=world.a.enterprise, kind=UnitKind.TEAM, name="十二组", parent=world.a.workshop)]
    )
    assert ProductionUnit.objects.get(pk=made.pk).name_key == natural_key("十二组")
