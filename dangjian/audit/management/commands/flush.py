"""`flush` that knows the audit table is append-only.

Emptying the whole database (development resets, and the test runner between transactional
tests) is the one legitimate way to remove audit events: the triggers are lifted for the flush
and put back straight after, and the seals' with them.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from dangjian.audit.migrations import _append_only as sql


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options["database"]]
        vendor = "postgresql" if connection.vendor == "postgresql" else "sqlite"
        with connection.cursor() as cursor:
            for statement in [*sql.DROP[vendor], *sql.SEAL_DROP[vendor]]:
                cursor.execute(statement)
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for statement in [*sql.CREATE[vendor], *sql.SEAL_CREATE[vendor]]:
                    cursor.execute(statement)
