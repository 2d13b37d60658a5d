"""County guidance at scale: the committees' table of their instructors (who is behind with
visits, what is open or overdue) against hand-written SQL computing the same rows, the
organisation departments' to-do, and the pages as served: a committee's guidance page, the
visits of an enterprise, an instructor's own page and the dashboard that carries the to-do.

The selectors are read as of the generated data's last day (`dataset.GUIDANCE_DAY`; the dataset's
dates are fixed). Pages served over HTTP read the real day, as every page does: past the
dataset's year every instructor counts as behind and every open follow-up as overdue, which
changes what the table says but not what it reads (every assignment's visits and open follow-ups
either way). Query counts are those of one request made in this process after a first one (the
dashboard's kept figures warm, as the served requests find them).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from dangjian.access.models import Role, RoleAssignment, User
from dangjian.calendar import QUARTER, periods_in
from dangjian.guidance import selectors
from dangjian.guidance.models import FollowUp, RatingRound, Visit
from dangjian.guidance.ratings import selectors as ratings
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import enterprises_under

from . import dataset
from .bench import Figure, Server, Settings, World, measured, session_headers

AS_OF = dataset.GUIDANCE_DAY


@dataclass(frozen=True)
class Row:
    """What the committee's table shows of one instructor assignment."""

    declared: bool
    visits: int  # this year's, up to the day
    last_visit: dt.date | None
    open: int  # the enterprise's open follow-ups
    overdue: int
    behind: bool  # an ended quarter of this year, wholly after the assignment began, without a visit


