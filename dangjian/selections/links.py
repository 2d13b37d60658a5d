"""Where the vote's pages and the to-do list send someone to read a round or a nomination.

The round's page and a nomination's page (`selections:round`, `selections:nomination`) are the
rounds' pages (urls_rounds); the vote's pages link to them where they are mounted, and otherwise
to the round's count, which every reader of the round may open."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def round_url(round_id: int) -> str:
    try:
        return reverse("selections:round", args=[round_id])
    except NoReverseMatch:
        return reverse("selections:count", args=[round_id])


def nomination_url(round_id: int, nomination_id: int) -> str | None:
    """A nomination's page (its reason and evidence), or None where there is none to link to."""
    try:
        return reverse("selections:nomination", args=[round_id, nomination_id])
    except NoReverseMatch:
        return None
