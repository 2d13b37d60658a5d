"""The production static files: `collectstatic` writes a manifest, and every page finds its
files in it. With DEBUG off a missing manifest entry is a 500 on every page, which is what a
Tabler source map without its file did (issue 12)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from dangjian.ui.staticfiles import VendorFinder

# Under pytest-xdist (`make test`) these tests run on one worker, so that collectstatic (a module fixture) runs once.
pytestmark = pytest.mark.xdist_group("collectstatic")

PRODUCTION_STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "dangjian.ui.staticfiles.ManifestStorage"}}
TEMPLATE_DIRS = Path(settings.BASE_DIR, "dangjian")
STATIC_TAG = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]\s*%}""")


def _referenced() -> set[str]:
    return {m for path in TEMPLATE_DIRS.glob("*/templates/**/*.html") for m in STATIC_TAG.findall(path.read_text())}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    # Compression (whitenoise's gzip and brotli of every file) is the slow part and not what is
    # tested here: the manifest is.
    with override_settings(
        STORAGES=PRODUCTION_STORAGES,
        STATIC_ROOT=root,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_SKIP_COMPRESS_EXTENSIONS=["css", "js", "map", "svg", "txt", "html", "json", "woff", "ttf", "eot"],
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


def test_collectstatic_writes_a_manifest_naming_every_file_the_templates_use(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    assert _referenced(), "no {% static %} tags found: the template scan is broken"
    missing = sorted(_referenced() - manifest.keys())
    assert not missing, f"templates use static files that are not collected: {missing}"
    for name in _referenced():
        assert (collected / manifest[name]).is_file()


def test_only_the_vendor_files_we_serve_are_collected(collected):
    vendor = {p.relative_to(collected / "vendor").as_posix() for p in (collected / "vendor").rglob("*.js")}
    vendor |= {p.relative_to(collected / "vendor").as_posix() for p in (collected / "vendor").rglob("*.css")}
    plain = {v for v in vendor if v.count(".") == 2}  # tabler.min.css, not tabler.min.<hash>.css
    assert plain == {n.removeprefix("vendor/") for n in settings.VENDOR_FILES}


def test_pages_render_with_hashed_names_when_debug_is_off(collected, client, world):
    with override_settings(STORAGES=PRODUCTION_STORAGES, STATIC_ROOT=collected, DEBUG=False):
        login_page = client.get("/login/")
        client.force_login(world.county_admin)
        home = client.get("/")
    assert login_page.status_code == 200
    assert home.status_code == 200
    hashed = re.search(
        r'href="/static/vendor/tabler/css/tabler\.min\.([0-9a-f]{12})\.css"', login_page.content.decode()
    )
    assert hashed, "the stylesheet is not linked by its hashed name"


def test_a_missing_front_end_file_is_a_system_check_error(tmp_path):
    with override_settings(VENDOR_FILES={"vendor/x/x.js": tmp_path / "absent.js"}):
        errors = VendorFinder().check()
    assert [e.id for e in errors] == ["dangjian.E001"]
    assert "make install" in errors[0].hint
