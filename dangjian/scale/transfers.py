"""Membership transfers at scale (issue 20): the county's transfers list as its organisation
department reads it (the first page, filtered to the letters on their way, and unfiltered), and
the to-do of the branch with the most letters waiting on it, against the floor of the same rows
read by hand-written SQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.db.models import Count

from dangjian.access.models import Role, RoleAssignment
from dangjian.transfers import selectors, todo
from dangjian.transfers.models import Status, Transfer
from dangjian.ui.paging import page_rows

from .bench import Figure, Settings, World, measured
from .dataset import AS_OF

PAGE = 50


def list_sql(path: str, open_only: bool) -> list[tuple[Any, ...]]:
    """The list's first page by hand: the letters sent or received under `path`, newest first,
    with both organisations' names."""
    status = "AND t.status = 'issued'" if open_only else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT t.id, t.number, t.person_name, t.status, t.valid_until, f.name, r.name
              FROM transfers_transfer t
              LEFT JOIN organizations_organization f ON f.id = t.from_org_id
              LEFT JOIN organizations_organization r ON r.id = t.to_org_id
             WHERE (f.path LIKE %s OR r.path LIKE %s) {status}
             ORDER BY t.issued_on DESC, t.id DESC LIMIT {PAGE}
            """,
            [f"{path}%", f"{path}%"],
        )
        return cursor.fetchall()


def run_on(world: World, s: Settings) -> Iterator[Figure]:
    total = Transfer.objects.count()
    if total == 0:
        yield Figure("transfers", 0, 0.0, 0.0, note="not measured: the dataset has no transfers", detail={})
        return
    place = world.county
    for label, data in (("all", {}), ("open", {"status": "open"})):
        open_only = label == "open"

        def floor(_i: int, open_only: bool = open_only) -> Any:
            return list_sql(place.org.path, open_only)

        def ours(_i: int, data: dict[str, Any] = data) -> Any:
            qs = selectors.county_list(selectors.filter_transfers(selectors.visible_transfers(place.user), data, AS_OF))
            return qs.count(), page_rows(qs, 0, PAGE)

        f = measured(f"sql.transfers.list.{label}", floor, s)
        yield f
        fig = measured(f"transfers.list.{label}", ours, s)
        fig.floor, fig.ratio = f.scenario, fig.median_ms / f.median_ms if f.median_ms else None
        count = ours(0)[0]
        fig.note = f"{count:,} letters in the county ({total:,} in all), first page of {PAGE}"
        fig.detail = {"letters": count, "total": total}
        yield fig
    # The to-do of the busiest receiving branch's secretary.
    busiest = (
        Transfer.objects.filter(status=Status.ISSUED, to_org__path__startswith=place.org.path)
        .values("to_org_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "to_org_id")
        .first()
    )
    ra = (
        RoleAssignment.objects.filter(organization_id=busiest["to_org_id"], role=Role.SECRETARY)
        .select_related("user")
        .first()
        if busiest
        else None
    )
    if ra is not None:
        user = ra.user
        fig = measured("transfers.todo", lambda _i: todo.todo(user), s)
        fig.note = f"{len(todo.todo(user))} items for the busiest branch's secretary"
        fig.detail = {"items": len(todo.todo(user))}
        yield fig
