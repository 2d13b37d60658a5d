"""The indicators an enterprise collects: the six defaults and its own, added, changed, stopped
and resumed by its HR through the services (audited), read by whoever reads its figures; the
defaults are nobody's to change, and the other enterprise's are out of reach."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from dangjian.audit.models import Action, AuditEvent
from dangjian.indicators import services
from dangjian.indicators.models import Indicator, Level
from dangjian.testing.indicators import indicator, last_month, own_indicator
from dangjian.testing.indicators_entry import figure


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _form(**fields):
    return {
        "name": "返工率",
        "name_en": "Rework rate",
        "unit": "%",
        "level": "team",
        "direction": "lower",
        "aggregation": "weighted",
        "decimals": "1",
        "plausible_min": "0",
        "plausible_max": "20",
        **fields,
    }


def test_the_hr_adds_an_indicator_which_the_form_then_asks_for(world, login):
    client = _english(login(world.a.manager))
    response = client.post(reverse("indicators:define", args=[world.a.enterprise.pk]), _form())
    assert response.status_code == 302
    added = Indicator.objects.get(enterprise=world.a.enterprise)
    assert (added.name, added.direction, added.level, added.plausible_max) == ("返工率", "lower", Level.TEAM, 20)
    assert AuditEvent.objects.filter(object_type="indicators.Indicator", action=Action.CREATE).exists()
    listed = client.get(reverse("indicators:definitions", args=[world.a.enterprise.pk])).content.decode()
    assert "Rework rate" in listed and "Output" in listed
    form = client.get(reverse("indicators:enter", args=[world.a.enterprise.pk])).content.decode()
    assert f'name="t{added.pk}"' in form and "Plausible: 0 – 20" in form


def test_a_refused_definition_says_why_and_adds_nothing(world, login):
    client = _english(login(world.a.manager))
    response = client.post(
        reverse("indicators:define", args=[world.a.enterprise.pk]), _form(plausible_min="30", plausible_max="20")
    )
    assert response.status_code == 400
    assert "swap the two figures" in response.content.decode()
    assert not Indicator.objects.filter(enterprise=world.a.enterprise).exists()


def test_the_hr_changes_and_stops_collecting_its_own_indicator(world, login):
    own = own_indicator(world.a)
    client = _english(login(world.a.manager))
    response = client.post(
        reverse("indicators:edit_definition", args=[own.pk]), _form(name="返修率", name_en="Repair rate")
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.name == "返修率"
    client.post(reverse("indicators:archive_definition", args=[own.pk]), {"archived": "1"})
    own.refresh_from_db()
    assert own.archived
    form = client.get(reverse("indicators:enter", args=[world.a.enterprise.pk])).content.decode()
    assert f'name="t{own.pk}"' not in form
    listed = client.get(reverse("indicators:definitions", args=[world.a.enterprise.pk])).content.decode()
    assert "no longer collected" in listed and "Collect again" in listed
    client.post(reverse("indicators:archive_definition", args=[own.pk]), {"archived": "0"})
    own.refresh_from_db()
    assert not own.archived
    assert (
        AuditEvent.objects.filter(
            object_type="indicators.Indicator", object_id=str(own.pk), action=Action.UPDATE
        ).count()
        == 3
    )


def test_the_level_stays_once_figures_are_stored(world, login):
    own = own_indicator(world.a, name="停机时长")
    services.record_values(
        actor=world.a.manager,
        enterprise=world.a.enterprise,
        entries=[services.Entry(own, world.a.team, last_month(), services.parse_figure("3"))],
    )
    client = _english(login(world.a.manager))
    response = client.post(
        reverse("indicators:edit_definition", args=[own.pk]), _form(name="停机时长", level="enterprise")
    )
    assert response.status_code == 400 and "add a new indicator instead" in response.content.decode()
    own.refresh_from_db()
    assert own.level == Level.TEAM


def test_the_defaults_are_nobodys_to_change(world, login):
    client = login(world.a.manager)
    output = indicator("output")
    assert client.get(reverse("indicators:edit_definition", args=[output.pk])).status_code == 404
    assert client.post(reverse("indicators:archive_definition", args=[output.pk]), {"archived": "1"}).status_code == 404
    output.refresh_from_db()
    assert not output.archived


def test_the_secretary_reads_the_list_but_changes_nothing(world, login):
    own = own_indicator(world.a)
    client = login(world.a.secretary)
    listed = client.get(reverse("indicators:definitions", args=[world.a.enterprise.pk])).content.decode()
    assert "返工率" in listed and reverse("indicators:define", args=[world.a.enterprise.pk]) not in listed
    assert client.get(reverse("indicators:define", args=[world.a.enterprise.pk])).status_code == 403
    assert client.post(reverse("indicators:edit_definition", args=[own.pk]), _form(name="x")).status_code == 403
    assert client.post(reverse("indicators:archive_definition", args=[own.pk]), {"archived": "1"}).status_code == 403
    own.refresh_from_db()
    assert own.name == "返工率" and not own.archived


def test_side_b_neither_sees_nor_changes_side_a_indicators(world, login):
    own = own_indicator(world.a)
    figure(world.a)
    client = login(world.b.manager)
    assert client.get(reverse("indicators:definitions", args=[world.a.enterprise.pk])).status_code == 404
    assert client.post(reverse("indicators:define", args=[world.a.enterprise.pk]), _form()).status_code == 404
    assert client.post(reverse("indicators:edit_definition", args=[own.pk]), _form(name="x")).status_code == 404
    assert client.post(reverse("indicators:archive_definition", args=[own.pk]), {"archived": "1"}).status_code == 404
    b_list = client.get(reverse("indicators:definitions", args=[world.b.enterprise.pk])).content.decode()
    assert "返工率" not in b_list
    own.refresh_from_db()
    assert own.name == "返工率" and not own.archived
    assert not Indicator.objects.filter(enterprise=world.b.enterprise).exists()
