"""The 2008 regulations' rate bands (dues.builtin)."""

from django.db import migrations

from dangjian.dues import builtin


def seed(apps, schema_editor):
    builtin.install(apps.get_model("dues", "RateBand"))


class Migration(migrations.Migration):
    dependencies = [("dues", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
