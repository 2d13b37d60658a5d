"""A list downloaded as Excel imports back unchanged: the exports use the rosters' columns."""

from __future__ import annotations

import pytest

from dangjian.rosters import services

pytestmark = pytest.mark.django_db


def _reimport(user, target, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        imp = services.upload(actor=user, target=target, file_name="export.xlsx", data=data)
    imp.refresh_from_db()
    return imp


def test_people_export_imports_back_unchanged(world, export, django_capture_on_commit_callbacks):
    response, rows = export(world.a.manager, "people")
    assert len(rows) == 4  # the header and A's three employees
    imp = _reimport(world.a.manager, world.a.enterprise, response.content, django_capture_on_commit_callbacks)
    assert imp.counts == {"rows": 3, "unchanged": 3}, list(imp.rows.values("row_number", "problems", "changed"))


def test_member_export_imports_back_unchanged(world, export, django_capture_on_commit_callbacks):
    response, rows = export(world.a.secretary, "members")
    imp = _reimport(world.a.secretary, world.a.branch, response.content, django_capture_on_commit_callbacks)
    assert imp.counts == {"rows": 2, "unchanged": 2}, list(imp.rows.values("row_number", "problems", "changed"))


def test_a_masked_export_cannot_overwrite_anybody(world, export, django_capture_on_commit_callbacks):
    """A file whose ID numbers are masked is rejected row by row, never matched to someone."""
    from dangjian.access import services as access
    from dangjian.access.models import Role
    from dangjian.testing.factories import UserFactory

    instructor = UserFactory()
    access.assign_role(actor=None, user=instructor, role=Role.INSTRUCTOR, enterprise=world.a.enterprise)
    response, rows = export(instructor, "people", f"enterprise={world.a.enterprise.pk}")
    assert len(rows) == 4 and all("*" in r[3] for r in rows[1:])  # A's three employees, masked
    imp = _reimport(world.a.manager, world.a.enterprise, response.content, django_capture_on_commit_callbacks)
    assert imp.counts == {"rows": 3, "rejected": 3}


def test_the_other_side_cannot_take_over_a_with_as_file(world, export, django_capture_on_commit_callbacks):
    """A's list imported by B's manager into B's enterprise matches none of A's people: every row
    is refused and A's employees stay A's."""
    response, rows = export(world.a.manager, "people")
    imp = _reimport(world.b.manager, world.b.enterprise, response.content, django_capture_on_commit_callbacks)
    assert imp.counts == {"rows": 3, "rejected": 3}
    world.a.worker.refresh_from_db()
    assert world.a.worker.employer_id == world.a.enterprise.pk
