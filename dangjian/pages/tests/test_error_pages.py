"""The error pages: in the user's language and the site's layout, with a way back; a refusal
says who may and which roles the user holds; an object outside the user's part of the tree is
the same 404 as one that never existed."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _english(user):
    user.language = "en"
    user.save()
    return user


def test_a_missing_page_is_404_in_the_layout_with_a_way_home(world, login):
    response = login(world.a.secretary).get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "找不到页面" in body and 'class="navbar' in body
    assert f'href="{reverse("home")}"' in body
    assert 'data-error="404"' in body


def test_the_404_page_speaks_the_users_language(world, login):
    response = login(_english(world.a.secretary)).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in _text(response) and "Home page" in _text(response)


def test_an_object_of_side_b_is_the_same_404_as_one_that_never_existed(world, login):
    client = login(world.a.secretary)
    theirs = client.get(reverse("people:detail", args=[world.b.member.pk]))
    nobodys = client.get(reverse("people:detail", args=[10**9]))
    assert theirs.status_code == nobodys.status_code == 404
    assert _text(theirs) == _text(nobodys)
    assert "B党员" not in theirs.content.decode()


def test_a_refusal_names_the_roles_that_may_and_the_users_own(world, login, member_user):
    response = login(_english(member_user)).get(reverse("development:board"))
    assert response.status_code == 403
    text = _text(response)
    assert "You may not open this page" in text
    who_may = text.split("Who may:", 1)[1].split("Your roles:", 1)[0]
    assert "Branch secretary" in who_may and "Organisation department" in who_may
    assert "Party member" not in who_may  # a member's role does not show the board
    assert "Your roles: Party member" in text
    assert "ask your branch secretary or the organisation department" in text


def test_the_audit_log_is_refused_to_a_secretary_naming_the_department(world, login):
    response = login(world.a.secretary).get(reverse("audit:log"))
    assert response.status_code == 403
    who_may = _text(response).split("可以：", 1)[1].split("你的角色", 1)[0]
    assert "组织部" in who_may and "支部书记" not in who_may


def test_a_refused_application_says_why_in_the_persons_terms(world, login, member_user):
    response = login(_english(member_user)).get(reverse("development:apply"))
    assert response.status_code == 403
    assert "You are already a party member." in _text(response)


def test_a_refusal_links_back_to_the_page_the_user_came_from(world, login, member_user):
    client = login(member_user)
    came_from = "http://testserver" + reverse("home")
    back = client.get(reverse("development:board"), HTTP_REFERER=came_from)
    assert f'href="{came_from}"' in back.content.decode()
    elsewhere = client.get(reverse("development:board"), HTTP_REFERER="https://evil.example/")
    assert "evil.example" not in elsewhere.content.decode()


def test_a_form_sent_without_its_security_token_says_what_to_do(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(_english(world.a.secretary))
    response = client.post(reverse("people:create"), {"name": "张三"})
    assert response.status_code == 403
    text = _text(response)
    assert "The form was not sent" in text and "Nothing was saved" in text


def test_a_server_error_is_a_plain_page_in_the_users_language_with_the_time(world, monkeypatch):
    from dangjian.pages import views

    def broken(user):
        raise RuntimeError("boom: a secret detail")

    monkeypatch.setattr(views.selectors, "dashboard_panels", broken)
    client = Client(raise_request_exception=False)
    client.force_login(_english(world.a.secretary))
    response = client.get(reverse("home"))
    assert response.status_code == 500
    text = _text(response)
    assert "Something went wrong on our side" in text and "Time:" in text
    assert "boom" not in text and 'lang="en"' in response.content.decode()


def test_a_request_for_another_host_is_a_plain_400(db):
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "无法读取请求" in _text(response)


def test_a_signed_out_visitor_gets_the_404_page_without_a_menu(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "找不到页面" in _text(response)
    assert 'id="navbar-menu"' not in response.content.decode()  # no menu for a visitor


def test_side_b_secretary_is_refused_a_side_a_change_with_the_roles_named(world, login):
    client = login(_english(world.b.secretary))
    response = client.get(reverse("organizations:enterprise_create"))
    assert response.status_code == 403
    assert "Who may:" in _text(response)
    assert "A公司" not in response.content.decode()
