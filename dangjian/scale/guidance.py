"""County guidance at scale: the yearly appraisal list of the largest county (the one with the most
enterprises, so the most instructors) — its selector, with its time and queries, and the page as
served. It has no floor: what the page computes (each instructor's figures for the year, the
opinions, the grades) is five grouped queries, the same shape as the instructors' table.

The year is the current one: the generated instructors are assigned on the day the dataset was
written, so they are all on this year's list.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.guidance import selectors

from .bench import Figure, Server, Settings, World, measured, session_headers


def run_on(world: World, s: Settings, http: bool = True) -> Iterator[Figure]:
    county = world.county.org
    year = timezone.localdate().year
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.appraisal_rows(county, year)
    n = len(queries.captured_queries)
    fig = measured(
        "guidance.appraisal_rows",
        lambda _i: selectors.appraisal_rows(county, year),
        s,
        note=f"{n} queries; {len(rows)} instructors",
    )
    fig.detail = {"queries": n, "instructors": len(rows)}
    yield fig
    if not http:
        return
    headers = session_headers(world.county.user)
    with Server(s.workers) as server:
        times, peak, size = server.get(f"{reverse('guidance:appraisals')}?org={county.pk}&year={year}", headers, s)
    yield Figure.of("page.guidance.appraisals", times, peak_rss_mb=peak, note=f"{size:,} bytes")
