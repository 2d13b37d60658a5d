from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static

from dangjian.ids import parse_id

from . import lookups


@login_required
def ping(request):
    """204 for a signed-in user (a redirect to the login page otherwise): lets a monitor or a
    long-open page check that the session is alive, and is the cheapest authenticated answer
    the stack gives, the floor page benchmarks are measured against (docs/benchmarks.md)."""
    return HttpResponse(status=204)


@login_required
def lookup(request):
    """The first matches of a searchable choice list (ui.lookups), as <option>s for its select."""
    source = lookups.SOURCES.get(request.GET.get("source", ""))
    if source is None:
        raise Http404
    found = list(
        source.labelled(source.find(request.user, request.GET.get("search", "")))[: lookups.SEARCH_RESULTS + 1]
    )
    label = source.label_of
    # The choice already made stays, first and selected: a search that is not followed by a pick
    # must not change the form's value.
    current = parse_id(request.GET.get(request.GET.get("field", ""), ""))
    chosen = source.labelled(source.choices(request.user)).filter(pk=current).first() if current else None
    return render(
        request,
        "ui/_lookup_options.html",
        {
            "chosen": (chosen.pk, label(chosen)) if chosen else None,
            "options": [(obj.pk, label(obj)) for obj in found[: lookups.SEARCH_RESULTS] if obj != chosen],
            "more": len(found) > lookups.SEARCH_RESULTS,
            "shown": lookups.SEARCH_RESULTS,
            "empty": request.GET.get("empty", "")[:100],
        },
    )


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the Django admin's): send them to
    ours rather than log a 404 for every admin page."""
    return HttpResponseRedirect(static("ui/favicon.svg"))
