"""A page's rows fetched ids first are the rows plain slicing gives, in the same order, with their
related rows loaded."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from dangjian.organizations.models import Enterprise
from dangjian.people.selectors import visible_people
from dangjian.testing.factories import PersonFactory
from dangjian.ui.paging import page_rows


def test_ids_first_gives_the_slice_in_order_with_related_rows(world):
    for i in range(7):
        PersonFactory(employer=world.b.enterprise, name=f"同名{i % 2}")  # ties broken by pk
    for order in (("name", "pk"), ("-birth_date", "-pk"), ("employer__name", "pk")):
        qs = visible_people(world.county_admin).order_by(*order)
        everyone = list(qs)
        for start, stop in ((0, 3), (2, 6), (5, 50), (40, 45)):
            rows = page_rows(qs, start, stop)
            assert [p.pk for p in rows] == [p.pk for p in everyone[start:stop]]
            with CaptureQueriesContext(connection) as ctx:
                [p.employer and p.employer.name for p in rows]
            assert not ctx.captured_queries  # select_related carried over


def test_annotated_lists_are_sliced_as_they_are(world):
    qs = Enterprise.objects.annotate(n=Count("employees")).order_by("name")
    rows = page_rows(qs, 0, 10)
    assert [(e.pk, e.n) for e in rows] == [(e.pk, e.n) for e in qs[:10]]
