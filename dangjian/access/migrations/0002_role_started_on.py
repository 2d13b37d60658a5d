import django.utils.timezone
from django.db import migrations, models


def from_created(apps, schema_editor):
    """A role held before this field existed was taken up the day it was recorded."""
    RoleAssignment = apps.get_model("access", "RoleAssignment")
    for ra in RoleAssignment.objects.only("pk", "created_at").iterator():
        RoleAssignment.objects.filter(pk=ra.pk).update(started_on=django.utils.timezone.localdate(ra.created_at))


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="roleassignment",
            name="started_on",
            field=models.DateField(
                default=django.utils.timezone.localdate,
                help_text="The day the role was taken up: an instructor's visits are dated from it.",
                verbose_name="held from",
            ),
        ),
        migrations.RunPython(from_created, migrations.RunPython.noop),
    ]
