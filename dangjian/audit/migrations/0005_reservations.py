"""Event ids reserved ahead of their events (audit.models.AuditReservation)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_sealed'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditReservation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('ids', models.TextField()),
                ('first_id', models.BigIntegerField()),
                ('made_at', models.DateTimeField(db_index=True)),
            ],
            options={
                'verbose_name': 'audit id reservation',
                'verbose_name_plural': 'audit id reservations',
            },
        ),
    ]
