"""The built-in 三好 (three-good branch) scheme (dangjian.guidance.ratings.builtin), offered to
every committee; a committee defines its own beside it."""

from django.db import migrations

from dangjian.guidance.ratings import builtin


def create(apps, schema_editor):
    builtin.install(apps.get_model("guidance", "RatingScheme"), apps.get_model("guidance", "Criterion"))


def remove(apps, schema_editor):
    apps.get_model("guidance", "RatingScheme").objects.filter(organization__isnull=True, name=builtin.NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("guidance", "0002_ratings")]
    operations = [migrations.RunPython(create, remove)]
