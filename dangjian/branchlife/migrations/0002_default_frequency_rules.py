"""The regulations' meeting frequencies (DOMAIN.md §3) as the default rows, which a committee
may then override for the organisations under it."""

from django.db import migrations

DEFAULTS = [
    ("general", "quarter", 1, None),  # 支部党员大会
    ("committee", "month", 1, None),  # 支委会
    ("group", "month", 1, None),  # 党小组会
    ("lecture", "quarter", 1, None),  # 党课 [config]
    ("theme_day", "month", 1, None),  # 主题党日 [config]
    ("life", "year", 1, None),  # 组织生活会
]


def add_defaults(apps, schema_editor):
    FrequencyRule = apps.get_model("branchlife", "FrequencyRule")
    for kind, period, times, day in DEFAULTS:
        FrequencyRule.objects.get_or_create(
            organization=None, kind=kind, defaults={"period": period, "times": times, "day_of_month": day}
        )


def remove_defaults(apps, schema_editor):
    apps.get_model("branchlife", "FrequencyRule").objects.filter(organization=None).delete()


class Migration(migrations.Migration):
    dependencies = [("branchlife", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
