from django.core.management.base import BaseCommand

from dangjian.audit import sealing


class Command(BaseCommand):
    help = "Seal the audit events written since the last seal now (the background workers do it every few seconds)."

    def handle(self, *args, **options):
        sealed = sealing.seal()
        if sealed is None:
            self.stdout.write("Nothing to seal: every committed event is sealed.")
        else:
            self.stdout.write(f"Sealed {sealed.count} events in seal #{sealed.pk} (root {sealed.root[:16]}…).")
