"""`changepassword` that leaves an audit record like every other write."""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands.changepassword import Command as BaseCommand

from dangjian.audit import services as audit
from dangjian.audit.context import audit_source


class Command(BaseCommand):
    def handle(self, *args, **options):
        username = options.get("username") or getpass.getuser()
        user = get_user_model()._default_manager.db_manager(options["database"]).filter(username=username).first()
        before = audit.snapshot(user) if user else {}
        with audit_source("command"):
            result = super().handle(*args, **options)
            if user is not None:
                user.refresh_from_db()
                audit.record_update(None, user, before)
        return result
