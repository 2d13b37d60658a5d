"""Where the vote's pages and the to-do list send someone to read a round or a nomination."""

from __future__ import annotations

from django.urls import reverse


def round_url(round_id: int) -> str:
    return reverse("selections:round", args=[round_id])


def nomination_url(round_id: int, nomination_id: int) -> str:
    """A nomination's page: its reason and evidence."""
    return reverse("selections:nomination", args=[round_id, nomination_id])
