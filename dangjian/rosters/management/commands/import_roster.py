"""manage.py import_roster FILE --into CODE [--kind indicators] [--dry-run]: the same pipeline
as the web page and the API, run in this process, with the same report."""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangjian.audit.context import audit_source
from dangjian.rosters import pipeline, services
from dangjian.rosters.columns import IMPORT_KINDS, ORG_TREE
from dangjian.rosters.models import ImportStatus, RowOutcome
from dangjian.rosters.report import report_bytes
from dangjian.rosters.tasks import summary


class Command(BaseCommand):
    help = "Check a roster file and import it (all or nothing) into an enterprise or party organisation."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--into",
            required=True,
            help="The enterprise's unified social credit code (employee roster) or the party organisation's code (member roster).",
        )
        parser.add_argument(
            "--kind",
            choices=IMPORT_KINDS,
            help="What the file holds: by default the roster its target takes (employees for an enterprise, "
            "members for a party organisation); 'indicators' for production figures into an enterprise.",
        )
        parser.add_argument(
            "--confirm-outside-range",
            action="store_true",
            help="Import figures outside their indicator's plausible range (listed by the check); without it an "
            "indicator sheet with such figures is not imported.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument(
            "--user", help="Act as this user, within their scope. Without it the command acts as the system."
        )
        parser.add_argument(
            "--create-teams", action="store_true", help="Create teams the enterprise does not have yet."
        )
        parser.add_argument("--report", type=Path, help="Write the row-by-row report to this .xlsx file.")

    def handle(self, *args, **opts):
        self.verbosity = opts.get("verbosity", 1)
        target = pipeline.find_target(opts["into"])
        if target is None:
            raise CommandError(f"No enterprise with credit code or organisation with code {opts['into']!r}.")
        actor = None
        if opts["user"]:
            actor = get_user_model().objects.filter(username=opts["user"]).first()
            if actor is None:
                raise CommandError(f"No user {opts['user']!r}.")
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        with audit_source("command"):
            try:
                imp = services.upload(
                    actor=actor,
                    target=target,
                    file_name=path.name,
                    data=path.read_bytes(),
                    create_teams=opts["create_teams"],
                    kind=opts["kind"],
                    source="command",
                    background=False,
                )
            except PermissionDenied:
                raise CommandError(f"{opts['user']} may not import into {target}.") from None
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            pipeline.check(imp, progress=self._progress)
            self._print(imp)
            if opts["report"]:
                opts["report"].write_bytes(report_bytes(imp))
                self.stdout.write(f"Report written to {opts['report']}")
            if imp.status != ImportStatus.CHECKED or imp.counts.get(RowOutcome.REJECTED):
                self.stderr.write("Nothing was imported.")
                sys.exit(1)
            if opts["dry_run"]:
                self.stdout.write("Dry run: nothing was written.")
                return
            if not imp.may_confirm:
                self.stdout.write("Nothing to import: every row matches what is registered.")
                return
            outside = imp.counts.get(RowOutcome.OUTSIDE, 0)
            if outside and not opts["confirm_outside_range"]:
                self.stderr.write(
                    f"{outside} figures are outside their plausible range (listed above): check them, and pass "
                    "--confirm-outside-range to import them. Nothing was imported."
                )
                sys.exit(1)
            try:
                services.confirm(
                    actor=actor,
                    imp=imp,
                    confirm_outside=opts["confirm_outside_range"],
                    source="command",
                    background=False,
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            if self.verbosity > 1:
                self.stderr.write("\nimporting")
            pipeline.apply(imp, progress=self._progress)
            self._print(imp)
            if imp.status != ImportStatus.IMPORTED:
                sys.exit(1)

    def _progress(self, done: int, total: int) -> None:
        if self.verbosity > 1:
            self.stderr.write(f"\r{done}/{total}", ending="")

    def _print(self, imp) -> None:
        for row in imp.rows.filter(outcome=RowOutcome.REJECTED).order_by("row_number"):
            for p in row.problems:
                where = f"{p['column']}: " if p.get("column") else ""
                self.stdout.write(f"row {row.row_number} {row.name}: {where}{p['message']}")
        for row in imp.rows.filter(outcome=RowOutcome.OUTSIDE).order_by("row_number"):
            self.stdout.write(f"row {row.row_number} {row.name}: needs confirmation: {' '.join(row.notes)}")
        if imp.kind == ORG_TREE:  # the codes given, which rosters and --into name the organisations by
            for row in imp.rows.exclude(outcome=RowOutcome.REJECTED).order_by("row_number"):
                if row.notes:
                    self.stdout.write(f"row {row.row_number} {row.name}: {' '.join(row.notes)}")
        self.stdout.write(f"{imp.file_name}: {imp.get_status_display()}. {summary(imp)}")
