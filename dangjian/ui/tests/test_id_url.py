"""{% id_url %} writes what {% url %} writes for a route taking a record id, for every id."""

from __future__ import annotations

from django.template import Context, Template
from django.urls import reverse, set_script_prefix
from hypothesis import given
from hypothesis import strategies as st

from dangjian.ids import MAX_ID, MIN_ID


def _render(text: str, pk: int) -> str:
    return Template("{% load dj %}" + text).render(Context({"pk": pk}))


@given(st.integers(MIN_ID, MAX_ID))
def test_the_same_url_as_reverse_for_any_id(pk):
    for name in ("people:detail", "organizations:enterprise_detail"):
        assert _render(f"{{% id_url '{name}' pk %}}", pk) == reverse(name, args=[pk])


def test_a_script_prefix_is_kept():
    # Served under a sub-path (a reverse proxy's SCRIPT_NAME), every link carries it.
    set_script_prefix("/dangjian/")
    try:
        assert (
            _render("{% id_url 'people:detail' pk %}", 7) == "/dangjian/people/7/" == reverse("people:detail", args=[7])
        )
    finally:
        set_script_prefix("/")
