"""The county set-up page at scale (issue 21): its five steps' states and the rosters step's lists,
for the largest county and (at prefecture scale) the prefecture, against the floor of the same
counts read by hand-written SQL; and the whole page as its organisation department gets it, with
its query count."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.onboarding import selectors
from dangjian.organizations.models import Organization

from .bench import Figure, Server, Settings, World, measured, session_headers
from .guidance import queries_of


def counts_sql(org: Organization) -> tuple[Any, ...]:
    """What the steps count, by hand: the organisations below by kind, the enterprises
    supervised, the people (members of the subtree and employees of its enterprises), the role
    holders and those without a password; one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH sub AS (SELECT id, kind FROM organizations_organization WHERE path LIKE %s),
            ents AS (
                SELECT id FROM organizations_enterprise
                 WHERE supervising_org_id IN (SELECT id FROM sub) OR party_org_id IN (SELECT id FROM sub)
            ),
            holders AS (
                SELECT DISTINCT r.user_id FROM access_roleassignment r
                  LEFT JOIN organizations_enterprise e ON e.id = r.enterprise_id
                 WHERE (r.organization_id IN (SELECT id FROM sub) OR e.supervising_org_id IN (SELECT id FROM sub))
                   AND NOT (r.role = 'org_department' AND r.organization_id = %s)
            )
            SELECT (SELECT COUNT(*) FROM sub WHERE id <> %s),
                   (SELECT COUNT(*) FROM organizations_enterprise
                     WHERE supervising_org_id IN (SELECT id FROM sub)),
                   (SELECT COUNT(*) FROM people_person
                     WHERE party_org_id IN (SELECT id FROM sub) OR employer_id IN (SELECT id FROM ents)),
                   (SELECT COUNT(*) FROM holders),
                   (SELECT COUNT(*) FROM access_user u JOIN holders h ON h.user_id = u.id
                     WHERE u.password LIKE '!%%')
            """,
            [org.path + "%", org.pk, org.pk],
        )
        return tuple(cursor.fetchone())


def run_on(world: World, s: Settings, http: bool = True) -> Iterator[Figure]:
    """The steps against their floor and the rosters lists, for the county and the prefecture;
    with `http`, the page as served."""
    places = [("county", world.county)]
    if world.prefecture is not None:
        places.append(("prefecture", world.prefecture))
    for label, place in places:
        org = place.org

        def floor_sql(_i: int, o: Organization = org) -> Any:
            return counts_sql(o)

        def steps(_i: int, o: Organization = org) -> Any:
            return selectors.steps(o)

        def roster_rows(_i: int, o: Organization = org) -> Any:
            return selectors.roster_rows(o)

        floor = measured(f"sql.onboarding.steps.{label}", floor_sql, s)
        yield floor
        with CaptureQueriesContext(connection) as queries:
            selectors.steps(org)
        fig = measured(f"onboarding.steps.{label}", steps, s)
        fig.floor, fig.ratio = floor.scenario, fig.median_ms / floor.median_ms if floor.median_ms else None
        fig.note = f"{len(queries.captured_queries)} queries"
        fig.detail = {"queries": len(queries.captured_queries)}
        yield fig
        rows = measured(f"onboarding.roster_rows.{label}", roster_rows, s)
        ents, units, n_ents, n_units = selectors.roster_rows(org)
        rows.note = f"{len(ents)} of {n_ents:,} enterprises, {len(units)} of {n_units:,} organisations listed"
        yield rows
    if not http:
        return
    # The page as served (gunicorn, DEBUG off) to each place's organisation department, with the
    # queries it makes (counted in this process).
    pages = [(label, place.user, reverse("onboarding:county", args=[place.org.pk])) for label, place in places]
    counted = [(label, user, path, queries_of(user, path)) for label, user, path in pages]
    with Server(s.workers) as server:
        for label, user, path, n in counted:
            times, peak, size = server.get(path, session_headers(user), s)
            fig = Figure.of(f"onboarding.page.{label}", times, peak_rss_mb=peak, note=f"{n} queries; {size:,} bytes")
            fig.detail = {"queries": n, "bytes": size}
            yield fig
