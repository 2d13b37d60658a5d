"""`createsuperuser` that leaves an audit record like every other write."""

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands.createsuperuser import Command as BaseCommand

from dangjian.audit import services as audit
from dangjian.audit.context import audit_source


class Command(BaseCommand):
    def handle(self, *args, **options):
        model = get_user_model()
        before = set(model._default_manager.db_manager(options["database"]).values_list("pk", flat=True))
        with audit_source("command"):
            result = super().handle(*args, **options)
            for user in model._default_manager.db_manager(options["database"]).exclude(pk__in=before):
                audit.record_create(None, user)
        return result
