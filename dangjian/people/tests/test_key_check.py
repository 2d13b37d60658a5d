"""`manage.py check --database default` tells an operator that FIELD_ENCRYPTION_KEY is not the key
the stored ID numbers were sealed with, before any page answers 500 for it."""

from __future__ import annotations

import base64

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

OTHER_KEY = base64.urlsafe_b64encode(b"another-key-of-thirty-two-bytes!").decode()


def test_the_right_key_passes(world):
    call_command("check", databases=["default"])


def test_another_key_is_named_before_anything_is_served(world):
    with override_settings(FIELD_ENCRYPTION_KEY=OTHER_KEY), pytest.raises(SystemCheckError) as refused:
        call_command("check", databases=["default"])
    assert "dangjian.E002" in str(refused.value)
    assert "FIELD_ENCRYPTION_KEY" in str(refused.value)


def test_an_empty_database_has_nothing_to_check(db):
    with override_settings(FIELD_ENCRYPTION_KEY=OTHER_KEY):
        call_command("check", databases=["default"])
