from django.core.management.base import BaseCommand, CommandError

from dangjian.audit.services import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain and report the first broken link."

    def handle(self, *args, **options):
        checked, bad, reason = verify_chain()
        if reason:
            where = (
                f"event #{bad.pk} ({bad.at:%Y-%m-%d %H:%M:%S}, {bad.action} {bad.object_type}:{bad.object_id})"
                if bad
                else "end of chain"
            )
            raise CommandError(f"Audit chain broken at {where}: {reason}. {checked} events before it are intact.")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} events verified."))
