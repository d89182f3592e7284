import datetime
import json

import pytest

from tinhso.accounts.models import User
from tinhso.audit.models import AuditEvent
from tinhso.demo.accounts import demo_personal_id
from tinhso.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _body(username="lethic"):
    birth = datetime.date(2001, 1, 15)
    return {
        "username": username,
        "password": TEST_PASSWORD,
        "full_name": "Lê Thị C",
        "personal_id": demo_personal_id(birth=birth, sex="female"),
        "date_of_birth": birth.isoformat(),
        "sex": "female",
    }


def _post(client, body, key):
    return client.post(
        "/api/v1/citizens",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_the_same_key_and_body_replays_the_answer_without_a_second_effect(client):
    body = _body()
    first = _post(client, body, "key-1")
    events = AuditEvent.objects.count()
    second = _post(client, body, "key-1")
    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert second["Idempotent-Replayed"] == "true"
    assert User.objects.filter(username="lethic").count() == 1
    assert AuditEvent.objects.count() == events


def test_the_same_key_with_another_body_is_a_422(client):
    _post(client, _body(), "key-2")
    response = _post(client, _body(username="khac"), "key-2")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_mismatch"
    assert not User.objects.filter(username="khac").exists()


def test_a_refused_request_is_replayed_as_refused(client):
    body = _body()
    body["personal_id"] = "000000000000"
    first = _post(client, body, "key-3")
    second = _post(client, body, "key-3")
    assert first.status_code == second.status_code == 400
    assert first.json()["errors"] == second.json()["errors"]


def test_keys_are_scoped_to_the_caller(api_as, make_citizen):
    body = _body()
    a = api_as(make_citizen())
    b = api_as(make_citizen())
    assert _post(a, body, "shared").status_code == 201
    # another caller with the same key is a new request (here: the username is taken)
    assert _post(b, body, "shared").status_code == 400


def test_a_server_error_rolls_back_and_the_key_can_be_retried(client, monkeypatch):
    from tinhso.accounts import services

    real = services.register_citizen

    def broken(**kwargs):
        real(**kwargs)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "register_citizen", broken)
    failed = _post(client, _body(), "key-4")
    assert failed.status_code == 500
    assert not User.objects.filter(username="lethic").exists()
    monkeypatch.setattr(services, "register_citizen", real)
    assert _post(client, _body(), "key-4").status_code == 201


def test_an_unprintable_key_is_refused(client):
    assert _post(client, _body(), "").status_code == 400
    assert _post(client, _body(), "x" * 300).status_code == 400


def test_a_key_whose_row_went_away_while_waiting_is_claimed_again(api_as, citizen, monkeypatch):
    """Another request replaced an expired row (or failed) while this one waited for
    it: the row looked for is gone; the claim is tried again, not a 500."""
    from tinhso.core import idempotency

    real, calls = idempotency._insert_if_new, []

    def taken_the_first_time(*args):
        calls.append(1)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(idempotency, "_insert_if_new", taken_the_first_time)
    answer = api_as(citizen).post(
        "/api/v1/dossiers",
        json.dumps({"procedure": "9.000001", "data": {}}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="gone-1",
    )
    assert answer.status_code == 201, answer.content
    assert len(calls) == 2
