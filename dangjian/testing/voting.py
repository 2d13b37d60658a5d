"""Voting through the pages in tests: the form fields of a ballot that picks nominees by
category, and a whole vote (the ballot, reading it back, casting) that returns the receipt code
the voter was shown."""

from __future__ import annotations

import re

from django.urls import reverse

from dangjian.ballots import selectors as ballot_selectors
from dangjian.selections.models import Nomination, Round

RECEIPT = re.compile(r"data-receipt>\s*([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\s*<")


def ballot_fields(r: Round, picks: dict[str, Nomination | None]) -> dict[str, str]:
    """The ballot's fields choosing, per category (by its built-in name), a nomination or
    "no choice"; categories not named are "no choice" too."""
    assert r.poll is not None
    fields = {}
    for q in ballot_selectors.questions(r.poll):
        category = r.categories.get(pk=int(q.ref))
        nomination = picks.get(category.builtin)
        option = next((o for o in q.options.all() if nomination is not None and o.ref == str(nomination.pk)), None)
        fields[f"q{q.pk}"] = str(option.pk) if option is not None else "none"
    return fields


def vote(client, r: Round, picks: dict[str, Nomination | None], *, url: str | None = None, **extra: str) -> str:
    """Vote through the ballot's steps (at `url`, the signed-in voter's ballot by default) and
    return the receipt code shown."""
    url = url or reverse("selections:ballot", args=[r.pk])
    fields = {**ballot_fields(r, picks), **extra}
    review = client.post(url, {**fields, "step": "review"})
    assert review.status_code == 200, review.content.decode()[:2000]
    assert "data-ballot-review" in review.content.decode()
    cast = client.post(url, {**fields, "step": "cast"})
    assert cast.status_code == 200, cast.content.decode()[:2000]
    found = RECEIPT.search(cast.content.decode())
    assert found, cast.content.decode()[:2000]
    return found.group(1)
