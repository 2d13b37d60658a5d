"""A system check that the configured FIELD_ENCRYPTION_KEY is the one this database's ID numbers
and phones were sealed with. With another key every page that shows a person fails, so an
operator should learn it from `manage.py check --database default` (part of the production
steps), not from the first 500."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError

from .crypto import DecryptionError
from .models import Person


@register(Tags.database)
def field_key_opens_stored_values(
    app_configs: Any = None, databases: Iterable[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for alias in databases or ():
        try:
            Person.objects.using(alias).exclude(id_number="").values_list("id_number", flat=True).first()
        except DecryptionError:
            errors.append(
                Error(
                    "FIELD_ENCRYPTION_KEY does not open the ID numbers stored in this database: it is not the key "
                    "they were sealed with.",
                    hint="Set FIELD_ENCRYPTION_KEY to the key this database was created with (kept apart from the "
                    "backups, docs/operations.md). Writing with the wrong key would mix two keys in one table.",
                    id="dangjian.E002",
                )
            )
        except DatabaseError:
            continue  # not migrated yet: nothing sealed to check
    return errors