def _date(value: Any) -> dt.date | None:
    """A date column of a raw row (SQLite gives text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def instructors_sql(org: Organization, today: dt.date = AS_OF) -> dict[int, Row]:
    """The committee's table in one hand-written statement, per assignment (its id): the floor
    of `selectors.instructors_of`. It knows the default frequency only (once a quarter: no
    committee of the generated data sets another)."""
    quarters = periods_in(today.year, QUARTER)
    year_start = quarters[0].first_day
    per_quarter = ", ".join(
        f"SUM(CASE WHEN v.visited_on BETWEEN %s AND %s AND v.visited_on >= r.started_on THEN 1 ELSE 0 END) AS q{i}"
        for i in range(len(quarters))
    )
    sql = f"""
        WITH sub AS (SELECT id FROM organizations_organization WHERE path LIKE %s),
        ents AS (
            SELECT id FROM organizations_enterprise
             WHERE supervising_org_id IN (SELECT id FROM sub) OR party_org_id IN (SELECT id FROM sub)
        ),
        ras AS (
            SELECT r.id, r.user_id, r.enterprise_id, r.started_on FROM access_roleassignment r
             WHERE r.role = %s AND r.enterprise_id IN (SELECT id FROM ents)
        ),
        vis AS (
            SELECT r.id AS rid, MAX(v.visited_on) AS last_on,
                   SUM(CASE WHEN v.visited_on >= %s THEN 1 ELSE 0 END) AS n, {per_quarter}
              FROM ras r JOIN guidance_visit v ON v.instructor_id = r.user_id AND v.enterprise_id = r.enterprise_id
             WHERE v.visited_on <= %s
             GROUP BY r.id
        ),
        fu AS (
            SELECT enterprise_id, COUNT(*) AS open, SUM(CASE WHEN due_on < %s THEN 1 ELSE 0 END) AS overdue
              FROM guidance_followup WHERE status = %s AND enterprise_id IN (SELECT id FROM ents)
             GROUP BY enterprise_id
        )
        SELECT ras.id, ras.started_on, EXISTS (SELECT 1 FROM guidance_declaration d WHERE d.assignment_id = ras.id),
               vis.last_on, vis.n, fu.open, fu.overdue, {", ".join(f"vis.q{i}" for i in range(len(quarters)))}
          FROM ras LEFT JOIN vis ON vis.rid = ras.id LEFT JOIN fu ON fu.enterprise_id = ras.enterprise_id
    """
    params: list[Any] = [org.path + "%", Role.INSTRUCTOR, year_start]
    for q in quarters:
        params += [q.first_day, q.last_day]
    params += [today, today, FollowUp.Status.OPEN]
    out: dict[int, Row] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pk, started, declared, last_on, n, n_open, n_overdue, *counts in cursor.fetchall():
            started_on = _date(started)
            assert started_on is not None
            behind = any(
                not (c or 0) and q.first_day >= started_on and q.last_day < today
                for q, c in zip(quarters, counts, strict=True)
            )
            out[pk] = Row(bool(declared), int(n or 0), _date(last_on), int(n_open or 0), int(n_overdue or 0), behind)
    return out


def instructors_figures(org: Organization, today: dt.date = AS_OF) -> dict[int, Row]:
    """The selector's table in the floor's shape."""
    return {
        r.assignment.pk: Row(r.declaration is not None, r.visits, r.last_visit, r.open, r.overdue, r.cadence.behind)
        for r in selectors.instructors_of(org, today)
    }


def summary(rows: dict[int, Row]) -> str:
    behind = sum(r.behind for r in rows.values())
    undeclared = sum(not r.declared for r in rows.values())
    visits = sum(r.visits for r in rows.values())
    return f"{len(rows)} instructors, {behind} behind, {undeclared} undeclared, {visits} visits this year"


def busiest_assignment(world: World) -> RoleAssignment | None:
    """The county's instructor assignment with the most visits: the heaviest visits list and
    instructor's page."""
    row = (
        Visit.objects.filter(enterprise_id__in=enterprises_under(world.county.org.path))
        .values("instructor_id", "enterprise_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "enterprise_id")
        .first()
    )
    if row is None:
        return None
    return RoleAssignment.objects.filter(
        role=Role.INSTRUCTOR, user_id=row["instructor_id"], enterprise_id=row["enterprise_id"]
    ).first()


def queries_of(user: User, path: str) -> int:
    """The queries of GET path for the user, made in this process after a first request."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    # Plain static URLs: this process may have no collected manifest, and they cost no query.
    plain = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with (
        override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], STORAGES=plain),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")  # whitenoise: no collected static directory here
        client.get(path, secure=True)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code} to {user.username}")
    return len(queries.captured_queries)


def run_on(world: World, s: Settings, http: bool = True) -> Iterator[Figure]:
    """The committees' tables against their floor, the organisation departments' to-do (their
    time and queries) and, with `http`, the pages as served."""
    places = [("county", world.county)]
    if world.prefecture is not None:
        places.append(("prefecture", world.prefecture))
    floors: dict[str, Figure] = {}
    for label, place in places:
        org = place.org

        def floor_sql(_i: int, o: Organization = org) -> Any:
            return instructors_sql(o)

        def our_rows(_i: int, o: Organization = org) -> Any:
            return selectors.overview(selectors.instructors_of(o, AS_OF))

        floor = measured(f"sql.guidance.instructors.{label}", floor_sql, s)
        floors[label] = floor
        yield floor
        with CaptureQueriesContext(connection) as queries:
            rows = instructors_figures(org)
        ours = measured(f"guidance.instructors.{label}", our_rows, s)
        ours.floor, ours.ratio = floor.scenario, ours.median_ms / floor.median_ms if floor.median_ms else None
        ours.note = f"{len(queries.captured_queries)} queries; {summary(rows)}"
        ours.detail = {"queries": len(queries.captured_queries), "instructors": len(rows)}
        yield ours
    for label, place in places:
        user = place.user
        with CaptureQueriesContext(connection) as queries:
            items = selectors.todo(user, AS_OF)

        def our_todo(_i: int, u: User = user) -> Any:
            return selectors.todo(u, AS_OF)

        todo = measured(f"guidance.todo.{label}", our_todo, s)
        todo.note = f"{len(queries.captured_queries)} queries; {len(items)} items"
        todo.detail = {"queries": len(queries.captured_queries), "items": len(items)}
        yield todo
    # The largest county's yearly appraisal list (the dataset's year): five grouped queries, the
    # same shape as the instructors' table; no floor of its own.
    county = world.county.org
    with CaptureQueriesContext(connection) as queries:
        appraisal_rows = selectors.appraisal_rows(county, AS_OF.year)
    n = len(queries.captured_queries)
    fig = measured(
        "guidance.appraisal_rows",
        lambda _i: selectors.appraisal_rows(county, AS_OF.year),
        s,
        note=f"{n} queries; {len(appraisal_rows)} instructors",
    )
    fig.detail = {"queries": n, "instructors": len(appraisal_rows)}
    yield fig
    # The largest county's 三好 round: every candidate's score sheet (three queries).
    rnd = RatingRound.objects.select_related("scheme").filter(organization=county).order_by("-year").first()
    if rnd is not None:
        with CaptureQueriesContext(connection) as queries:
            sheets = ratings.round_sheets(rnd)
        n = len(queries.captured_queries)
        fig = measured(
            "guidance.rating_round",
            lambda _i: ratings.round_sheets(rnd),
            s,
            note=f"{n} queries; {len(sheets)} candidates",
        )
        fig.detail = {"queries": n, "candidates": len(sheets)}
        yield fig
    if not http:
        return
    assignment = busiest_assignment(world)
    page = reverse("guidance:page")
    pages: list[tuple[str, User, str, Figure | None]] = [
        (f"page.guidance.{label}", place.user, f"{page}?org={place.org.pk}", floors[label]) for label, place in places
    ]
    if assignment is not None:
        pages.append(
            (
                "page.guidance.visits",
                world.county.user,
                f"{reverse('guidance:visits')}?enterprise={assignment.enterprise_id}",
                None,
            )
        )
        pages.append(("page.guidance.instructor", assignment.user, page, None))
    pages.append(("page.guidance.dashboard.county", world.county.user, "/", None))
    if rnd is not None:
        pages.append(("page.guidance.rating_round", world.county.user, reverse("guidance:round", args=[rnd.pk]), None))
    pages.append(
        (
            "page.guidance.appraisals",
            world.county.user,
            f"{reverse('guidance:appraisals')}?org={county.pk}&year={AS_OF.year}",
            None,
        )
    )
    counted = [(name, user, path, floor, queries_of(user, path)) for name, user, path, floor in pages]
    with Server(s.workers) as server:
        for name, user, path, against, n in counted:
            times, peak, size = server.get(path, session_headers(user), s)
            fig = Figure.of(name, times, peak_rss_mb=peak, note=f"{n} queries; {size:,} bytes")
            fig.detail = {"queries": n, "bytes": size}
            if against is not None:
                fig.floor = against.scenario
                fig.ratio = fig.median_ms / against.median_ms if against.median_ms else None
            yield fig
