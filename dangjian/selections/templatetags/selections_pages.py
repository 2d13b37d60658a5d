"""Selections' part of pages that other apps own, and a helper of its own pages.

The person page shows the honours a person won; the branch's and the enterprise's pages show
their rounds. people and organizations sit below selections and do not import it: their
templates load this library, as the person page asks development for the political birthday."""

from __future__ import annotations

from typing import Any

from django import template

from dangjian.access.scopes import VIEW, scope

from .. import selectors
from ..models import Round

register = template.Library()

# Rounds a branch's or an enterprise's page lists; the list of rounds has the rest.
PANEL_ROUNDS = 5


@register.inclusion_tag("selections/_honours.html", takes_context=True)
def honours(context: template.Context, person: Any) -> dict[str, Any]:
    """The titles the person won in announced rounds, each linked where the reader reads the round."""
    won = selectors.honours_of(person.pk)
    readable: set[int] = set()
    if won:
        rounds = Round.objects.filter(pk__in={h.round_id for h in won})
        readable = set(scope(context["user"], rounds, VIEW).values_list("pk", flat=True))
    return {"honours": won, "readable": readable}


def _panel(context: template.Context, rounds: Any, query: str) -> dict[str, Any]:
    shown = list(selectors.rounds(scope(context["user"], rounds, VIEW))[: PANEL_ROUNDS + 1])
    return {"rounds": shown[:PANEL_ROUNDS], "more": len(shown) > PANEL_ROUNDS, "query": query}


@register.inclusion_tag("selections/_rounds_panel.html", takes_context=True)
def enterprise_rounds(context: template.Context, enterprise: Any) -> dict[str, Any]:
    """The enterprise's rounds the reader may read, newest first."""
    return _panel(context, Round.objects.filter(enterprise_id=enterprise.pk), f"enterprise={enterprise.pk}")


@register.inclusion_tag("selections/_rounds_panel.html", takes_context=True)
def organization_rounds(context: template.Context, org: Any) -> dict[str, Any]:
    """The rounds organised by the organisation or those under it that the reader may read."""
    return _panel(context, Round.objects.filter(organization__path__startswith=org.path), f"org={org.pk}")
