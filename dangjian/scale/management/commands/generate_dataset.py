"""manage.py generate_dataset --scale county|prefecture|province [--seed N] [--password P]

Writes a generated party tree, enterprises, employees, members and role holders, and their
production work (teams in charge, pairings, posts, courses), their instructors' declarations,
visits and follow-ups, pacesetter rounds with their rolls and ballots, and two years of every
team's monthly production figures, into the configured database, for benchmarks and load tests. Use a database of its own (make bench does):
the rows are synthetic. The same scale and seed give the same data.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dangjian.audit.context import audit_source
from dangjian.scale import dataset


class Command(BaseCommand):
    help = "Generate a county-, prefecture- or province-sized dataset with bulk writes."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(dataset.SCALES), default="county")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing (and succeed) when the dataset is already there."
        )
        parser.add_argument(
            "--password",
            help="Give every generated user this password (hashed once). Without it they cannot log in by password.",
        )

    def handle(self, *args, scale: str, seed: int, password: str | None, if_missing: bool, **opts):
        s = dataset.SCALES[scale]
        if if_missing and dataset.Generator(s, seed).is_complete():
            self.stdout.write(f"The {scale} dataset is already in this database.")
            return
        self.stdout.write(
            f"Generating the {scale} dataset (seed {seed}): {s.enterprises:,} enterprises, {s.persons:,} persons "
            f"in {s.counties} counties"
        )
        try:
            with audit_source("command"):
                result = dataset.generate(scale, seed, password=password, progress=self.stdout.write)
        except dataset.AlreadyGenerated as exc:
            raise CommandError(str(exc)) from exc
        c = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {result.seconds:.1f} s ({c.persons / result.seconds:,.0f} persons/s): "
                f"{c.organizations:,} organisations, {c.enterprises:,} enterprises, {c.units:,} workshops and teams, "
                f"{c.persons:,} persons ({c.members:,} members, {c.candidacies:,} on the way in), "
                f"{c.users:,} users with {c.roles:,} roles; in production {c.charges:,} teams in charge, "
                f"{c.pairings:,} pairings, {c.posts:,} posts, {c.courses:,} courses with {c.trainees:,} trainees; "
                f"in guidance {c.declarations:,} declarations, {c.visits:,} visits, {c.follow_ups:,} follow-ups "
                f"({c.open_follow_ups:,} open), {c.rating_candidates:,} branches in the 三好 rounds "
                f"({c.rated:,} awarded), written in {result.guidance_seconds:.1f} s; "
                f"{c.selection_rounds:,} pacesetter rounds ({c.open_votes:,} in their vote) with "
                f"{c.nominations:,} nominations and {c.ballots:,} ballots, and last year's democratic appraisal in "
                f"{c.appraisals:,} branches with {c.appraisal_ballots:,} rating ballots, written in "
                f"{result.selections_seconds:.1f} s; "
                f"{c.indicator_values:,} monthly indicator figures, simulated and written in "
                f"{result.indicators_seconds:.1f} s; {c.dues_charges:,} monthly dues charges and "
                f"{c.dues_payments:,} payments, written in {result.dues_seconds:.1f} s."
            )
        )
        for role, username in result.logins.items():
            self.stdout.write(f"  {role}: {username}")
