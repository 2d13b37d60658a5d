"""Every string the code marks for translation has its Chinese: the catalog is extracted afresh
from a copy of the source (as `makemessages` does before a commit) and must have no message
untranslated or fuzzy. A string added without its translation shows English on a zh-Hans page."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from dangjian.testing.processes import ROOT

SOURCE = ROOT / "dangjian"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext is not installed (scripts/system-deps installs it)")
def test_every_marked_string_has_its_chinese(tmp_path):
    copy = tmp_path / "dangjian"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static", "node_modules"))
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "dangjian.settings"},
    )
    catalog = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    stats = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(catalog)], capture_output=True, text=True, check=True
    ).stderr
    entries = catalog.read_text().split("\n\n")[1:]  # after the header
    missing = [e for e in entries if "#, fuzzy" in e or re.search(r'^msgstr(\[\d\])? ""\Z', e.strip(), re.M)]
    assert missing == [], "\n\n".join(missing[:5])
    assert not re.search(r"fuzzy|untranslated", stats), stats


def test_no_translation_function_hides_under_a_name_makemessages_does_not_read():
    # `gettext_lazy as _lazy` kept the meetings' and the production notifications out of the
    # catalog: they reached zh-Hans users in English. makemessages reads _, gettext, gettext_lazy,
    # ngettext(_lazy), pgettext(_lazy) and gettext_noop by name; only `_` may stand for another.
    alias = re.compile(r"import\s+.*\b(?:n|p)?gettext(?:_lazy|_noop)?\s+as\s+(?!_\b)\w+")
    offenders = [
        str(path.relative_to(ROOT))
        for path in SOURCE.rglob("*.py")
        if "tests" not in path.parts and alias.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
