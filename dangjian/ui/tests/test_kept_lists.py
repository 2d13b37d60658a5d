"""Kept choice lists (ui.lookups "Kept lists", dangjian.versions): the person list's filter keeps
its organisation, enterprise and team lists in the cache under the user's reach and a version of
the organisation tables. A list kept for one reach is never shown to another, and any committed
write to those tables — through a service, the ORM in bulk or raw SQL — shows at once.

These tests commit (transaction=True): the version changes only when a write commits."""

from __future__ import annotations

import re

import pytest
from django import forms as django_forms
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian import versions
from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.access.scopes import reach_key
from dangjian.organizations import services as org_services
from dangjian.organizations.models import Enterprise
from dangjian.testing.factories import EnterpriseFactory, UnitFactory, UserFactory, make_uscc

pytestmark = pytest.mark.django_db(transaction=True)


def _options(client, name: str, query: str = "") -> set[str]:
    """The labels of the person list's filter `name` select, as the page shows them."""
    html = client.get(reverse("people:list") + query).content.decode()
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None, name
    return set(re.findall(r"<option [^>]*>([^<]*)</option>", select.group(0)))


def _queries(client, query: str = "") -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("people:list") + query).status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def outsider_admin(world):
    """The organisation department of the other county, with an enterprise of its own."""
    EnterpriseFactory(name="焉耆外县公司", supervising_org=world.outsider_county)
    user = UserFactory(username="outsider_admin")
    access_services.assign_role(actor=None, user=user, role=Role.ORG_DEPARTMENT, organization=world.outsider_county)
    return user


def test_two_reaches_never_see_each_others_kept_lists(world, client, outsider_admin):
    seen = {}
    for user in (world.a.manager, world.b.manager, world.county_admin, outsider_admin, world.a.manager):
        client.force_login(user)
        seen[user.username] = (_options(client, "enterprise"), _options(client, "team"))
    a_enterprises, a_teams = seen["manager_a"]
    b_enterprises, b_teams = seen["manager_b"]
    assert "A公司" in a_enterprises and "B公司" not in a_enterprises
    assert "B公司" in b_enterprises and "A公司" not in b_enterprises
    assert any("A缝纫一组" in t for t in a_teams) and not any("B缝纫一组" in t for t in a_teams)
    assert any("B缝纫一组" in t for t in b_teams) and not any("A缝纫一组" in t for t in b_teams)
    county_enterprises, _ = seen["county_admin"]
    outsider_enterprises, _ = seen["outsider_admin"]
    assert {"A公司", "B公司"} <= county_enterprises and "焉耆外县公司" not in county_enterprises
    assert "焉耆外县公司" in outsider_enterprises and not {"A公司", "B公司"} & outsider_enterprises
    # The lists were kept, each under its own reach: a second visit asks the database less.
    keys = {reach_key(u) for u in (world.a.manager, world.b.manager, world.county_admin, outsider_admin)}
    assert len(keys) == 4


def test_the_same_reach_shares_one_list_and_a_kept_list_saves_its_queries(world, client):
    twin = UserFactory(username="manager_a_twin")
    access_services.assign_role(actor=None, user=twin, role=Role.MANAGER, enterprise=world.a.enterprise)
    assert reach_key(twin) == reach_key(world.a.manager) != reach_key(world.b.manager)
    client.force_login(world.a.manager)
    cold = _queries(client)
    warm = _queries(client)
    # Three lists, each "more than 100?" and then its rows: six queries fewer once kept.
    assert warm == cold - 6
    client.force_login(twin)
    assert _queries(client) == warm
    client.force_login(world.b.manager)
    assert _queries(client) == cold  # another reach: its own lists, counted afresh


def test_a_new_enterprise_is_listed_right_after_it_is_created(world, client):
    client.force_login(world.county_admin)
    assert "新建公司" not in _options(client, "enterprise")
    org_services.create_enterprise(
        actor=world.county_admin, name="新建公司", uscc=make_uscc(901), ownership="private", supervising_org=world.park
    )
    assert "新建公司" in _options(client, "enterprise")
    # and a renamed one under its new name, a new team at once
    org_services.update_enterprise(actor=world.county_admin, enterprise=world.b.enterprise, name="B公司新名")
    UnitFactory(enterprise=world.b.enterprise, kind="team", name="B新班组", parent=world.b.workshop)
    enterprises = _options(client, "enterprise")
    assert "B公司新名" in enterprises and "B公司" not in enterprises
    assert any("B新班组" in t for t in _options(client, "team"))


