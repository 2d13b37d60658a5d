"""Our select widget template writes its options in Python (dj.select_options) for speed; what it
writes must be what Django's own templates write: the same options, values, labels, escaping,
selection and groups."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

CHOICES = [
    ("", "— any —"),
    (1, "A & B <Co.>"),
    ("quote", "say \"hi\" 'there'"),
    (
        "Group <one>",
        [("g1", "第一"), ("g2", mark_safe("<b>safe</b>"))],
    ),
]


class ChoiceForm(forms.Form):
    one = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)


def _tight(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize(
    "data",
    [{}, {"one": "1"}, {"one": "g2", "many": ["quote", "g1"]}],
    ids=["nothing chosen", "one chosen", "in a group and several"],
)
def test_options_are_written_as_djangos_own_templates_write_them(data):
    ours = ChoiceForm(data or None)
    django = ChoiceForm(data or None, renderer=DjangoTemplates())
    for name in ("one", "many"):
        assert _tight(str(ours[name])) == _tight(str(django[name]))


def test_labels_are_escaped_and_safe_labels_are_not():
    html = str(ChoiceForm({"one": "1"})["one"])
    assert '<option value="1" selected>A &amp; B &lt;Co.&gt;</option>' in html
    assert "say &quot;hi&quot; &#x27;there&#x27;" in html
    assert '<optgroup label="Group &lt;one&gt;">' in html
    assert "<b>safe</b>" in html
