"""The county's own settings on its set-up page: the values in force, "default" where the county
keeps none of its own, each group saved through its app's service (audited), and mistakes said
on the field, in the user's language, with nothing saved."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.birthdays import selectors as birthday_selectors
from dangjian.branchlife import services as branchlife_services
from dangjian.development import services as development_services
from dangjian.guidance import selectors as guidance_selectors


@pytest.fixture(autouse=True)
def _in_english(client):
    client.cookies["django_language"] = "en"


def _url(world, group):
    return reverse("onboarding:settings", args=[world.county.pk, group])


def _defaults(body: str, group: str) -> int:
    start = body.index(f'id="settings-{group}"')
    return body[start : body.index("</form>", start)].count("data-default")


def _frequency_data(county, **changed):
    rules = branchlife_services.rules_for([county])[county.pk]
    data = {}
    for kind, rule in rules.items():
        data[f"{kind}-period"] = rule.period
        data[f"{kind}-times"] = rule.times
        if rule.day_of_month is not None:
            data[f"{kind}-day_of_month"] = rule.day_of_month
    data.update(changed)
    return data


def test_the_settings_in_force_are_shown_as_defaults_until_the_county_sets_its_own(world, login):
    client = login(world.county_admin)
    page = reverse("onboarding:county", args=[world.county.pk])
    body = client.get(page).content.decode()
    assert _defaults(body, "development") == 1 and _defaults(body, "visits") == 1 and _defaults(body, "greeting") == 1
    assert _defaults(body, "frequency") == 6
    assert "a public notice of 5 to 7 days" in body

    response = client.post(
        _url(world, "development"), {"notice_min_days": 6, "notice_max_days": 9, "birthday_basis": "conversion"}
    )
    assert response.status_code == 302
    config = development_services.config_for(world.county)
    assert (config.notice_min_days, config.notice_max_days, config.birthday_basis) == (6, 9, "conversion")
    assert AuditEvent.objects.filter(object_type="development.DevelopmentConfig", actor=world.county_admin).exists()

    client.post(_url(world, "greeting"), {"message_zh": "祝政治生日快乐！", "message_en": "Happy political birthday!"})
    assert birthday_selectors.config_for(world.county).message_zh == "祝政治生日快乐！"
    assert AuditEvent.objects.filter(object_type="birthdays.BirthdayConfig", actor=world.county_admin).exists()

    topics = list(guidance_selectors.config_for(world.county).topics)
    client.post(_url(world, "visits"), {"visit_period": "month"})
    saved = guidance_selectors.config_for(world.county)
    assert saved.visit_period == "month" and saved.topics == topics  # the topics stay as they were
    assert AuditEvent.objects.filter(object_type="guidance.GuidanceConfig", actor=world.county_admin).exists()

    client.post(_url(world, "frequency"), _frequency_data(world.county, **{"lecture-times": 2}))
    assert branchlife_services.rules_for([world.county])[world.county.pk]["lecture"].times == 2
    assert AuditEvent.objects.filter(object_type="branchlife.FrequencyRule", actor=world.county_admin).exists()

    body = client.get(page).content.decode()
    assert _defaults(body, "development") == 0 and _defaults(body, "visits") == 0 and _defaults(body, "greeting") == 0
    assert _defaults(body, "frequency") == 5  # the lecture is the county's own now
    assert "a public notice of 6 to 9 days" in body
    # What the county sets applies under it.
    assert development_services.config_for(world.a.branch).notice_max_days == 9


def test_mistakes_are_said_on_the_field_and_nothing_is_saved(world, login):
    client = login(world.county_admin)
    before = AuditEvent.objects.count()
    response = client.post(
        _url(world, "development"), {"notice_min_days": 9, "notice_max_days": 3, "birthday_basis": "admission"}
    )
    assert response.status_code == 400
    assert "The longest notice cannot be shorter than the shortest." in response.content.decode()
    response = client.post(_url(world, "visits"), {"visit_period": "fortnight"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    # The regulations' minimum: a general meeting every quarter at least.
    response = client.post(_url(world, "frequency"), _frequency_data(world.county, **{"general-period": "year"}))
    assert response.status_code == 400
    body = response.content.decode()
    assert re.search(r"you may ask for more, not less", body)
    assert branchlife_services.rules_for([world.county])[world.county.pk]["general"].period == "quarter"
    response = client.post(_url(world, "greeting"), {"message_zh": "祝" * 2000, "message_en": ""})
    assert response.status_code == 400 and "The greeting must fit on the card" in response.content.decode()
    assert AuditEvent.objects.count() == before
    assert client.post(_url(world, "nothing")).status_code == 404


def test_in_chinese_the_mistake_is_said_in_chinese(world, login, client):
    client.cookies["django_language"] = "zh-hans"
    response = login(world.county_admin).post(
        _url(world, "development"), {"notice_min_days": 9, "notice_max_days": 3, "birthday_basis": "admission"}
    )
    assert response.status_code == 400
    assert "The longest notice" not in response.content.decode()


def test_another_countys_settings_are_not_found(world, login):
    client = login(world.county_admin)
    url = reverse("onboarding:settings", args=[world.outsider_county.pk, "visits"])
    assert client.post(url, {"visit_period": "month"}).status_code == 404
    assert not AuditEvent.objects.filter(object_type="guidance.GuidanceConfig").exists()
