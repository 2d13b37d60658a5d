"""The person list's rows written in Python (people/_person_rows.html): through the template
language each of 50 rows cost ~80 µs of variable look-ups, escaping and tags, the largest part of
the county person page left after its filter form (docs/benchmarks.md item 9). The row reads a
prepared row (people.selectors.list_rows, a dict) or a whole record alike;
people/tests/test_person_list_rows.py holds its HTML to the template it replaces
(`ROW_TEMPLATE` there) and to whole records."""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString

from dangjian.ui.templatetags.dj import id_url

register = template.Library()

_MEMBER_STATUSES = {"full", "probationary"}


def _get(obj: Any, name: str) -> Any:
    """What `{{ obj.name }}` reads: a dict's key, else the attribute (called if it is a method)."""
    if isinstance(obj, dict):
        return obj.get(name)
    value = getattr(obj, name, None)
    return value() if callable(value) else value


def _text(value: Any) -> str:
    """As `{{ value }}` writes it (None is "None"): HTML-safe text as it is, anything else
    escaped with the standard library's escape, which Django's uses."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


@register.simple_tag
def person_row(p: Any) -> SafeString:
    post = _get(p, "post")
    status = _get(p, "political_status")
    birth_date = _get(p, "birth_date")
    employer, team = _get(p, "employer"), _get(p, "team")
    employer_name = _get(employer, "display_name") if employer is not None else ""
    team_name = _get(team, "display_name") if team is not None else ""
    badge = "bg-red-lt" if status in _MEMBER_STATUSES else "bg-secondary-lt"
    return SafeString(
        "\n  <tr>\n"
        f'    <td><a href="{id_url("people:detail", _get(p, "pk"))}">{_text(_get(p, "name"))}</a>'
        f'<div class="small text-secondary">{_text(_get(p, "get_gender_display"))}'
        f"{f' · {_text(post)}' if post else ''}</div></td>\n"
        f'    <td><span class="badge {badge}">{_text(_get(p, "get_political_status_display"))}</span></td>\n'
        f'    <td class="d-none d-md-table-cell">{_text(_get(p, "get_ethnicity_display"))}</td>\n'
        f'    <td class="d-none d-lg-table-cell">{_text(birth_date.isoformat()) if birth_date is not None else ""}</td>\n'
        f'    <td class="d-none d-md-table-cell masked">{_text(_get(p, "id_number_masked"))}</td>\n'
        f'    <td class="d-none d-lg-table-cell">{_text(employer_name or "—")}</td>\n'
        f'    <td class="d-none d-sm-table-cell">{_text(team_name or "—")}</td>\n'
        "  </tr>\n  "
    )
