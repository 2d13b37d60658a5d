"""Every page, enumerated from the URL resolver, refuses objects outside the user's scope.

A new URL pattern fails this test until it is listed below with the object of side B it takes,
so no page can be added without proving that A's secretary cannot reach B's data through it.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dangjian.access import services as access_services

# URL name → how to build its kwargs (and query) from the world's side B.
OBJECT_URLS = {
    "notifications:read": lambda w: {"pk": _notification_of(w.b.secretary).pk},
    "organizations:detail": lambda w: {"pk": w.b.branch.pk},
    "organizations:children": lambda w: {"pk": w.b.branch.pk},
    "organizations:edit": lambda w: {"pk": w.b.branch.pk},
    "organizations:move": lambda w: {"pk": w.b.branch.pk},
    "organizations:delete": lambda w: {"pk": w.b.group.pk},
    "organizations:enterprise_detail": lambda w: {"pk": w.b.enterprise.pk},
    "organizations:enterprise_edit": lambda w: {"pk": w.b.enterprise.pk},
    "organizations:unit_create": lambda w: {"pk": w.b.enterprise.pk},
    "organizations:unit_edit": lambda w: {"pk": w.b.team.pk},
    "organizations:unit_delete": lambda w: {"pk": w.b.team.pk},
    "people:detail": lambda w: {"pk": w.b.worker.pk},
    "people:edit": lambda w: {"pk": w.b.worker.pk},
    "people:reveal": lambda w: {"pk": w.b.worker.pk, "field": "id_number"},
    "people:membership_add": lambda w: {"pk": w.b.worker.pk},
    "people:membership_edit": lambda w: {"pk": w.b.member.memberships.get().pk},
    "audit:history": lambda w: {"kind": "person", "pk": w.b.worker.pk},
    "access:roles": lambda w: {"kind": "org", "pk": w.b.branch.pk},
    "access:role_revoke": lambda w: {"pk": w.b.manager.role_assignments.get().pk},
    "access:token_revoke": lambda w: {
        "pk": access_services.create_token(actor=None, user=w.b.secretary, name="b")[0].pk
    },
    "jobs:detail": lambda w: {"pk": _job_of(w.b.secretary).pk},
    "jobs:progress": lambda w: {"pk": _job_of(w.b.secretary).pk},
    "rosters:detail": lambda w: {"pk": _import_of(w.b.manager).pk},
    "rosters:state": lambda w: {"pk": _import_of(w.b.manager).pk},
    "rosters:confirm": lambda w: {"pk": _import_of(w.b.manager).pk},
    "rosters:discard": lambda w: {"pk": _import_of(w.b.manager).pk},
    "rosters:report": lambda w: {"pk": _import_of(w.b.manager).pk},
    "jobs:download": lambda w: {"pk": _job_of(w.b.secretary).pk},
    "development:detail": lambda w: {"pk": candidacy_of(w.b).pk},
    "development:withdraw": lambda w: {"pk": candidacy_of(w.b).pk},
    "development:conclusion": lambda w: {"pk": candidacy_of(w.b).pk},
    "development:document": lambda w: {"pk": candidacy_of(w.b).steps.get().documents.get().pk},
    "development:settings": lambda w: {"pk": w.outsider_county.pk},
    "branchlife:detail": lambda w: {"pk": _meeting_of(w.b).pk},
    "branchlife:edit": lambda w: {"pk": _meeting_of(w.b).pk},
    "branchlife:mark": lambda w: _attendance_of(w.b),
    "branchlife:uninvite": lambda w: _attendance_of(w.b, invited=True),
    "branchlife:all_present": lambda w: {"pk": _meeting_of(w.b).pk},
    "branchlife:invite": lambda w: {"pk": _meeting_of(w.b).pk},
    "branchlife:invitees": lambda w: {"pk": _meeting_of(w.b).pk},
    "branchlife:checkin": lambda w: {"pk": _meeting_of(w.b).pk},
    "branchlife:checkin_qr": lambda w: {"pk": _meeting_of(w.b).pk},
    "branchlife:attachment": lambda w: {"pk": _meeting_of(w.b, attach=True).attachments.get().pk},
    "branchlife:frequency": lambda w: {"pk": w.outsider_county.pk},
    "birthdays:card": lambda w: {"pk": w.b.member.pk},
    "birthdays:settings": lambda w: {"pk": w.outsider_county.pk},
}


def candidacy_of(side):
    """The side's worker's application, with its scanned paper."""
    import datetime as dt

    from dangjian.development import services

    return services.apply(
        actor=None,
        person=side.worker,
        organization=side.branch,
        applied_on=dt.date(2024, 1, 10),
        documents=[(f"{side.worker.name}申请书.pdf", b"%PDF-1.4", "application/pdf")],
    )


def _meeting_of(side, attach=False):
    """A held branch meeting of the side, with its worker invited (and a file, if asked)."""
    import datetime as dt

    from dangjian.branchlife import services

    m = services.plan_meeting(
        actor=None,
        organization=side.branch,
        kind="general",
        held_on=dt.date(2026, 1, 10),
        topic=f"{side.branch.name}党员大会",
        status="held",
        attachments=[("B会议记录.pdf", b"%PDF-1.4", "application/pdf")] if attach else (),
    )
    services.invite(actor=None, meeting=m, person=side.worker)
    return m


def _attendance_of(side, invited=False):
    m = _meeting_of(side)
    return {
        "pk": m.pk,
        "attendance_pk": m.attendances.get(invited=invited, person=side.worker if invited else side.member).pk,
    }


def _import_of(user):
    from dangjian.rosters import pipeline, services
    from dangjian.rosters.tests.builders import ident, xlsx

    target = user.role_assignments.get().enterprise
    data = xlsx([[1, "B新人", "女", "汉族", ident(900), "", "", "", "", ""]])
    imp = services.upload(actor=user, target=target, file_name="B.xlsx", data=data, background=False)
    return pipeline.check(imp)


def _notification_of(user):
    import datetime as dt

    from dangjian.notifications.models import Notification

    return Notification.objects.create(user=user, kind="dev_due", key="b", title="B", sent_on=dt.date(2026, 1, 1))


def _job_of(user):
    from dangjian.jobs.models import Job

    return Job.objects.create(kind="test", title="B's job", requested_by=user)


# Pages that take no object: lists and "new" forms. A's secretary may open them (or is refused
# outright); what they list is checked not to contain B.
LIST_URLS = {
    "home",
    "ping",
    "notifications:list",
    "notifications:read_all",
    "rosters:list",
    "rosters:upload",
    "organizations:tree",
    "organizations:enterprise_list",
    "organizations:enterprise_create",
    "people:list",
    "people:create",
    "audit:log",
    "audit:verify",
    "access:password_change",
    "access:tokens",
    "exports:people",
    "exports:members",
    "exports:organizations",
    "exports:enterprises",
    "exports:units",
    "development:board",
    "development:pipeline",
    "development:ledger",
    "development:apply",
    "birthdays:cohort",
    "branchlife:list",
    "branchlife:new",
    "branchlife:register",
    "branchlife:calendar",
}
QUERY_URLS = {
    "organizations:create": lambda w: f"?parent={w.b.branch.pk}",
    "development:board": lambda w: f"?org={w.b.branch.pk}",
    "development:pipeline": lambda w: f"?org={w.b.branch.pk}",
    "development:ledger": lambda w: f"?org={w.b.branch.pk}",
    "birthdays:cohort": lambda w: f"?org={w.b.branch.pk}",
    "birthdays:cards": lambda w: f"?org={w.b.branch.pk}&year=2026&period=7",
}
# Searches: they answer 200 with what matches; B's names must never be among the matches.
SEARCH_URLS = {"lookup": lambda w: "?source=person&search=工人"}
# Public: logging in and out, the language switch, the favicon, and /health/ for load balancers and monitors
# (anonymous by design; it says only which part is down, never data: ui/tests/test_health.py).
PUBLIC_URLS = {"login", "logout", "set_language", "favicon", "health"}
SKIP_PREFIXES = ("admin:", "api-")  # admin is staff-only; the API has its own enumerating test


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{p.namespace}:" if p.namespace else prefix
            if str(p.pattern).startswith(("admin/", "api/")):
                continue
            yield from _walk(p.url_patterns, ns if p.namespace else prefix)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{prefix}{p.name}"


def all_url_names() -> set[str]:
    return set(_walk(get_resolver().url_patterns))


# Files that hold no data of anybody's: any signed-in user with the right role gets the same.
BLANK_DOWNLOADS = {"rosters:template": {"kind": "members"}}


def test_every_url_is_listed_here():
    unlisted = (
        all_url_names()
        - set(OBJECT_URLS)
        - LIST_URLS
        - set(QUERY_URLS)
        - set(SEARCH_URLS)
        - PUBLIC_URLS
        - set(BLANK_DOWNLOADS)
    )
    assert not unlisted, f"add these URLs to the scope test: {sorted(unlisted)}"


@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_other_enterprise_objects_are_not_found(world, login, name):
    client = login(world.a.secretary)
    url = reverse(name, kwargs=OBJECT_URLS[name](world))
    assert client.get(url).status_code in {404, 405}, url  # 405: a POST-only action
    assert client.post(url, {}).status_code == 404, url


@pytest.mark.parametrize("name", sorted(QUERY_URLS))
def test_creating_under_other_enterprise_is_not_found(world, login, name):
    client = login(world.a.secretary)
    url = reverse(name) + QUERY_URLS[name](world)
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "group", "name": "x"}).status_code == 404


@pytest.mark.parametrize("name", sorted(LIST_URLS))
def test_lists_never_show_the_other_enterprise(world, login, name):
    client = login(world.a.secretary)
    response = client.get(reverse(name), {"page_size": 500})
    assert response.status_code in {200, 204, 403, 405}
    body = response.content.decode()
    for text in ("B公司", "B工人", "B党员", "B书记"):
        assert text not in body, f"{name} shows {text}"


@pytest.mark.parametrize("name", sorted(SEARCH_URLS))
def test_searches_never_find_the_other_enterprise(world, login, name):
    response = login(world.a.secretary).get(reverse(name) + SEARCH_URLS[name](world))
    assert response.status_code == 200
    assert "A工人" in response.content.decode()  # the search itself works: A's worker matches
    for text in ("B公司", "B工人", "B党员", "B书记"):
        assert text not in response.content.decode()


@pytest.mark.parametrize("name", sorted(set(OBJECT_URLS) | LIST_URLS | set(QUERY_URLS) | set(SEARCH_URLS)))
def test_anonymous_is_sent_to_login(world, client, name):
    if name in OBJECT_URLS:
        url = reverse(name, kwargs=OBJECT_URLS[name](world))
    else:
        queries = {**QUERY_URLS, **SEARCH_URLS}
        url = reverse(name) + (queries[name](world) if name in queries else "")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("name", sorted(BLANK_DOWNLOADS))
def test_blank_downloads_hold_nobodys_data(world, login, client, name):
    import io

    import openpyxl

    url = reverse(name, kwargs=BLANK_DOWNLOADS[name])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    book = openpyxl.load_workbook(io.BytesIO(login(world.a.secretary).get(url).content))
    cells = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value}
    assert not any(name in text for text in cells for name in ("A公司", "B公司", "A工人", "B工人"))
