"""One JSON error shape everywhere, in the caller's language."""

from dangjian.access import services as access_services
from dangjian.testing.api import API


def _person(world, **extra):
    return {"name": "新员工", "ethnicity": "05", "employer_id": world.a.enterprise.pk, **extra}


def test_schema_errors_are_422_with_field_messages(world, api_as):
    response = api_as(world.a.secretary).post(f"{API}/people", {"name": "", "gender": "X"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"]
    assert set(body["errors"]) >= {"name", "gender", "ethnicity"}
    assert all(isinstance(m, str) and m for msgs in body["errors"].values() for m in msgs)


def test_service_validation_errors_are_422_with_field_messages(world, api_as):
    bad_check_digit = "652827199005170012"
    response = api_as(world.a.secretary).post(f"{API}/people", _person(world, id_number=bad_check_digit))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert "id_number" in body["errors"]


def test_errors_on_relations_are_reported_under_the_id_field_the_client_sent(world, api_as):
    response = api_as(world.a.secretary).post(f"{API}/people", _person(world, team_id=world.a.workshop.pk))
    assert response.status_code == 422
    assert "team_id" in response.json()["errors"]


def test_messages_are_chinese_by_default_and_follow_accept_language(world, api_as):
    zh = api_as(world.a.secretary).post(f"{API}/people", {})
    en = api_as(world.a.secretary, **{"accept-language": "en"}).post(f"{API}/people", {})
    assert zh.json()["errors"]["name"] == ["这个字段是必填项。"]
    assert en.json()["errors"]["name"] == ["This field is required."]


def test_a_users_saved_language_wins_for_token_clients(world, api_as):
    access_services.set_language(actor=None, user=world.a.secretary, language="en")
    response = api_as(world.a.secretary, **{"accept-language": "zh-hans"}).post(f"{API}/people", {})
    assert response.json()["errors"]["name"] == ["This field is required."]


def test_unreadable_body_is_400_json(world, api_as):
    response = api_as(world.a.secretary).post(f"{API}/people", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_unknown_path_is_404_json(world, api_as, anonymous):
    for client in (api_as(world.a.secretary), anonymous):
        response = client.get(f"{API}/no-such-thing/1")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_every_error_response_is_declared_in_the_openapi_document(world, api_as):
    schema = api_as(world.a.secretary).get(f"{API}/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("401", "403", "404", "422", "503"):
                ref = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorOut"), (method, path, status)


def test_unexpected_failures_are_500_json_not_an_html_page(world, monkeypatch):
    from dangjian.api import units
    from dangjian.testing.api import JsonClient, token_for

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(units.services, "update_unit", broken)
    client = JsonClient(
        raise_request_exception=False, headers={"authorization": f"Bearer {token_for(world.a.manager)}"}
    )
    response = client.patch(f"{API}/units/{world.a.team.pk}", {"name": "x"})
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "boom" not in response.content.decode()