def test_writes_in_bulk_or_raw_sql_change_the_version_too(world, client):
    client.force_login(world.county_admin)
    _options(client, "enterprise")
    Enterprise.objects.bulk_create([Enterprise(name="批量公司", uscc=make_uscc(902), supervising_org=world.park)])
    assert "批量公司" in _options(client, "enterprise")
    Enterprise.objects.filter(pk=world.a.enterprise.pk).update(name="A公司改名")
    assert "A公司改名" in _options(client, "enterprise")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE organizations_enterprise SET name = %s WHERE id = %s", ["B公司改名", world.b.enterprise.pk]
        )
    enterprises = _options(client, "enterprise")
    assert "B公司改名" in enterprises and "B公司" not in enterprises
    # Moving the other county's enterprise into the park brings it into the county's reach.
    moved = EnterpriseFactory(name="外县迁入公司", supervising_org=world.outsider_county)
    assert "外县迁入公司" not in _options(client, "enterprise")
    Enterprise.objects.filter(pk=moved.pk).update(supervising_org=world.park)
    assert "外县迁入公司" in _options(client, "enterprise")


def test_a_rolled_back_write_neither_keeps_nor_leaves_anything(world, client):
    client.force_login(world.county_admin)
    before = versions.current("organizations")
    kept = _options(client, "enterprise")
    with transaction.atomic():
        EnterpriseFactory(name="未提交公司", supervising_org=world.park)
        # Inside the writing transaction nothing is kept: it sees its own uncommitted rows.
        assert versions.current("organizations") is None
        assert "未提交公司" in _options(client, "enterprise")
        transaction.set_rollback(True)
    assert versions.current("organizations") == before
    assert _options(client, "enterprise") == kept


def test_each_language_has_its_own_kept_list(world, client):
    Enterprise.objects.filter(pk=world.a.enterprise.pk).update(name_en="A Garments")
    client.force_login(world.a.manager)
    chinese = _options(client, "enterprise")
    assert "A公司" in chinese and "A Garments" not in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "A Garments" in _options(client, "enterprise")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "A公司" in _options(client, "enterprise")


def test_a_chosen_value_is_still_checked_against_the_database(world, client):
    """A kept list only shows choices: filtering by the other side's enterprise is refused as
    before, whatever was kept."""
    client.force_login(world.a.manager)
    _options(client, "enterprise")
    html = client.get(reverse("people:list") + f"?enterprise={world.b.enterprise.pk}").content.decode()
    assert "B工人" not in html and "B公司" not in html


def test_a_form_that_narrows_the_field_afterwards_shows_its_own_choices(world):
    """The kept list stands for the source's choices only: a queryset given to the field later
    is listed as it is."""
    from dangjian.ui.forms import OrgPickerForm

    OrgPickerForm(user=world.county_admin).as_p()  # the county's list, kept
    form = OrgPickerForm(user=world.county_admin)
    form.fields["org"].queryset = world.b.branch.__class__.objects.filter(pk=world.b.branch.pk)
    html = str(form["org"])
    assert "B公司党支部" in html and "A公司党支部" not in html and "和静县委" not in html


def _filter_form(html: str) -> str:
    start = html.index('<form class="row g-2 mb-3" method="get" id="person-filters"')
    return html[start : html.index("</form>", start)]


def test_the_filter_form_reads_the_same_kept_as_afresh(world, client):
    """Kept lists and memoised selects write the HTML Django's own widgets write: the form as
    the first visit renders it (nothing kept), the second (all kept), and with plain selects."""
    from dangjian.people.forms import PersonFilterForm

    client.force_login(world.county_admin)
    query = f"?status=members&enterprise={world.a.enterprise.pk}&ethnicity=01"
    cold = _filter_form(client.get(reverse("people:list") + query).content.decode())
    warm = _filter_form(client.get(reverse("people:list") + query).content.decode())
    assert cold == warm and "A缝纫一组" in warm and "B缝纫一组" not in warm
    for name in ("status", "ethnicity", "gender"):
        memo = PersonFilterForm.base_fields[name].widget
        plain = type("Select", (django_forms.Select,), {})(attrs=memo.attrs)
        plain.choices = memo.choices
        assert plain.render(name, "01", {"id": f"id_{name}"}) == memo.render(name, "01", {"id": f"id_{name}"})


def test_two_forms_sharing_a_kept_list_keep_their_own_empty_choice(world):
    """The select kept in the process is the field's too: the person filter's enterprise ("Any
    enterprise") and the export filter's (Django's dashes) read the same kept list, each with
    its own first option."""
    from dangjian.exports.forms import UnitFilterForm
    from dangjian.people.forms import PersonFilterForm

    any_enterprise = f'<option value="" selected>{PersonFilterForm.base_fields["enterprise"].empty_label}</option>'
    dashes = '<option value="" selected>---------</option>'
    for _ in range(2):  # afresh, then kept
        person_filter = str(PersonFilterForm(user=world.county_admin)["enterprise"])
        export_filter = str(UnitFilterForm(user=world.county_admin)["enterprise"])
        assert "A公司" in person_filter and "A公司" in export_filter
        assert any_enterprise in person_filter and dashes not in person_filter
        assert dashes in export_filter and any_enterprise not in export_filter
