"""manage.py recount_round <round id>: count a round's vote again from its stored ballots and
compare with the count kept when it was counted (the same check as the count page's button).
Exits non-zero when they differ, or when there is no count to compare with."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots.models import PollState
from dangjian.selections import tallies
from dangjian.selections.models import Round


class Command(BaseCommand):
    help = (
        "Count a pacesetter round's vote again from its stored ballots and compare it with the count kept: "
        "turnout, votes per nominee, and the fingerprint of the ballots. Exits 1 if they differ."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("round_id", type=int, help="the round's id (its page's address: /selections/<id>/)")

    def handle(self, *args: Any, **options: Any) -> None:
        r = Round.objects.select_related("enterprise", "poll").filter(pk=options["round_id"]).first()
        if r is None:
            raise CommandError(f"No round has id {options['round_id']}.")
        poll = r.poll
        if poll is None or poll.state != PollState.COUNTED:
            raise CommandError(f"Round {r.pk} ({r.title}) is not counted yet: there is no count to compare with.")
        same, stored, again = ballot_selectors.recount_agrees(poll)
        self.stdout.write(f"Round {r.pk}: {r.title} ({r.enterprise.display_name})")
        for label, tally in (("Kept at the count", stored), ("Counted again", again)):
            self.stdout.write(
                f"{label}: {tally.roll} on the roll, {tally.turnout} voted, {tally.ballots} ballots; "
                f"fingerprint {tally.digest}"
            )
            for c in tallies.category_counts(r, poll, tally):
                votes = ", ".join(
                    f"{line.label} {line.votes}" + (" (tied for the last place)" if line.tied else "")
                    for line in c.lines
                )
                self.stdout.write(f"  {c.label} ({c.quota} places): {votes}; no choice {c.blank}")
        if not same:
            raise CommandError(
                "The count from the stored ballots DIFFERS from the count kept: the ballots have changed since."
            )
        self.stdout.write(self.style.SUCCESS("The count from the stored ballots matches the count kept."))
