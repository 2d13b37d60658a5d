"""The committees' roll-ups at scale (issue 17): the prefecture's (and the county's) roll-up as
guidance.rollups counts it, against hand-written SQL of the same figures; the page and the large
screen's refresh as served (from the cache) over HTTP.

The floor is two statements: production's own (`production.rollup_sql`: teams, covered, posts)
and one more that groups, per county (or per child of a county), the enterprises by ownership and
coverage, the persons by political status, the open candidacies by stage, the instructors'
assignments, this year's visits and the open and overdue follow-ups, and the quorate meetings
held this year per kind. The meetings part is the *input* of the compliance calendars, not the
calendars themselves (their rules — the periods, the party groups, the secretary's lecture —
are Python in both, so the floor is lower than anything that applies them), and the instructors'
"behind" needs each assignment's periods, which the floor does not compute either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.development.models import LIVE_STAGES
from dangjian.guidance import rollups
from dangjian.organizations.models import Organization

from .bench import Figure, Server, Settings, World, measured, session_headers
from .production import AS_OF, rollup_sql


def floor_sql(org: Organization, today: dt.date = AS_OF) -> dict[str, Any]:
    """The roll-up's countable figures per row by hand-written SQL, with production's floor
    beside them: {"rows": {row: {figure: n}}, "production": …}; a row is a child's id, minus an
    enterprise's id for an enterprise of the root's own, 0 for what only the total counts."""
    stages = ", ".join(f"'{s}'" for s in LIVE_STAGES)
    sql = f"""
        WITH kids AS (SELECT id, path FROM organizations_organization WHERE parent_id = %s),
        orgc AS (
            SELECT o.id, COALESCE((SELECT k.id FROM kids k WHERE o.path LIKE k.path || '%%'), 0) AS g
              FROM organizations_organization o WHERE o.path LIKE %s
        ),
        ents AS (
            SELECT e.id, e.ownership, e.party_org_id,
                   CASE WHEN s.g > 0 THEN s.g WHEN p.g > 0 THEN p.g ELSE -e.id END AS g
              FROM organizations_enterprise e
              LEFT JOIN orgc s ON s.id = e.supervising_org_id
              LEFT JOIN orgc p ON p.id = e.party_org_id
             WHERE s.id IS NOT NULL OR p.id IS NOT NULL
        )
        SELECT g, 'ent', ownership, CASE WHEN party_org_id IS NULL THEN 0 ELSE 1 END, COUNT(*)
          FROM ents GROUP BY 1, 2, 3, 4
        UNION ALL
        SELECT orgc.g, 'person', p.political_status, 0, COUNT(*)
          FROM people_person p JOIN orgc ON orgc.id = p.party_org_id GROUP BY 1, 2, 3, 4
        UNION ALL
        SELECT orgc.g, 'stage', c.stage, 0, COUNT(*)
          FROM development_candidacy c JOIN orgc ON orgc.id = c.organization_id
         WHERE c.stage IN ({stages}) GROUP BY 1, 2, 3, 4
        UNION ALL
        SELECT orgc.g, 'meeting', m.kind, 0, COUNT(*)
          FROM branchlife_meeting m JOIN orgc ON orgc.id = m.organization_id
         WHERE m.status = 'held' AND m.quorate AND m.held_on BETWEEN %s AND %s GROUP BY 1, 2, 3, 4
        UNION ALL
        SELECT ents.g, 'assignment', '', 0, COUNT(*)
          FROM access_roleassignment ra JOIN ents ON ents.id = ra.enterprise_id
         WHERE ra.role = 'instructor' GROUP BY 1, 2, 3, 4
        UNION ALL
        SELECT ents.g, 'visit', '', 0, COUNT(*)
          FROM guidance_visit v JOIN ents ON ents.id = v.enterprise_id
         WHERE v.visited_on BETWEEN %s AND %s GROUP BY 1, 2, 3, 4
        UNION ALL
        SELECT ents.g, 'follow_up', '', CASE WHEN f.due_on < %s THEN 1 ELSE 0 END, COUNT(*)
          FROM guidance_followup f JOIN ents ON ents.id = f.enterprise_id
         WHERE f.status = 'open' GROUP BY 1, 2, 3, 4
    """
    year_start = dt.date(today.year, 1, 1)
    params: list[Any] = [org.pk, org.path + "%", year_start, today, year_start, today, today]
    rows: dict[Any, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for g, part, key, flag, n in cursor.fetchall():
            rows.setdefault(g, {}).setdefault(f"{part}:{key}:{flag}", 0)
            rows[g][f"{part}:{key}:{flag}"] += int(n)
    return {"rows": rows, "production": rollup_sql(org, today)}


def _total(floor: dict[str, Any], prefix: str) -> int:
    return sum(n for row in floor["rows"].values() for k, n in row.items() if k.startswith(prefix))


def agreement(org: Organization, today: dt.date = AS_OF) -> dict[str, tuple[int, int]]:
    """The figures both count, as (ours, the floor's) totals: they must agree."""
    ours = rollups.rollup(org, today).total
    floor = floor_sql(org, today)
    covered = sum(n for row in floor["rows"].values() for k, n in row.items() if k.startswith("ent:") and k[-1] == "1")
    members = _total(floor, "person:full:") + _total(floor, "person:probationary:")
    return {
        "enterprises": (ours.enterprises, _total(floor, "ent:")),
        "covered": (ours.covered, covered),
        "members": (ours.members, members),
        "pipeline": (ours.pipeline, _total(floor, "stage:")),
        "assignments": (ours.assignments, _total(floor, "assignment:")),
        "visits": (ours.visits, _total(floor, "visit:")),
    }


def run_on(world: World, s: Settings, http: bool = True) -> Iterator[Figure]:
    """The roll-up counted (in process) against its floor, at the county and the prefecture; the
    page and the large screen's refresh as served by gunicorn, the second and later requests
    answered from the cache."""
    places = [("county", world.county)]
    if world.prefecture is not None:
        places.append(("prefecture", world.prefecture))
    for label, place in places:
        org = place.org

        def floor(_i: int, o: Organization = org) -> Any:
            return floor_sql(o)

        def ours(_i: int, o: Organization = org) -> Any:
            return rollups.rollup(o, AS_OF)

        f = measured(f"sql.rollup.{label}", floor, s)
        yield f
        with CaptureQueriesContext(connection) as queries:
            r = rollups.rollup(org, AS_OF)
        fig = measured(f"rollup.{label}", ours, s)
        fig.floor, fig.ratio = f.scenario, fig.median_ms / f.median_ms if f.median_ms else None
        agree = agreement(org)
        fig.note = (
            f"{len(queries.captured_queries)} queries, {len(r.rows)} rows; "
            f"{r.total.enterprises} enterprises, {r.total.members} members, {r.total.branches} branches; "
            + ("agrees with the floor" if all(a == b for a, b in agree.values()) else f"DISAGREES: {agree}")
        )
        fig.detail = {"queries": len(queries.captured_queries), "rows": len(r.rows), "agreement": agree}
        yield fig
        if not http:
            continue
        headers = session_headers(place.user)
        with Server(s.workers) as server:
            for name, url in (
                (f"page.rollup.{label}", reverse("guidance:rollup")),
                (f"page.screen_refresh.{label}", reverse("guidance:screen_figures")),
            ):
                times, peak, size = server.get(f"{url}?org={org.pk}", headers, s)
                yield Figure.of(name, times, peak_rss_mb=peak, note=f"{size:,} bytes; from the cache after the first")
