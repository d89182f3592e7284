"""A gateway's callback: trusted only when signed with the shared secret and fresh,
one effect per transaction, a wrong amount queued, the same Payment states."""

from __future__ import annotations

import time

import pytest

from tinhso.payments import providers, services
from tinhso.payments.models import Outcome, Payment, Receipt, StatementLine

SECRET = "khoa-bi-mat-cua-cong-thu-nghiem"  # noqa: S105  (a test's own secret)
URL = "/thanh-toan/cong/sandbox/thong-bao/"


@pytest.fixture(autouse=True)
def sandbox(db, settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYMENT_PROVIDER_SECRET = SECRET
    settings.PAYMENT_CALLBACK_WINDOW_SECONDS = 300
    services.load_bank_accounts()


def _post(client, body: bytes, headers: dict[str, str]):
    return client.post(
        URL,
        body,
        content_type="application/json",
        headers=headers,
    )


def test_a_signed_callback_pays_the_fee(submitted, client):
    body, headers = providers.SandboxProvider().callback(
        transaction_id="SBX-1", code=submitted.code, amount=135000
    )
    response = _post(client, body, headers)
    assert response.status_code == 200 and response.json() == {"result": "matched"}
    payment = Payment.objects.get(dossier=submitted)
    assert (payment.status, payment.method, payment.reference) == (
        "paid",
        "gateway",
        "sandbox:SBX-1",
    )
    assert payment.receipt.number == 1


def test_a_bad_signature_changes_nothing(submitted, client):
    body, headers = providers.SandboxProvider(secret="not-the-secret").callback(  # noqa: S106
        transaction_id="SBX-2", code=submitted.code, amount=135000
    )
    response = _post(client, body, headers)
    assert response.status_code == 403
    assert response.json()["code"] == "payments_bad_signature"
    tampered_body, good_headers = providers.SandboxProvider().callback(
        transaction_id="SBX-2", code=submitted.code, amount=1
    )
    assert (
        _post(client, tampered_body.replace(b": 1,", b": 135000,"), good_headers).status_code == 403
    )
    assert Payment.objects.get(dossier=submitted).status == "due"
    assert not StatementLine.objects.exists()


def test_the_same_transaction_twice_has_one_effect(submitted, client):
    body, headers = providers.SandboxProvider().callback(
        transaction_id="SBX-3", code=submitted.code, amount=135000
    )
    assert _post(client, body, headers).json() == {"result": "matched"}
    assert _post(client, body, headers).json() == {"result": "seen_before"}
    assert Receipt.objects.count() == 1 and StatementLine.objects.count() == 1


def test_an_old_message_replayed_is_refused(submitted, client):
    body, headers = providers.SandboxProvider().callback(
        transaction_id="SBX-4", code=submitted.code, amount=135000,
        timestamp=int(time.time()) - 3600,
    )  # fmt: skip
    response = _post(client, body, headers)
    assert response.status_code == 403
    assert Payment.objects.get(dossier=submitted).status == "due"


def test_a_wrong_amount_waits_in_the_queue(submitted, client):
    body, headers = providers.SandboxProvider().callback(
        transaction_id="SBX-5", code=submitted.code, amount=100000
    )
    assert _post(client, body, headers).json() == {"result": Outcome.SHORT}
    assert Payment.objects.get(dossier=submitted).status == "due"
    line = StatementLine.objects.get()
    assert line.is_queued and line.source == "gateway:sandbox"


def test_the_default_vietqr_provider_takes_no_callback(submitted, client, settings):
    settings.PAYMENT_PROVIDER = "vietqr"
    body, headers = providers.SandboxProvider().callback(
        transaction_id="SBX-6", code=submitted.code, amount=135000
    )
    assert _post(client, body, headers).status_code == 404
    assert Payment.objects.get(dossier=submitted).status == "due"
