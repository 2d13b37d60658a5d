"""`manage.py load_demo`: load the demo scenario of the source article (DOMAIN.md §6).

Idempotent: when the demo's prefecture (code 652800) is already there, nothing is written and the
logins are printed again.
"""

from __future__ import annotations

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.access import selectors as access_selectors
from dangjian.audit.context import audit_source
from dangjian.demo.scenario import DEMO_PASSWORD, DEMO_USERNAMES, LOGINS, PREFECTURE_CODE, DemoBuilder, summarize
from dangjian.organizations import selectors as org_selectors


def _width(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in str(text))


def _pad(text: str, width: int) -> str:
    return str(text) + " " * max(0, width - _width(text))


class Command(BaseCommand):
    help = (
        "Load the demo: Bayingolin prefecture, Hejing county with 68 enterprises and the garment company "
        "of the source article, with demo logins. Running it again changes nothing."
    )

    def handle(self, *args, **options) -> None:
        if org_selectors.org_with_code(PREFECTURE_CODE) is not None:
            if not access_selectors.user_exists("heyanping"):
                raise CommandError(
                    _(
                        "A prefecture committee with code %(code)s already exists but it is not the demo's. "
                        "Load the demo into an empty database."
                    )
                    % {"code": PREFECTURE_CODE}
                )
            self.stdout.write(_("The demo is already loaded; nothing was changed."))
            self.print_logins()
            return
        taken = [name for name in access_selectors.taken_usernames(DEMO_USERNAMES) if name != "admin"]
        if taken:
            raise CommandError(
                _("These usernames are already taken, so the demo cannot be loaded: %(names)s.")
                % {"names": ", ".join(taken)}
            )
        had_admin = access_selectors.user_exists("admin")

        started = time.monotonic()
        with audit_source("command"), transaction.atomic():
            DemoBuilder(today=timezone.localdate()).build()
        elapsed = time.monotonic() - started
        summary = summarize()

        self.stdout.write(self.style.SUCCESS(_("Demo loaded in %(seconds).1f seconds.") % {"seconds": elapsed}))
        rows = (
            (_("Party organisations"), summary.organisations),
            (_("Enterprises"), summary.enterprises),
            (_("Enterprises in Hejing county"), summary.hejing_enterprises),
            (_("Hejing enterprises covered by a party organisation"), summary.hejing_covered),
            (_("Persons"), summary.persons),
            (_("Party members"), summary.members),
            (_("Applicants for membership"), summary.applicants),
            (_("Users"), summary.users),
            (_("Audit events"), summary.audit_events),
        )
        width = max(_width(label) for label, _value in rows)
        for label, value in rows:
            self.stdout.write(f"  {_pad(label, width)}  {value}")
        self.stdout.write(
            _(
                "The garment company has %(employees)d employees; its party branch, founded on %(founded)s, "
                "has %(members)d members."
            )
            % {
                "employees": summary.garment_employees,
                "founded": summary.branch_founded_on.isoformat() if summary.branch_founded_on else "-",
                "members": summary.garment_members,
            }
        )
        if had_admin:
            self.stdout.write(_("A user named “admin” already existed: it was left as it was."))
        self.print_logins(admin_untouched=had_admin)

    def print_logins(self, admin_untouched: bool = False) -> None:
        self.stdout.write("")
        self.stdout.write(_("Demo logins:"))
        header = ("Role", "Username", "Password", "Who")
        rows = [
            (
                login.role,
                login.username,
                "(unchanged)" if admin_untouched and login.username == "admin" else DEMO_PASSWORD,
                login.who,
            )
            for login in LOGINS
        ]
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(3)]
        for row in [header, tuple("-" * w for w in widths) + ("-" * 3,), *rows]:
            self.stdout.write("  " + "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
