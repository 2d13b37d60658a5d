"""The default indicators (indicators.builtin)."""

from django.db import migrations

from dangjian.indicators import builtin


def seed(apps, schema_editor):
    builtin.install(apps.get_model("indicators", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
