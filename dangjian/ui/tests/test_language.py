"""Simplified Chinese by default; English when the person chooses it, remembered."""

from django.urls import reverse


def test_pages_are_chinese_by_default_whatever_the_browser_says(world, client):
    client.force_login(world.a.secretary)
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "欢迎" in body and 'lang="zh-hans"' in body


def test_the_switch_works_before_login_through_its_cookie(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert "Log in" in client.get(reverse("login")).content.decode()


def test_a_saved_choice_follows_the_user_to_a_new_browser(world, client):
    world.a.secretary.language = "en"
    world.a.secretary.save()
    client.force_login(world.a.secretary)
    assert 'lang="en"' in client.get("/").content.decode()


def test_switching_back_to_chinese(world, client):
    client.force_login(world.a.secretary)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "欢迎" in client.get("/").content.decode()


def test_the_switch_refuses_to_redirect_off_site(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
