"""Party building in production at scale: the committees' coverage roll-up against hand-written SQL
computing the same figures, and a branch's production page (its selector, and the page over HTTP
once the app serves it).

The roll-up is read as of the generated data's last day (the dataset's dates are fixed, so "this
year's trainees" are the dataset's last year's); the floor counts the same things with the same
rules in one statement: a team is covered when a charge spans the day and, for a charge still
open, its member is still a member of the keeping organisation (or below) and an employee of the
team's enterprise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from dangjian.choices import PARTY_MEMBER_STATUSES
from dangjian.organizations.models import Organization, OrgKind
from dangjian.production import selectors
from dangjian.production.models import PASSING, PostStatus, TeamCharge

from . import dataset
from .bench import Figure, Server, Settings, World, measured, session_headers

AS_OF = dataset.AS_OF - dt.timedelta(days=1)
FIGURES = ("teams", "covered", "pairings", "posts", "recognised", "trained")


def rollup_sql(org: Organization, today: dt.date = AS_OF) -> dict[int | None, tuple[int, ...]]:
    """The roll-up's figures in one hand-written statement: per enterprise for a county, per county
    for a prefecture (None: an enterprise under no county of it), as (teams, covered, pairings,
    posts, recognised, trained)."""
    members = ", ".join(f"'{s}'" for s in PARTY_MEMBER_STATUSES)
    passing = ", ".join(f"'{s}'" for s in PASSING)
    params: list[Any] = [org.path + "%"]
    if org.kind == OrgKind.PREFECTURE_COMMITTEE:
        group = """(SELECT c.id FROM organizations_organization c
                     JOIN organizations_organization so ON so.id = e.supervising_org_id
                    WHERE c.parent_id = %s AND so.path LIKE c.path || '%%')"""
        params.append(org.pk)
    else:
        group = "e.id"
    year = (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
    sql = f"""
        WITH sub AS (SELECT id FROM organizations_organization WHERE path LIKE %s),
        ents AS (
            SELECT e.id, {group} AS g FROM organizations_enterprise e
             WHERE e.supervising_org_id IN (SELECT id FROM sub) OR e.party_org_id IN (SELECT id FROM sub)
        )
        SELECT ents.g, 0, COUNT(*), SUM(CASE WHEN EXISTS (
                   SELECT 1 FROM production_teamcharge c
                     JOIN people_person m ON m.id = c.member_id
                     JOIN organizations_organization o ON o.id = c.organization_id
                     LEFT JOIN organizations_organization mo ON mo.id = m.party_org_id
                    WHERE c.team_id = u.id AND c.started_on <= %s
                      AND (c.ended_on >= %s OR (c.ended_on IS NULL AND m.political_status IN ({members})
                           AND m.employer_id = c.enterprise_id AND mo.path LIKE o.path || '%%'))
               ) THEN 1 ELSE 0 END)
          FROM organizations_productionunit u JOIN ents ON ents.id = u.enterprise_id
         WHERE u.kind = 'team' GROUP BY ents.g
        UNION ALL
        SELECT ents.g, 1, COUNT(*), 0 FROM production_pairing p JOIN ents ON ents.id = p.enterprise_id
         WHERE p.ended_on IS NULL GROUP BY ents.g
        UNION ALL
        SELECT ents.g, 2, COUNT(*), SUM(CASE WHEN p.status = '{PostStatus.RECOGNISED}' THEN 1 ELSE 0 END)
          FROM production_post p JOIN ents ON ents.id = p.enterprise_id
         WHERE p.status <> '{PostStatus.ENDED}' GROUP BY ents.g
        UNION ALL
        SELECT ents.g, 3, COUNT(*), 0 FROM production_trainee t
          JOIN production_course c ON c.id = t.course_id JOIN ents ON ents.id = c.enterprise_id
         WHERE t.result IN ({passing}) AND t.assessed_on BETWEEN %s AND %s GROUP BY ents.g
        UNION ALL
        SELECT ents.g, 4, 0, 0 FROM ents
    """
    params += [today, today, *year]
    out: dict[int | None, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for g, part, a, b in cursor.fetchall():
            row = out.setdefault(g, [0] * 6)
            if part == 0:
                row[0], row[1] = int(a), int(b or 0)
            elif part == 1:
                row[2] = int(a)
            elif part == 2:
                row[3], row[4] = int(a), int(b or 0)
            elif part == 3:
                row[5] = int(a)
    return {g: tuple(v) for g, v in out.items()}


def rollup_figures(org: Organization, today: dt.date = AS_OF) -> dict[Any, tuple[int, ...]]:
    """The selector's roll-up in the floor's shape: per enterprise (a county) or per county (a
    prefecture), and the total under the key "total"."""
    rows, total = selectors.rollup(org, today)
    out: dict[Any, tuple[int, ...]] = {}
    for r in rows:
        key = r.enterprise_id if r.enterprise_id is not None else (r.org.pk if r.org is not None else None)
        out[key] = tuple(getattr(r, f) for f in FIGURES)
    out["total"] = tuple(getattr(total, f) for f in FIGURES)
    return out


def with_total(floor: dict[Any, tuple[int, ...]]) -> dict[Any, tuple[int, ...]]:
    """The floor's rows with their total (an enterprise under no county counts only in it)."""
    total = tuple(sum(row[i] for row in floor.values()) for i in range(len(FIGURES)))
    return {**{k: v for k, v in floor.items() if k is not None}, "total": total}


