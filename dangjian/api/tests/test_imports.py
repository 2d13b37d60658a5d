"""/imports: the roster upload → check → confirm cycle through the API, on the web page's code path
(rosters.services and rosters.selectors), inside the caller's scope, audited as "api"."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT
from django.urls import reverse

from dangjian.access import services as access_services
from dangjian.audit.models import Action, AuditEvent
from dangjian.organizations import services as org_services
from dangjian.people.crypto import blind_index
from dangjian.people.models import Membership, Person
from dangjian.rosters.models import ImportRow, ImportStatus, RosterImport
from dangjian.testing.api import API
from dangjian.testing.rosters import MEMBER_HEADER, ident, read_back, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _employees(world, *rows):
    return xlsx(rows or [[1, "艾力", "男", "维吾尔族", ident(1, "M"), None, world.a.team.name, "缝纫工", None, None]])


def _upload(client, into, data, name="花名册.xlsx", **fields):
    body = {"file": SimpleUploadedFile(name, data), "into": into, **fields}
    return client.post(f"{API}/imports", body, content_type=MULTIPART_CONTENT)


def _checked(client, capture, into, data, **fields):
    """Upload and run the check job (queued on commit); the import as the API shows it then."""
    with capture(execute=True):
        response = _upload(client, into, data, **fields)
    assert response.status_code == 201, response.content
    got = client.get(f"{API}/imports/{response.json()['id']}")
    assert got.status_code == 200, got.content
    return got.json()


def _person(id_number):
    return Person.objects.filter(id_number_index=blind_index(id_number)).first()


def test_upload_check_confirm_cycle_writes_the_people(world, api_as, django_capture_on_commit_callbacks):
    client = api_as(world.a.manager)
    rows = [
        [1, "艾力", "男", "维吾尔族", ident(1, "M"), None, world.a.team.name, "缝纫工", None, None],
        [2, "古丽", "女", "维吾尔族", ident(2), None, None, "质检", None, None],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, world.a.enterprise.uscc.lower(), xlsx(rows))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "checking"
    assert created["kind"] == "employees"
    assert created["into"] == {
        "type": "enterprise",
        "id": world.a.enterprise.pk,
        "name": world.a.enterprise.name,
        "code": world.a.enterprise.uscc,
    }
    assert created["job"]["status"] == "queued"
    assert created["counts"] == dict.fromkeys(("rows", "created", "updated", "unchanged", "duplicate", "rejected"), 0)
    assert created["file_name"] == "花名册.xlsx" and len(created["sha256"]) == 64 and created["size"] > 0

    imp = client.get(f"{API}/imports/{created['id']}").json()
    assert imp["status"] == "checked", imp
    assert imp["job"] is None
    assert imp["counts"]["rows"] == 2 and imp["counts"]["created"] == 2 and imp["counts"]["rejected"] == 0
    assert imp["may_confirm"] is True and imp["checked_at"] and imp["imported_at"] is None
    assert {"letter": "E", "text": "身份证号码", "key": "id_number"} in imp["columns"]
    assert imp["header_row"] == 1
    assert _person(ident(1, "M")) is None, "the check writes nothing"

    listed = client.get(f"{API}/imports/{imp['id']}/rows").json()
    assert listed["count"] == 2
    assert [(r["row"], r["name"], r["outcome"]) for r in listed["items"]] == [
        (2, "艾力", "created"),
        (3, "古丽", "created"),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{API}/imports/{imp['id']}/confirm")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "importing"
    assert response.json()["may_confirm"] is False

    done = client.get(f"{API}/imports/{imp['id']}").json()
    assert done["status"] == "imported" and done["imported_at"] and done["job"] is None
    assert done["counts"]["created"] == 2
    aili = _person(ident(1, "M"))
    assert aili.name == "艾力" and aili.employer == world.a.enterprise and aili.team == world.a.team
    assert _person(ident(2)).post == "质检"
    # The rows the API lists are the web page's: the ImportRow records of the one pipeline.
    api_rows = client.get(f"{API}/imports/{imp['id']}/rows").json()["items"]
    stored = ImportRow.objects.filter(roster_import_id=imp["id"]).order_by("row_number")
    assert [(r["row"], r["outcome"], r["changed"]) for r in api_rows] == [
        (r.row_number, r.outcome, r.changed) for r in stored
    ]
    assert {r.person_id for r in stored} == {aili.pk, _person(ident(2)).pk}


def test_confirm_again_is_a_conflict(world, api_as, django_capture_on_commit_callbacks):
    client = api_as(world.a.manager)
    imp = _checked(client, django_capture_on_commit_callbacks, world.a.enterprise.uscc, _employees(world))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{API}/imports/{imp['id']}/confirm").status_code == 202
    response = client.post(f"{API}/imports/{imp['id']}/confirm")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_report_is_the_web_pages_report(world, api_as, client, django_capture_on_commit_callbacks):
    api = api_as(world.a.manager)
    rows = [
        [1, "艾力", "男", "维吾尔族", ident(1, "M"), None, None, None, None, None],
        [2, "无号", "女", "汉族", None, None, None, None, None, None],
    ]
    imp = _checked(api, django_capture_on_commit_callbacks, world.a.enterprise.uscc, xlsx(rows))
    # A GET writes nothing: the report (the uploaded file, ID numbers in clear) is an audited
    # export, and a link or another site's page riding the session must not make one.
    events = AuditEvent.objects.count()
    assert api.get(f"{API}/imports/{imp['id']}/report").status_code == 405
    assert AuditEvent.objects.count() == events
    response = api.post(f"{API}/imports/{imp['id']}/report")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    openpyxl.load_workbook(io.BytesIO(response.content))  # a real workbook
    client.force_login(world.a.manager)
    web = client.post(reverse("rosters:report", args=[imp["id"]]))
    assert web.status_code == 200
    assert read_back(response.content) == read_back(web.content)
    sheet = read_back(response.content)
    data_rows = {row[1]: row for row in sheet if row[0] in (1, 2)}
    assert set(data_rows) == {"艾力", "无号"}
    assert "身份证号码" in data_rows["无号"][-2]  # the problem names the column
    exports = AuditEvent.objects.filter(action=Action.EXPORT, object_id=str(imp["id"])).order_by("id")
    assert [e.source for e in exports] == ["api", "web"]


def test_rejected_rows_block_confirm_and_nothing_is_written(world, api_as, django_capture_on_commit_callbacks):
    client = api_as(world.a.manager)
    rows = [
        [1, "艾力", "男", "维吾尔族", ident(1, "M"), None, None, None, None, None],
        [2, "古丽", "女", "维吾尔族", "12345", None, None, None, None, None],
        [3, "无队", "女", "汉族", ident(3), None, "不存在的班组", None, None, None],
    ]
    imp = _checked(client, django_capture_on_commit_callbacks, world.a.enterprise.uscc, xlsx(rows))
    assert imp["status"] == "checked"
    assert imp["counts"]["rejected"] == 2 and imp["counts"]["created"] == 1
    assert imp["may_confirm"] is False

    rejected = client.get(f"{API}/imports/{imp['id']}/rows", {"outcome": "rejected"}).json()
    assert rejected["count"] == 2
    first, second = rejected["items"]
    assert (first["row"], first["name"], first["outcome"]) == (3, "古丽", "rejected")
    assert first["problems"][0]["column"].startswith("E ")
    assert first["problems"][0]["message"]
    assert second["row"] == 4 and "不存在的班组" in second["problems"][0]["message"]
    assert client.get(f"{API}/imports/{imp['id']}/rows", {"outcome": "nonsense"}).status_code == 422

    people, events = Person.objects.count(), AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{API}/imports/{imp['id']}/confirm")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "conflict" and response.json()["message"]
    assert Person.objects.count() == people and AuditEvent.objects.count() == events
    assert RosterImport.objects.get(pk=imp["id"]).status == ImportStatus.CHECKED


def test_member_roster_into_a_branch_by_its_code(world, api_as, django_capture_on_commit_callbacks):
    org_services.update_organization(actor=None, org=world.a.branch, code="A-ZB-01")
    client = api_as(world.a.secretary)
    data = xlsx([[1, "阿依", "女", "维吾尔族", ident(5), "2020-07-01", "2021-07-01", None]], header=MEMBER_HEADER)
    imp = _checked(client, django_capture_on_commit_callbacks, "a-zb-01", data)
    assert imp["kind"] == "members"
    assert imp["into"] == {
        "type": "organization",
        "id": world.a.branch.pk,
        "name": world.a.branch.name,
        "code": "A-ZB-01",
    }
    assert imp["may_confirm"] is True, imp
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{API}/imports/{imp['id']}/confirm").status_code == 202
    assert client.get(f"{API}/imports/{imp['id']}").json()["status"] == "imported"
    person = _person(ident(5))
    assert Membership.objects.filter(person=person, organization=world.a.branch, ended_on__isnull=True).exists()


def test_the_other_side_is_out_of_reach(world, api_as, django_capture_on_commit_callbacks):
    a, b = api_as(world.a.manager), api_as(world.b.manager)
    unknown = _upload(a, "91650000ZZZZZZZZZZ", _employees(world))
    other = _upload(a, world.b.enterprise.uscc, _employees(world))
    assert unknown.status_code == other.status_code == 404
    assert other.json()["code"] == unknown.json()["code"] == "not_found"
    assert world.b.enterprise.uscc in other.json()["message"]
    assert other.json()["message"].replace(world.b.enterprise.uscc, "X") == unknown.json()["message"].replace(
        "91650000ZZZZZZZZZZ", "X"
    )
    assert list(other.json()["errors"]) == ["into"]
    # A branch that has a code but lies in B's side: the same.
    org_services.update_organization(actor=None, org=world.b.branch, code="B-ZB-01")
    assert _upload(api_as(world.a.secretary), "B-ZB-01", _employees(world)).status_code == 404
    assert not RosterImport.objects.exists()

    imp = _checked(a, django_capture_on_commit_callbacks, world.a.enterprise.uscc, _employees(world))
    events = AuditEvent.objects.count()
    for method, path in [
        ("get", f"/imports/{imp['id']}"),
        ("get", f"/imports/{imp['id']}/rows"),
        ("post", f"/imports/{imp['id']}/report"),
        ("post", f"/imports/{imp['id']}/confirm"),
        ("delete", f"/imports/{imp['id']}"),
    ]:
        response = getattr(b, method)(API + path)
        assert response.status_code == 404, (method, path, response.content)
        assert response.json()["code"] == "not_found"
    assert AuditEvent.objects.count() == events
    assert b.get(f"{API}/imports").json() == {"items": [], "count": 0}
    listed = a.get(f"{API}/imports").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == imp["id"]


def test_uploader_loses_the_import_when_the_target_leaves_their_scope(
    world, api_as, django_capture_on_commit_callbacks
):
    client = api_as(world.a.manager)
    imp = _checked(client, django_capture_on_commit_callbacks, world.a.enterprise.uscc, _employees(world))
    access_services.revoke_role(actor=None, assignment=world.a.manager.role_assignments.get())
    assert client.get(f"{API}/imports/{imp['id']}").json()["code"] == "not_found"
    assert client.post(f"{API}/imports/{imp['id']}/confirm").status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "word"),
    [("花名册.txt", b"a,b", ".xlsx"), ("花名册.xlsx", b"", "empty"), ("花名册.csv", b"x" * (1024 * 1024 + 1), "1 MB")],
)
def test_bad_file_is_422_on_the_file_field(world, api_as, settings, name, data, word):
    settings.ROSTER_MAX_BYTES = 1024 * 1024
    client = api_as(world.a.manager, **{"accept-language": "en"})
    response = _upload(client, world.a.enterprise.uscc, data, name=name)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["file"]
    assert word in body["errors"]["file"][0]
    assert not RosterImport.objects.exists()


def test_missing_fields_are_422(world, api_as):
    client = api_as(world.a.manager)
    response = client.post(f"{API}/imports", {"into": world.a.enterprise.uscc}, content_type=MULTIPART_CONTENT)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["file"]
    response = client.post(
        f"{API}/imports", {"file": SimpleUploadedFile("a.xlsx", b"x")}, content_type=MULTIPART_CONTENT
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["into"]


def test_discard(world, api_as, django_capture_on_commit_callbacks):
    client = api_as(world.a.manager)
    busy = _upload(client, world.a.enterprise.uscc, _employees(world)).json()  # its check never runs
    response = client.delete(f"{API}/imports/{busy['id']}")
    assert response.status_code == 409 and response.json()["code"] == "conflict"

    imp = _checked(client, django_capture_on_commit_callbacks, world.a.enterprise.uscc, _employees(world))
    assert client.delete(f"{API}/imports/{imp['id']}").status_code == 204
    stored = RosterImport.objects.get(pk=imp["id"])
    assert stored.status == ImportStatus.DISCARDED and not stored.has_file
    assert client.get(f"{API}/imports/{imp['id']}").json()["status"] == "discarded"
    assert client.post(f"{API}/imports/{imp['id']}/confirm").status_code == 409


def test_every_write_is_audited_as_api(world, api_as, django_capture_on_commit_callbacks):
    client = api_as(world.a.manager)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    imp = _checked(client, django_capture_on_commit_callbacks, world.a.enterprise.uscc, _employees(world))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{API}/imports/{imp['id']}/confirm").status_code == 202
    assert client.post(f"{API}/imports/{imp['id']}/report").status_code == 200
    events = list(AuditEvent.objects.filter(id__gt=last))
    actions = {e.action for e in events}
    assert {Action.CREATE, Action.UPDATE, Action.IMPORT, Action.EXPORT} <= actions
    assert {e.source for e in events} == {"api"}
    assert {e.actor_id for e in events} == {world.a.manager.pk}


def test_templates(world, api_as, member_user):
    client = api_as(world.a.manager)
    for kind in ("employees", "members"):
        response = client.get(f"{API}/imports/templates/{kind}")
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        assert read_back(response.content)[0]
    # A path that names nothing is 404, like any record that does not exist.
    assert client.get(f"{API}/imports/templates/pensioners").status_code == 404
    # Somebody who may import nothing gets no template, as on the web page.
    assert api_as(member_user).get(f"{API}/imports/templates/employees").status_code == 404


def test_session_clients_need_the_csrf_token(world, session_client):
    client = session_client(world.a.manager, enforce_csrf_checks=True)
    response = _upload(client, world.a.enterprise.uscc, _employees(world))
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert client.get(f"{API}/imports").status_code == 200


def test_create_teams_form_field(world, api_as, django_capture_on_commit_callbacks):
    client = api_as(world.a.manager)
    data = xlsx([[1, "艾力", "男", "维吾尔族", ident(1, "M"), None, "新班组", None, None, None]])
    refused = _checked(client, django_capture_on_commit_callbacks, world.a.enterprise.uscc, data)
    assert refused["counts"]["rejected"] == 1
    allowed = _checked(client, django_capture_on_commit_callbacks, world.a.enterprise.uscc, data, create_teams="true")
    assert allowed["counts"]["created"] == 1 and allowed["may_confirm"] is True
    row = client.get(f"{API}/imports/{allowed['id']}/rows").json()["items"][0]
    assert row["outcome"] == "created" and row["notes"]
