"""Every answer carries the Content-Security-Policy, and no template we serve needs what the policy
forbids: no inline script, no inline event handler, no inline style, no eval-based htmx. The
browser test (test_browser_csp.py) proves the pages work under it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import dangjian

# Rendered by WeasyPrint into a PDF, never sent to a browser (dangjian/pdf.py fetches nothing).
PRINT_ONLY = {
    "birthdays/card.html",
    "branchlife/print/_head.html",
    "branchlife/print/sign_in.html",
    "branchlife/print/minutes.html",
    "accounts/print/sheet.html",
    "production/print/sign.html",
    "guidance/print/certificate.html",
    "selections/print/sheet.html",
    "selections/print/teller_ballot.html",
    "selections/print/notice.html",
    "transfers/print/letter.html",
    "selections/print/certificates.html",
}


TAG = re.compile(r"<[a-zA-Z][^>]*>", re.DOTALL)
FORBIDDEN_IN_TAGS = {
    "inline event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "inline style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "hx-on (needs eval)": re.compile(r"\shx-on", re.IGNORECASE),
    "js: or javascript: values (need eval)": re.compile(r"""=\s*['"]\s*(?:js|javascript):""", re.IGNORECASE),
}
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)


def template_name(path: Path) -> str:
    parts = path.parts
    return "/".join(parts[parts.index("templates") + 1 :])


ALL_TEMPLATES = sorted(Path(dangjian.__file__).parent.glob("*/templates/**/*.html"))
SERVED = [path for path in ALL_TEMPLATES if template_name(path) not in PRINT_ONLY]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


def test_the_print_only_templates_exist():
    assert {template_name(p) for p in ALL_TEMPLATES} >= PRINT_ONLY


@pytest.mark.parametrize("path", SERVED, ids=template_name)
def test_served_templates_need_no_inline_script_or_style(path):
    text = path.read_text()
    problems = [f"inline <script>: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
    problems += ["<style> element" for _ in STYLE_ELEMENT.finditer(text)]
    for tag in TAG.finditer(text):
        problems += [
            f"{what}: {tag.group(0)[:120]}" for what, rx in FORBIDDEN_IN_TAGS.items() if rx.search(tag.group(0))
        ]
    assert not problems, problems


def test_our_pages_get_the_strict_policy(world, login):
    response = login(world.county_admin).get(reverse("home"))
    assert response.status_code == 200
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert not any("unsafe" in source or "nonce" in source for sources in csp.values() for source in sources)


@pytest.mark.parametrize(
    "url", ["/login/", "/api/v1/people", "/api/v1/no-such-thing", "/people/?enterprise=1"], ids=str
)
def test_every_kind_of_answer_carries_the_policy(db, url):
    response = Client().get(url)
    assert policy(response)["script-src"] == ["'self'"]


def test_htmx_runs_without_eval_and_without_injected_styles(world, login):
    body = login(world.a.secretary).get(reverse("home")).content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'', body)
    assert config, "htmx is configured by a <meta> (no inline script)"
    settings = json.loads(config.group(1))
    assert settings["allowEval"] is False
    assert settings["includeIndicatorStyles"] is False
    assert settings["allowScriptTags"] is False


def test_pages_that_name_no_icon_get_ours(db):
    # The admin's pages name no icon, so browsers ask for /favicon.ico; a 404 there would be
    # logged for every admin page (and fails the browser test's console check).
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert Client().get(response["Location"]).status_code == 200
