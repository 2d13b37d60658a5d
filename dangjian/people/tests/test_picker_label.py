"""Two people with the same name are told apart in every person picker (the admin's login form,
the role page, the invite search): name · employer · year of birth · masked ID number, never the
number itself."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangjian.testing.factories import PersonFactory, UserFactory, make_id_number


def _namesakes(world):
    first = PersonFactory(
        name="张伟",
        employer=world.a.enterprise,
        birth_date=dt.date(1990, 1, 1),
        gender="M",
        id_number=make_id_number(dt.date(1990, 1, 1), "M", 11),
    )
    second = PersonFactory(
        name="张伟",
        employer=world.a.enterprise,
        birth_date=dt.date(1996, 5, 5),
        gender="M",
        id_number=make_id_number(dt.date(1996, 5, 5), "M", 12),
    )
    return first, second


def test_the_admin_picker_tells_namesakes_apart_without_the_number(world, client):
    first, second = _namesakes(world)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    answer = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "access", "model_name": "user", "field_name": "person", "term": "张伟"},
    ).json()
    texts = sorted(r["text"] for r in answer["results"])
    assert len(texts) == 2 and texts[0] != texts[1]
    assert all("A公司" in t for t in texts) and any("1990" in t for t in texts)
    assert first.id_number not in " ".join(texts) and second.id_number[6:14] not in " ".join(texts)


def test_the_role_page_picker_labels_the_same_and_stays_in_scope(world, login):
    _namesakes(world)
    found = login(world.county_admin).get(reverse("lookup"), {"source": "person", "search": "张伟"}).content.decode()
    assert found.count("张伟 · A公司 · ") == 2
    other = login(world.b.manager).get(reverse("lookup"), {"source": "person", "search": "张伟"}).content.decode()
    assert "张伟" not in other  # side B's manager sees none of A's people
