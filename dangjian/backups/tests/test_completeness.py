"""The database is the whole of what a backup must keep: no model stores a file anywhere else."""

from __future__ import annotations

from django.apps import apps
from django.db import models


def test_no_model_keeps_a_file_outside_the_database():
    # A FileField would put files under MEDIA_ROOT, which `manage.py backup` does not copy: keep
    # such files sealed in the database (dangjian/files.py), or teach the backup to include them.
    outside = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert outside == []
