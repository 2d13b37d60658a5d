"""Headers and file names come in the user's language; the roster headers are the importer's."""

from __future__ import annotations

from urllib.parse import quote

from dangjian.rosters.columns import columns_for
from dangjian.testing.exports import header


def test_headers_are_chinese_by_default(world, export):
    _, rows = export(world.a.secretary, "people")
    assert rows[0][3] == "身份证号" and rows[0][-1] == "党组织"
    assert list(rows[0][:12]) == [header(c.key) for c in columns_for("employees")]
    response, rows = export(world.a.secretary, "enterprises")
    assert response["Content-Disposition"].startswith(f"attachment; filename*=utf-8''{quote('企业-')}")


def test_headers_are_english_for_an_english_user(world, export):
    world.a.secretary.language = "en"
    world.a.secretary.save()
    _, rows = export(world.a.secretary, "members")
    assert list(rows[0]) == [header(c.key, "en") for c in columns_for("members")] + ["Party organisation"]
    assert rows[0][:4] == ("Name", "Gender", "Ethnicity", "ID number")
    _, rows = export(world.a.secretary, "units")
    assert rows[0] == ("Enterprise", "Kind", "Name", "Workshop", "People")
    assert rows[1][1] == "Workshop or factory building"


def test_an_english_file_holds_only_the_users_side(world, export):
    world.a.secretary.language = "en"
    world.a.secretary.save()
    _, rows = export(world.a.secretary, "members")
    names = {row[0] for row in rows[1:]}
    assert world.a.member.name in names and world.b.member.name not in names
