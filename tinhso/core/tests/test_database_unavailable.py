"""While the database cannot be reached (a restart), the API answers 503 with a
problem and Retry-After, never a bare 500, and a retry with the same
Idempotency-Key then does the work once."""

import json

import pytest
from django.db import OperationalError

from tinhso.core import idempotency

pytestmark = pytest.mark.django_db


def _down(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def test_a_read_while_the_database_is_down_is_a_503(client, monkeypatch):
    from tinhso.procedures import selectors

    monkeypatch.setattr(selectors, "procedures", _down)
    response = client.get("/api/v1/procedures?q=khai+sinh")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/problem+json")
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "service_unavailable"


def test_a_write_while_the_database_is_down_is_a_503_and_the_retry_works(
    citizen, api_as, monkeypatch
):
    api = api_as(citizen)
    data = {"hang_gplx": "B", "so_gplx_cu": "X1", "cam_ket": True, "so_dien_thoai": "0912345678"}
    body = json.dumps({"procedure": "9.000001", "data": data})
    with monkeypatch.context() as m:
        m.setattr(idempotency, "_insert_if_new", _down)  # the first statement of the write
        down = api.post(
            "/api/v1/dossiers", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
        )
    assert down.status_code == 503 and down.json()["code"] == "service_unavailable"
    again = api.post(
        "/api/v1/dossiers", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    replay = api.post(
        "/api/v1/dossiers", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert again.status_code == 201, again.content
    assert replay.status_code == 201 and replay.json()["code"] == again.json()["code"]
