"""The county set-up page: who reaches it (and who not), step 0 on a new installation, the steps'
states in order, and the files uploaded from it into the county."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from dangjian.access import services as access_services
from dangjian.access.models import Role, User
from dangjian.audit.models import Action, AuditEvent
from dangjian.organizations.models import Organization, OrgKind
from dangjian.rosters.models import RosterImport
from dangjian.testing.factories import EnterpriseFactory, PersonFactory, UserFactory, make_org
from dangjian.testing.rosters import ident, xlsx


@pytest.fixture(autouse=True)
def _in_english(client):
    client.cookies["django_language"] = "en"


def _department(org, username="dept"):
    user = UserFactory(username=username)
    access_services.assign_role(actor=None, user=user, role=Role.ORG_DEPARTMENT, organization=org)
    return user


def _states(body: str) -> dict[str, str]:
    return dict(re.findall(r'data-step="(\w+)" data-state="(\w+)"', body))


def test_the_county_department_is_sent_to_its_county_and_sees_every_step(world, login):
    client = login(world.county_admin)
    response = client.get(reverse("onboarding:start"))
    assert response.status_code == 302 and response["Location"] == reverse("onboarding:county", args=[world.county.pk])
    body = client.get(response["Location"]).content.decode()
    # The steps in order: tree, enterprises, rosters, role holders, logins.
    assert list(_states(body)) == ["tree", "enterprises", "rosters", "roles", "logins"]
    assert "和静县委" in body and "Park or township committee: <strong>1</strong>" in body
    # Step 3 lists both enterprises of the county and its branches, each with its roster link.
    for ent in (world.a.enterprise, world.b.enterprise):
        assert f'href="{reverse("rosters:upload")}?target=e{ent.pk}"' in body
    assert f"?target=o{world.a.branch.pk}" in body
    assert "No employee roster yet" in body
    # Step 1 lists the organisations with the codes their rosters are imported by.
    assert f"<code>{world.county.code}</code>" not in body.split('id="step-tree"')[1].split('id="step-enterprises"')[0]
    world.a.branch.code = "652827-01-01"
    world.a.branch.save()
    body = client.get(response["Location"]).content.decode()
    assert "<code>652827-01-01</code>" in body
    # The templates of the county's own kinds.
    for kind in ("org_tree", "enterprises", "role_holders"):
        assert reverse("rosters:template", args=[kind]) in body


def test_a_new_county_starts_at_the_tree_and_the_next_step_moves_on(world, login):
    county = make_org(OrgKind.COUNTY_COMMITTEE, "轮台县委", world.prefecture, code="652822")
    client = login(_department(county))
    page = reverse("onboarding:county", args=[county.pk])
    states = _states(client.get(page).content.decode())
    assert states == {"tree": "next", "enterprises": "todo", "rosters": "todo", "roles": "todo", "logins": "todo"}
    park = make_org(OrgKind.PARK_COMMITTEE, "轮台工业园区党委", county)
    assert _states(client.get(page).content.decode())["tree"] == "done"
    assert _states(client.get(page).content.decode())["enterprises"] == "next"
    ent = EnterpriseFactory(name="轮台棉纺公司", supervising_org=park)
    PersonFactory(name="轮台工人", employer=ent)
    states = _states(client.get(page).content.decode())
    assert states["enterprises"] == "done" and states["rosters"] == "done" and states["roles"] == "next"


def test_a_branch_secretary_is_refused_and_another_countys_department_finds_nothing(world, login):
    assert login(world.a.secretary).get(reverse("onboarding:start")).status_code == 403
    assert login(world.a.secretary).get(reverse("onboarding:county", args=[world.county.pk])).status_code == 404
    other = login(_department(world.outsider_county, "yanqi"))
    for url in (
        reverse("onboarding:county", args=[world.county.pk]),
        reverse("onboarding:start") + f"?org={world.county.pk}",
    ):
        assert other.get(url).status_code == 404, url
    file = xlsx([["某支部", "党支部", "和静县委"]], header=["党组织名称", "类别", "上级党组织"])
    response = other.post(reverse("onboarding:upload", args=[world.county.pk, "org_tree"]), {"file": _upload(file)})
    assert response.status_code == 404
    assert not RosterImport.objects.exists()
    assert other.post(reverse("onboarding:logins", args=[world.county.pk])).status_code == 404
    response = other.post(reverse("onboarding:settings", args=[world.county.pk, "visits"]), {"visit_period": "month"})
    assert response.status_code == 404
    # Its own county it does reach.
    assert other.get(reverse("onboarding:start")).status_code == 302


def test_a_prefecture_department_chooses_among_its_counties(world, login):
    client = login(_department(world.prefecture, "zhou"))
    body = client.get(reverse("onboarding:start")).content.decode()
    for name in ("巴音郭楞州委", "和静县委", "焉耆县委"):
        assert name in body
    response = client.get(reverse("onboarding:start") + f"?org={world.outsider_county.pk}")
    assert response["Location"] == reverse("onboarding:county", args=[world.outsider_county.pk])


def _upload(data: bytes, name: str = "县.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize("kind", ["org_tree", "enterprises", "role_holders"])
def test_a_file_uploaded_from_the_page_goes_into_the_county_as_its_kind(world, login, kind):
    client = login(world.county_admin)
    data = xlsx([["x", "y", ident(5)]], header=["名称", "类别", "身份证号"])
    response = client.post(reverse("onboarding:upload", args=[world.county.pk, kind]), {"file": _upload(data)})
    imp = RosterImport.objects.get()
    assert (imp.kind, imp.organization, imp.requested_by) == (kind, world.county, world.county_admin)
    assert response.status_code == 302 and response["Location"] == reverse("rosters:detail", args=[imp.pk])
    # The file's page is the uploader's, as every import's.
    assert client.get(response["Location"]).status_code == 200
    # The page shows the step's last file.
    body = client.get(reverse("onboarding:county", args=[world.county.pk])).content.decode()
    assert "县.xlsx" in body


def test_a_file_the_page_cannot_take_is_refused_on_the_page(world, login):
    client = login(world.county_admin)
    url = reverse("onboarding:upload", args=[world.county.pk, "enterprises"])
    response = client.post(url, {"file": _upload(b"not a workbook", "县.pdf")})
    assert response.status_code == 400
    assert 'data-step="enterprises"' in response.content.decode()
    assert "invalid-feedback" in response.content.decode()
    assert not RosterImport.objects.exists()
    assert client.post(url, {}).status_code == 400  # no file: the field says so
    assert client.post(reverse("onboarding:upload", args=[world.county.pk, "members"]), {}).status_code == 404


def test_the_county_templates_are_the_departments_not_a_secretarys(world, login):
    for kind in ("org_tree", "enterprises", "role_holders"):
        assert login(world.a.secretary).get(reverse("rosters:template", args=[kind])).status_code == 404
    response = login(world.county_admin).get(reverse("rosters:template", args=["org_tree"]))
    assert response.status_code == 200 and response.content.startswith(b"PK")


def test_the_roster_upload_page_takes_the_target_from_the_link(world, login):
    body = (
        login(world.county_admin).get(reverse("rosters:upload") + f"?target=e{world.a.enterprise.pk}").content.decode()
    )
    assert re.search(rf'<option value="e{world.a.enterprise.pk}"[^>]*selected', body)


def test_a_superuser_on_an_empty_installation_registers_the_county(db, login):
    admin = User.objects.create_superuser("root", password="pass-Word-123")
    client = login(admin)
    body = client.get(reverse("onboarding:start")).content.decode()
    assert 'data-step="0"' in body
    response = client.post(reverse("onboarding:start"), {"name": "", "code": "652827"})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(
        reverse("onboarding:start"), {"name": "和静县委", "name_en": "Hejing County Committee", "code": "652827"}
    )
    county = Organization.objects.get()
    assert (county.kind, county.code, county.parent, county.name_en) == (
        OrgKind.COUNTY_COMMITTEE,
        "652827",
        None,
        "Hejing County Committee",
    )
    assert response["Location"] == reverse("onboarding:county", args=[county.pk])
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="organizations.Organization", actor=admin
    ).exists()
    # The county exists now: the same address sends to its page.
    assert client.get(reverse("onboarding:start"))["Location"] == reverse("onboarding:county", args=[county.pk])


def test_a_county_registers_under_a_prefecture_and_its_code_is_unique(world, login):
    admin = User.objects.create_superuser("root", password="pass-Word-123")
    client = login(admin)
    url = reverse("onboarding:start") + "?new=1"
    body = client.get(url).content.decode()
    assert "巴音郭楞州委" in body
    response = client.post(url, {"name": "重名县委", "code": "652827", "parent": str(world.prefecture.pk)})
    assert response.status_code == 400 and "already exists" in response.content.decode()
    client.post(url, {"name": "若羌县委", "code": "652824", "parent": str(world.prefecture.pk)})
    assert Organization.objects.get(code="652824").parent == world.prefecture
    # Only a platform administrator registers a county: the department is sent to its own.
    assert login(world.county_admin).post(url, {"name": "另县委"}).status_code == 302
    assert not Organization.objects.filter(name="另县委").exists()


def test_the_step_shows_its_checked_files_rows_and_problems(world, login, django_capture_on_commit_callbacks):
    """The tree's row logic checks the file (rosters.pipeline.tree); the page says how it went."""
    client = login(world.county_admin)
    data = xlsx(
        [["新园区党委", "园区党委", "和静县委"], ["孤儿支部", "党支部", "不存在的党委"]],
        header=["党组织名称", "类型", "上级党组织"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("onboarding:upload", args=[world.county.pk, "org_tree"]), {"file": _upload(data)})
    imp = RosterImport.objects.get()
    assert imp.counts.get("rows") == 2, (imp.status, imp.message)
    assert imp.counts.get("rejected", 0) >= 1  # a parent nobody knows
    body = client.get(reverse("onboarding:county", args=[world.county.pk])).content.decode()
    step = body[body.index('id="step-tree"') : body.index('id="step-enterprises"')]
    assert "2 rows" in step and f"{imp.counts['rejected']} problem" in step
    assert reverse("rosters:detail", args=[imp.pk]) in step


def test_the_menu_offers_the_set_up_page_to_the_department_only(world, login):
    assert "data-nav-setup" in login(world.county_admin).get(reverse("home")).content.decode()
    assert "data-nav-setup" not in login(world.a.secretary).get(reverse("home")).content.decode()
    assert "data-nav-setup" not in login(world.b.manager).get(reverse("home")).content.decode()
