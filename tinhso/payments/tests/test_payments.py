"""A payment falls due when a fee-bearing dossier is filed; the API shows it with the
dossier's permissions; the result is not returned while it is unpaid."""

from __future__ import annotations

import binascii

import pytest

from tinhso.accounts.models import Role
from tinhso.core.errors import Conflict, PermissionDenied
from tinhso.dossiers.models import Dossier
from tinhso.payments import selectors, services, vietqr
from tinhso.payments.models import Payment, PaymentStatus
from tinhso.testing import act


@pytest.fixture(autouse=True)
def bank_accounts(db):
    services.load_bank_accounts()


def test_filing_a_dossier_with_a_fee_makes_a_payment_due(submitted):
    payment = Payment.objects.get(dossier=submitted)
    assert payment.status == PaymentStatus.DUE
    assert payment.amount == submitted.fee_amount == 135000
    assert payment.code_compact == submitted.code.replace("-", "")


def test_a_draft_owes_nothing_yet(draft):
    assert not Payment.objects.filter(dossier=draft).exists()


def test_a_dossier_without_fee_has_no_payment(submitted):
    Dossier.objects.filter(pk=submitted.pk).update(fee_amount=0)
    submitted.refresh_from_db()
    Payment.objects.filter(dossier=submitted).delete()
    services.on_dossier_changed(Dossier, dossier=submitted)
    assert not Payment.objects.filter(dossier=submitted).exists()
    assert selectors.describe(submitted)["status"] == "not_required"


def test_the_api_gives_the_vietqr_of_the_agency_account(submitted, applicant, api_as):
    response = api_as(applicant).get(f"/api/v1/dossiers/{submitted.code}/payment")
    assert response.status_code == 200
    body = response.json()
    assert body["amount"] == 135000 and body["status"] == "due"
    assert body["paid_at"] is None and body["reference"] == ""
    text = body["vietqr"]
    assert int(text[-4:], 16) == binascii.crc_hqx(text[:-4].encode(), 0xFFFF)
    parsed = vietqr.parse(text)
    assert parsed.amount == 135000
    assert parsed.message == submitted.code
    assert (parsed.bank_bin, parsed.account) == ("970415", "113000000001")  # SXD's (demo)


def test_someone_else_cannot_read_the_payment(submitted, make_citizen, api_as):
    response = api_as(make_citizen()).get(f"/api/v1/dossiers/{submitted.code}/payment")
    assert response.status_code == 404


def test_the_officer_of_the_desk_can_read_it(submitted, officer, api_as):
    response = api_as(officer).get(f"/api/v1/dossiers/{submitted.code}/payment")
    assert response.status_code == 200


def test_return_is_refused_while_the_fee_is_unpaid(result_ready, officer, api_as):
    with pytest.raises(Conflict) as refused:
        act(officer, result_ready, "return")
    assert "chưa nộp phí" in refused.value.message
    response = api_as(officer).post(
        f"/api/v1/dossiers/{result_ready.code}/actions/return", {}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "payments_fee_unpaid"
    result_ready.refresh_from_db()
    assert result_ready.status == "result_ready"


def test_paid_at_the_desk_then_returned(returned):
    payment = Payment.objects.get(dossier=returned)
    assert returned.status == "returned"
    assert (payment.status, payment.method, payment.reference) == ("paid", "cash", "BL-000001")
    assert payment.receipt.number == 1
    assert selectors.describe(returned)["vietqr"] == ""


def test_an_exempt_dossier_is_returned_without_payment(result_ready, officer):
    Dossier.objects.filter(pk=result_ready.pk).update(fee_amount=0)
    assert act(officer, result_ready, "return").status == "returned"


def test_a_citizen_cannot_record_a_desk_payment(submitted, applicant):
    with pytest.raises(PermissionDenied):
        services.record_desk_payment(
            actor=applicant, code=submitted.code, method="cash", receipt_number="X1"
        )


def test_a_specialist_cannot_record_a_desk_payment(submitted, make_staff):
    with pytest.raises(PermissionDenied):
        services.record_desk_payment(
            actor=make_staff(Role.SPECIALIST, "SXD"),
            code=submitted.code,
            method="cash",
            receipt_number="X1",
        )


def test_the_dossier_page_shows_the_qr_and_the_bank_details(submitted, applicant, client):
    client.force_login(applicant)
    page = client.get(f"/ho-so/{submitted.code}/").content.decode()
    assert "<svg" in page and "Mã VietQR nộp phí hồ sơ" in page
    assert "113000000001" in page and "minh hoạ (demo)" in page
    assert selectors.describe(submitted)["vietqr"] in page
