"""The dues' tests read refusals and pages in English, whatever the zh-Hans catalog holds: the
site's default language is English for them (pages and the API), and so is the test's own."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
