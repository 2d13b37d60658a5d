"""The chain's head row, and triggers that make the audit table append-only in the database."""

from django.db import migrations

from dangjian.audit.migrations import _append_only as sql


def _vendor(schema_editor) -> str:
    return "postgresql" if schema_editor.connection.vendor == "postgresql" else "sqlite"


def forwards(apps, schema_editor):
    apps.get_model("audit", "ChainHead").objects.get_or_create(pk=1, defaults={"last_hash": sql.GENESIS})
    for statement in sql.CREATE[_vendor(schema_editor)]:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in sql.DROP[_vendor(schema_editor)]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
