from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangjian.audit import sealing


class Command(BaseCommand):
    help = (
        "Check the audit log: every event's hash and MAC, every seal and its link to the one before, "
        "and (with --against) the seals against checkpoints kept outside the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--against",
            metavar="CHECKPOINTS",
            action="append",
            default=[],
            help="a checkpoint file (AUDIT_CHECKPOINT_FILE, or a copy kept elsewhere); may be given more than once",
        )

    def handle(self, *args, **options):
        report = sealing.verify()
        if report.problem:
            bad = report.bad_event
            if bad is not None:
                where = f"event #{bad.pk} ({bad.at:%Y-%m-%d %H:%M:%S}, {bad.action} {bad.object_type}:{bad.object_id})"
            elif report.bad_id is not None:
                where = f"event #{report.bad_id}"
            else:
                where = "its seals"
            raise CommandError(
                f"Audit log broken at {where}: {report.problem}. {report.checked} events before it are intact."
            )
        problems = []
        for path in options["against"]:
            try:
                points = sealing.read_checkpoints(path)
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read the checkpoints in {path}: {exc}") from exc
            problems += [f"{path}: {p}" for p in sealing.verify_against(points)]
            self.stdout.write(f"Checked against {len(points)} checkpoints in {path}.")
        if problems:
            raise CommandError("Audit log differs from its checkpoints: " + "; ".join(problems))
        self.stdout.write(
            self.style.SUCCESS(f"Audit log intact: {report.checked} events verified, {report.seals} seals.")
        )
        if report.unsealed:
            age = (timezone.now() - report.oldest_unsealed_at).total_seconds() if report.oldest_unsealed_at else 0
            self.stdout.write(f"{report.unsealed} events not sealed yet; the oldest is {age:.0f} s old.")
        if report.gaps:
            shown = ", ".join(f"#{a}" if a == b else f"#{a}–#{b}" for a, b in report.gaps[:10])
            more = f" and {len(report.gaps) - 10} more ranges" if len(report.gaps) > 10 else ""
            self.stdout.write(
                self.style.WARNING(
                    f"{report.gap_count} event ids were given out and hold no event: {shown}{more}. "
                    "A write that was rolled back or cut off leaves such a gap; so does an event removed "
                    "before it was sealed. Compare with the application's error log for those times."
                )
            )
