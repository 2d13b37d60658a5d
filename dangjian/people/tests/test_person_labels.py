"""A person's name is headed 姓名 (a person's), not 名称 (a thing's), wherever people are listed."""

from __future__ import annotations

from django.urls import reverse


def _head(body: str) -> str:
    return body.split("<thead>", 1)[1].split("</thead>", 1)[0]


def test_the_person_list_heads_its_names_as_a_persons(world, login):
    body = login(world.a.secretary).get(reverse("people:list")).content.decode()
    assert "姓名" in _head(body) and "名称" not in _head(body)
    assert "B党员" not in body and "B工人" not in body  # side B's people are not listed


def test_a_branchs_members_are_headed_the_same(world, login):
    body = login(world.a.secretary).get(reverse("organizations:detail", args=[world.a.branch.pk])).content.decode()
    assert "姓名" in _head(body)
    assert login(world.a.secretary).get(reverse("organizations:detail", args=[world.b.branch.pk])).status_code == 404


def test_organisations_keep_their_name_heading(world, login):
    body = login(world.county_admin).get(reverse("organizations:enterprise_list")).content.decode()
    assert "名称" in _head(body) and "姓名" not in _head(body)
