"""The person list loads only the columns its rows show (people.selectors.PERSON_LIST_COLUMNS),
as prepared values (people.selectors.list_rows), and its rows read exactly as whole records
would render them, in either language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from dangjian.people.models import Person
from dangjian.people.selectors import list_rows
from dangjian.testing.factories import PersonFactory

# A row as the template language wrote it before the rows were written in Python
# (people_tags.person_row): the tag must write exactly this.
ROW_TEMPLATE = """
  <tr>
    <td><a href="{% id_url 'people:detail' p.pk %}">{{ p.name }}</a><div class="small text-secondary">{{ p.get_gender_display }}{% if p.post %} · {{ p.post }}{% endif %}</div></td>
    <td><span class="badge {% if p.political_status == 'full' or p.political_status == 'probationary' %}bg-red-lt{% else %}bg-secondary-lt{% endif %}">{{ p.get_political_status_display }}</span></td>
    <td class="d-none d-md-table-cell">{{ p.get_ethnicity_display }}</td>
    <td class="d-none d-lg-table-cell">{{ p.birth_date.isoformat }}</td>
    <td class="d-none d-md-table-cell masked">{{ p.id_number_masked }}</td>
    <td class="d-none d-lg-table-cell">{{ p.employer.display_name|default:"—" }}</td>
    <td class="d-none d-sm-table-cell">{{ p.team.display_name|default:"—" }}</td>
  </tr>
  """


def _rows_html(response, rows) -> str:
    """The list's rows template, rendered with the page's context and these records."""
    context = {k: response.context[k] for k in ("form", "page", "sort", "querystring", "sort_querystring")}
    page = context["page"]
    page.object_list = rows
    html = render_to_string("people/_person_rows.html", context, request=response.wsgi_request)
    return html[html.index("<table") : html.index("</table>")]  # the export forms' CSRF tokens differ each time


def _whole(rows) -> list[Person]:
    ids = [row["pk"] for row in rows]
    full = Person.objects.select_related("employer", "team", "party_org").in_bulk(ids)
    return [full[pk] for pk in ids]


@pytest.fixture
def varied(world):
    """People with and without a post or team; an employer with an English name."""
    world.a.enterprise.name_en = "A Garments"
    world.a.enterprise.save()
    PersonFactory(name="A无班组", employer=world.a.enterprise, team=None, post="质检员")
    return world


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_read_as_whole_records_render(varied, client, language):
    client.force_login(varied.county_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # the page's language (the switch)
    with translation.override(language):
        response = client.get(reverse("people:list"))
        assert response.headers["Content-Language"] == language
        assert response.status_code == 200
        rows = list(response.context["page"].object_list)
        assert len(rows) == 7
        shown = _rows_html(response, rows)
        assert shown == _rows_html(response, _whole(rows))
    assert ("A Garments" in shown) == (language == "en")
    assert "质检员" in shown and "B工人" in shown


def test_the_list_never_reads_phones(varied, client):
    client.force_login(varied.county_admin)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("people:list")).status_code == 200
    person_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "people_person"' in q["sql"]]
    assert person_reads and not any('"people_person"."phone"' in sql for sql in person_reads)
    assert any('"people_person"."id_number"' in sql for sql in person_reads)  # shown masked


def test_a_secretary_sees_the_same_rows_of_their_side_only(varied, client):
    client.force_login(varied.a.secretary)
    response = client.get(reverse("people:list"))
    rows = list(response.context["page"].object_list)
    assert {row["name"] for row in rows} == {"A党员", "A工人", "A书记", "A无班组"}
    assert _rows_html(response, rows) == _rows_html(response, _whole(rows))
    assert "B工人" not in response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_row_tag_writes_what_the_row_template_wrote(varied, language):
    PersonFactory(name="<b>张&三</b>", employer=varied.b.enterprise, team=varied.b.team, post="\"质检\" & 'QA'")
    people = list(Person.objects.select_related("employer", "team").order_by("pk"))
    assert any(p.team is None for p in people) and any(p.post for p in people)
    template = Template("{% load dj %}{% for p in rows %}" + ROW_TEMPLATE + "{% endfor %}")
    tag = Template("{% load people_tags %}{% for p in rows %}{% person_row p %}{% endfor %}")
    with translation.override(language):
        before = template.render(Context({"rows": people}))
        assert tag.render(Context({"rows": people})) == before
        assert tag.render(Context({"rows": list_rows([p.pk for p in people])})) == before
    assert "&lt;b&gt;张&amp;三&lt;/b&gt;" in before and "&quot;质检&quot; &amp; &#x27;QA&#x27;" in before