def nonzero(rows: dict[Any, tuple[int, ...]]) -> dict[Any, tuple[int, ...]]:
    """The rows with any figure (a county without enterprises is a row of the roll-up only)."""
    return {k: v for k, v in rows.items() if any(v)}


def busiest_branch(world: World) -> Organization | None:
    """The organisation keeping the most teams in charge in the county: the heaviest branch page."""
    row = (
        TeamCharge.objects.filter(organization__path__startswith=world.county.org.path)
        .values("organization_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "organization_id")
        .first()
    )
    return Organization.objects.get(pk=row["organization_id"]) if row else None


def page_url() -> str | None:
    try:
        return reverse("production:page")
    except NoReverseMatch:
        return None


def run_on(world: World, s: Settings, http: bool = True) -> Iterator[Figure]:
    """The roll-ups against their floor, the branch page's selector (its time and queries) and,
    with `http` and once the app serves it, the page as served."""
    places = [("county", world.county)]
    if world.prefecture is not None:
        places.append(("prefecture", world.prefecture))
    for label, place in places:
        org = place.org

        def floor_sql(_i: int, o: Organization = org) -> Any:
            return rollup_sql(o)

        def our_rollup(_i: int, o: Organization = org) -> Any:
            return selectors.rollup(o, AS_OF)

        floor = measured(f"sql.production.rollup.{label}", floor_sql, s)
        yield floor
        ours = measured(f"production.rollup.{label}", our_rollup, s)
        ours.floor, ours.ratio = floor.scenario, ours.median_ms / floor.median_ms if floor.median_ms else None
        total = rollup_figures(org)["total"]
        ours.note = "teams {} covered {} pairings {} posts {} recognised {} trained {}".format(*total)
        ours.detail = dict(zip(FIGURES, total, strict=True))
        yield ours
    branch = busiest_branch(world)
    if branch is None:
        return
    user = world.county.user
    with CaptureQueriesContext(connection) as queries:
        view = selectors.branch_view(user, branch, AS_OF)
    note = (
        f"{len(queries.captured_queries)} queries; {view.coverage.total} teams, {len(view.pairings)} pairings, "
        f"{len(view.posts)} posts, {len(view.courses)} courses"
    )
    fig = measured("production.branch_view", lambda _i: selectors.branch_view(user, branch, AS_OF), s, note=note)
    fig.detail = {"queries": len(queries.captured_queries), "teams": view.coverage.total}
    yield fig
    url = page_url()
    if not http:
        return
    if url is None:
        yield Figure("page.production", 0, 0.0, 0.0, note="not measured: the app serves no page yet", detail={})
        return
    headers = session_headers(user)
    with Server(s.workers) as server:
        times, peak, size = server.get(f"{url}?org={branch.pk}", headers, s)
    yield Figure.of("page.production", times, peak_rss_mb=peak, note=f"{size:,} bytes")
