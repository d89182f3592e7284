"""Attacks on the gateway callback with amounts that are no whole number of đồng."""

from __future__ import annotations

import json

import pytest

from tinhso.payments import providers, services
from tinhso.payments.models import Payment

SECRET = "khoa-bi-mat-cua-cong-thu-nghiem"  # noqa: S105  (a test's own secret)
URL = "/thanh-toan/cong/sandbox/thong-bao/"


@pytest.fixture(autouse=True)
def sandbox(db, settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYMENT_PROVIDER_SECRET = SECRET
    settings.PAYMENT_CALLBACK_WINDOW_SECONDS = 300
    services.load_bank_accounts()


@pytest.mark.parametrize("amount", ["135000.9", "1e400", "true", '"135000.5"'])
def test_an_amount_that_is_not_whole_dong_is_a_400_and_pays_nothing(submitted, client, amount):
    """135000.9 must not be read as 135000 (the fee, paid); 1e400 must not be a 500."""
    head = json.dumps({"transaction_id": "SBX-9", "order_code": submitted.code})[:-1]
    body = f'{head}, "amount": {amount}, "paid_at": "2026-01-02"}}'.encode()  # raw JSON
    headers = providers.SandboxProvider().sign(body)
    response = client.post(URL, body, content_type="application/json", headers=headers)
    assert response.status_code == 400, response.content
    assert json.loads(response.content)["code"] == "payments_bad_callback"
    assert Payment.objects.get(dossier=submitted).status == "due"


def test_a_whole_amount_given_as_text_still_pays(submitted, client):
    body = json.dumps(
        {"transaction_id": "SBX-8", "order_code": submitted.code, "amount": "135000",
         "paid_at": "2026-01-02"}
    ).encode()  # fmt: skip
    headers = providers.SandboxProvider().sign(body)
    response = client.post(URL, body, content_type="application/json", headers=headers)
    assert response.status_code == 200 and response.json() == {"result": "matched"}
