import datetime
import json

import pytest

from tinhso.accounts.models import Agency, Role, User
from tinhso.demo.accounts import demo_personal_id
from tinhso.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _citizen_body(**overrides):
    birth = datetime.date(1992, 8, 30)
    body = {
        "username": "tranthib",
        "password": TEST_PASSWORD,
        "full_name": "Trần Thị B",
        "personal_id": demo_personal_id(birth=birth, sex="female"),
        "date_of_birth": birth.isoformat(),
        "sex": "female",
    }
    body.update(overrides)
    return body


def _post(client, path, body, **headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(path, data, content_type="application/json", **headers)


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_openapi_document_lists_the_paths(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/me", "/api/v1/units", "/api/v1/citizens", "/api/v1/agencies"):
        assert path in spec["paths"]


def test_me_needs_authentication_as_a_problem(client):
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["detail"].startswith("Cần đăng nhập")


def test_me_with_a_token(api_as, make_staff):
    officer = make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC")
    body = api_as(officer).get("/api/v1/me").json()
    assert body["roles"] == ["one_stop_officer"]
    assert body["agency"]["code"] == "TTPVHCC"
    assert body["second_factor"] is True  # a token counts as strong authentication


def test_registering_through_the_api(client):
    response = _post(client, "/api/v1/citizens", _citizen_body())
    assert response.status_code == 201, response.content
    assert response.json()["personal_id"].count("*") == 6


def test_a_wrong_century_digit_is_a_400_naming_the_field_and_stores_nothing(client):
    body = _citizen_body()
    body["personal_id"] = body["personal_id"][:3] + "0" + body["personal_id"][4:]  # male, 1900s
    response = _post(client, "/api/v1/citizens", body, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    problem = response.json()
    assert problem["errors"][0]["field"] == "personal_id"
    assert not User.objects.filter(username="tranthib").exists()


def test_english_detail_on_request(client):
    body = _citizen_body()
    body["personal_id"] = "12345"
    response = _post(client, "/api/v1/citizens", body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert "personal_id" in response.json()["detail"]


def test_unknown_fields_and_wrong_types_are_named(client):
    body = _citizen_body(role="administrator", date_of_birth=12)
    response = _post(client, "/api/v1/citizens", body)
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"role", "date_of_birth"}
    assert not User.objects.filter(username="tranthib").exists()


@pytest.mark.parametrize("raw", ["{bad json", "[1, 2", "\xff\xfe", "[" * 5000 + "]" * 5000])
def test_malformed_or_deeply_nested_json_is_a_clear_400(client, raw):
    response = _post(client, "/api/v1/citizens", raw)
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_body"


def test_oversized_bodies_are_refused(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    body = _citizen_body(full_name="A" * 5000)
    response = _post(client, "/api/v1/citizens", body)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    response = _post(client, "/api/v1/citizens", body, HTTP_IDEMPOTENCY_KEY="k-big")
    assert response.status_code == 413


def test_unknown_paths_and_methods_are_problems(client):
    assert client.get("/api/v1/nothing-here").json()["status"] == 404
    response = client.delete("/api/v1/units")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/problem+json")


def test_agency_update_through_the_api_is_scoped(api_as, make_staff, ward_codes):
    mine, other = ward_codes
    leader = api_as(make_staff(Role.LEADER, mine))
    ok = leader.patch(
        f"/api/v1/agencies/{mine}", {"phone": "02033111222"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["phone"] == "02033111222"
    refused = leader.patch(
        f"/api/v1/agencies/{other}", {"phone": "1"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert Agency.objects.get(code=other).phone == ""


def test_agencies_list_is_paginated(client):
    body = client.get("/api/v1/agencies", {"kind": "ward_committee", "page_size": 10}).json()
    assert body["count"] == 54 and len(body["results"]) == 10


@pytest.mark.django_db
def test_a_nul_character_in_a_json_body_is_a_400_not_a_database_error(client, api_as, citizen):
    # PostgreSQL text columns cannot hold NUL: refused at the door, on both databases.
    response = api_as(citizen).post(
        "/api/v1/dossiers", data='{"procedure": "9.0\\u0000001", "data": {}}',
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400 and response.json()["code"] == "malformed_body"
    response = client.post(
        "/api/3/action/package_show", data='{"id": "a\\u0000b"}', content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["success"] is False  # the body
    assert client.get("/api/3/action/package_show", {"id": "a\x00b"}).status_code == 409
