"""The answer to "did party work help production?": the page words the comparison of covered
teams with teams not yet covered, with its 95% range, the event study and how it is worked out;
it shows no number when there is nothing to compare with; a large analysis shows its progress and
then its result; the Excel holds the same figures and is audited; and nobody reads another
side's or another county's analysis."""

from __future__ import annotations

import html
import io
import re

import openpyxl
from django.conf import settings
from django.urls import reverse

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import AuditEvent
from dangjian.indicators import effects
from dangjian.testing.factories import UserFactory
from dangjian.testing.indicator_scenes import analysis_scene
from dangjian.testing.indicators import indicator


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _url(**params) -> str:
    return reverse("indicators:analysis") + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_the_county_reads_a_worded_estimate_with_its_range_and_how_it_is_worked_out(world, login):
    analysis_scene(world, effect=2.0)
    client = _english(login(world.county_admin))
    response = client.get(_url(org=world.county.pk, indicator=indicator("pass_rate").pk))
    assert response.status_code == 200
    body = response.content.decode()
    headline = re.search(r"data-headline>(.*?)</p>", body, re.DOTALL).group(1)
    assert "covered teams&#x27; Quality pass rate rose" in headline and "95% range" in headline
    assert "caused" not in body
    assert "data-verdict" in body and "data-basis" in body
    assert 'id="methods"' in body and "How this is worked out" in body
    assert "Teams came into a member&#x27;s charge at different times" in body  # the methods note
    figures = body[body.index("data-figures") :]
    for label in ("Difference (estimate)", "p-value", "Covered teams", "Team-months", "Pre-trend test p-value"):
        assert label in figures
    assert 'data-chart-spec="{&quot;id&quot;: &quot;analysis-event&quot;' in body


def test_an_enterprise_whose_teams_were_all_covered_at_once_gets_no_number(world, login):
    analysis_scene(world, teams_per_side=6, all_at_once=True)
    url = _url(enterprise=world.a.enterprise.pk, indicator=indicator("pass_rate").pk)
    body = _english(login(world.a.manager)).get(url).content.decode()
    headline = html.unescape(re.search(r"data-headline>(.*?)</p>", body, re.DOTALL).group(1))
    assert headline.startswith("There is no comparison group") and not re.search(r"\d", headline)
    assert "data-figures" not in body and "data-verdict" not in body and "data-chart-spec" not in body
    assert "data-county" not in body  # the manager does not read the county's figures
    # The county's department does: it is offered the county's analysis instead.
    body = _english(login(world.county_admin)).get(url).content.decode()
    assert "data-county" in body and f"org={world.county.pk}" in body


def test_the_excel_holds_the_figures_the_event_study_and_the_methods_and_is_audited(world, login):
    analysis_scene(world)
    client = _english(login(world.county_admin))
    url = reverse("indicators:analysis_xlsx") + f"?org={world.county.pk}"
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    figures, event, methods = book.worksheets
    header = [c.value for c in figures[2]]
    row = dict(zip(header, [c.value for c in figures[3]], strict=False))
    assert row["Indicator"] == "Quality pass rate" and row["Teams analysed"] == world.county.name
    assert row["Result"] == "estimated" and isinstance(row["Difference (estimate)"], float)
    assert row["95% range from"] < row["Difference (estimate)"] < row["95% range to"]
    assert [c.value for c in event[2]][:2] == ["Months from the start of coverage", "Difference (estimate)"]
    assert event.max_row > 3
    texts = [r[0].value for r in methods.iter_rows(min_row=3)]
    assert "How this is worked out" in texts
    audit = AuditEvent.objects.get(action="export", object_type="indicators.analysis")
    assert audit.actor_id == world.county_admin.pk and audit.org_path == world.county.path


def test_a_large_analysis_shows_its_progress_and_no_empty_file(world, login, monkeypatch):
    analysis_scene(world, teams_per_side=4, months=10)
    monkeypatch.setattr(effects, "INLINE_OBSERVATIONS", 10)  # this small scene counts as large
    client = _english(login(world.county_admin))
    url = _url(org=world.county.pk)
    body = client.get(url).content.decode()
    assert 'data-status="computing"' in body and 'hx-trigger="every 2s"' in body and "data-progress" in body
    part = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert part.startswith('<div id="analysis-result"') and "data-progress" in part and "<html" not in part
    response = client.post(reverse("indicators:analysis_xlsx") + f"?org={world.county.pk}")
    assert response.status_code == 302 and response["Location"].startswith(reverse("indicators:analysis"))
    assert not AuditEvent.objects.filter(object_type="indicators.analysis").exists()


def test_the_progress_panel_swaps_in_the_result_once_the_background_job_is_done(
    world, login, monkeypatch, django_capture_on_commit_callbacks
):
    analysis_scene(world, teams_per_side=5, months=12)
    monkeypatch.setattr(effects, "INLINE_OBSERVATIONS", 10)
    client = _english(login(world.county_admin))
    url = _url(org=world.county.pk)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert 'data-status="computing"' in client.get(url).content.decode()
    for run in queued:  # the worker takes the job
        run()
    part = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-status="ok"' in part and "data-headline" in part
    assert "data-chart-spec" in part  # the event study, drawn once swapped in
    # inside the test's transaction the data have no version to keep a result under, so the page
    # shows the last result worked out, says so, and keeps asking
    assert "data-stale" in part and "hx-trigger" in part


# --- who reads what ---------------------------------------------------------------------------


def test_side_b_reads_no_analysis_of_a_and_no_committees(world, login):
    client = login(world.b.manager)
    assert client.get(_url(enterprise=world.a.enterprise.pk)).status_code == 404
    assert client.get(_url(org=world.county.pk)).status_code == 404
    assert client.post(reverse("indicators:analysis_xlsx") + f"?enterprise={world.a.enterprise.pk}").status_code == 404
    assert client.get(_url(enterprise=world.b.enterprise.pk)).status_code == 200


def test_a_member_is_refused_and_another_county_finds_nothing(world, login, member_user):
    assert login(member_user).get(_url(enterprise=world.a.enterprise.pk)).status_code == 403
    outsider = UserFactory(username="outsider_admin")
    access_services.assign_role(actor=None, user=outsider, role=Role.ORG_DEPARTMENT, organization=world.outsider_county)
    client = login(outsider)
    assert client.get(_url(org=world.county.pk)).status_code == 404
    assert client.get(_url(enterprise=world.a.enterprise.pk)).status_code == 404
    assert client.get(_url(org=world.outsider_county.pk)).status_code == 200


def test_an_unknown_indicator_is_not_found(world, login):
    client = login(world.county_admin)
    assert client.get(_url(org=world.county.pk, indicator=999999)).status_code == 404
    assert client.get(_url(org=world.county.pk, indicator="x")).status_code == 404
