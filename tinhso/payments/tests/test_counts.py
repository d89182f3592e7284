"""What payments feed: the index's "paid online" (Decision 766) counts real payments
made online, kept step by step as a full recompute would; open data publishes payment
counts per agency and month, without personal data."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tinhso.monitoring.counts import recompute
from tinhso.monitoring.models import AgencyMonth
from tinhso.opendata import builders
from tinhso.payments import providers, services
from tinhso.testing.factories import DossierFactory

PAPERS = ("giay-phep-cu", "giay-kham-suc-khoe")


@pytest.fixture
def three_fees(db, applicant, officer, settings):
    """One paid by a transfer on a statement, one through the gateway, one at the desk,
    and one still due."""
    services.load_bank_accounts()
    codes = [DossierFactory(applicant=applicant, papers=PAPERS, submit=True).code for _ in range(4)]
    services.reconcile(
        actor=None,
        content=f"transaction_date,bank_reference,amount,description\n"
        f"2026-03-02,FT9,135000,{codes[0]}\n".encode(),
    )
    settings.PAYMENT_PROVIDER, settings.PAYMENT_PROVIDER_SECRET = "sandbox", "k"
    sandbox = providers.SandboxProvider()
    body, headers = sandbox.callback(transaction_id="G1", code=codes[1], amount=135000)
    paid = sandbox.verify_callback(body=body, headers=headers)
    services.record_gateway_payment(
        provider="sandbox", transaction_id=paid.transaction_id, code=paid.code,
        amount=paid.amount, paid_on=paid.paid_on,
    )  # fmt: skip
    services.record_desk_payment(actor=officer, code=codes[2], method="cash", receipt_number="1")
    return codes


def _counts():
    return sorted(AgencyMonth.objects.values_list("with_fee", "paid"))


def test_paid_online_counts_transfers_and_the_gateway_not_the_desk(three_fees):
    kept = _counts()
    assert kept == [(4, 2)]
    recompute()
    assert _counts() == kept


def test_open_data_publishes_payment_counts_per_agency_and_month(three_fees):
    rows = list(builders._payments())
    assert rows == [
        {
            "thang": f"{timezone.localdate():%Y-%m}",
            "co_quan": "SXD",
            "khoan_phai_nop": 4,
            "da_nop": 3,
            "nop_truc_tuyen": 2,
            "nop_tai_quay": 1,
            "so_tien_da_thu_vnd": 405000,
        }
    ]
    names = [d.name for d in builders.definitions()]
    assert "thanh-toan-phi-le-phi-theo-thang" in names
