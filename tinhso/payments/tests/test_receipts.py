"""The electronic receipt: numbered in the agency's series without gap, sent to the
citizen, kept in their store, downloaded from the dossier page."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.db import connection, transaction

from tinhso.documents.models import StoredDocument
from tinhso.notifications.models import Notification
from tinhso.payments import receipts, services
from tinhso.payments.models import Payment, Receipt, ReceiptCounter
from tinhso.testing import concurrent_connections
from tinhso.testing.factories import DossierFactory

PAPERS = ("giay-phep-cu", "giay-kham-suc-khoe")


@pytest.fixture(autouse=True)
def bank_accounts(db):
    services.load_bank_accounts()


def _pay_at_desk(officer, code: str, number: str = "PT-1") -> Payment:
    return services.record_desk_payment(
        actor=officer, code=code, method="cash", receipt_number=number
    )


def _text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_receipts_of_an_agency_are_numbered_one_after_another(applicant, officer):
    codes = [DossierFactory(applicant=applicant, papers=PAPERS, submit=True).code for _ in range(3)]
    numbers = [
        _pay_at_desk(officer, code, f"PT-{i}").receipt.number for i, code in enumerate(codes)
    ]
    assert numbers == [1, 2, 3]
    assert Receipt.objects.get(number=2).symbol.startswith("BL-SXD/")


def test_a_payment_rolled_back_gives_its_number_back(applicant, officer):
    first, second = (
        DossierFactory(applicant=applicant, papers=PAPERS, submit=True).code for _ in range(2)
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        _pay_at_desk(officer, first)
        raise RuntimeError("the request failed after the payment")
    assert not Receipt.objects.exists()
    assert _pay_at_desk(officer, second).receipt.number == 1  # no gap in the series
    assert ReceiptCounter.objects.get().last_number == 1


def test_the_receipt_reaches_the_citizen_and_their_store(submitted, applicant, officer, client):
    payment = _pay_at_desk(officer, submitted.code, "PT-77")
    receipt = payment.receipt
    note = Notification.objects.filter(user=applicant).latest("pk")
    assert submitted.code in note.subject and receipt.number_text in note.body
    stored = StoredDocument.objects.get(owner=applicant, kind=receipts.RECEIPT_KIND)
    assert stored.sha256 == receipt.sha256 and stored.source_reference == submitted.code

    client.force_login(applicant)
    page = client.get(f"/ho-so/{submitted.code}/").content.decode()
    assert f"/thanh-toan/bien-lai/{submitted.code}/" in page and "0000001" in page
    assert "đã nộp" in page
    response = client.get(f"/thanh-toan/bien-lai/{submitted.code}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(b"".join(response.streaming_content))
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text
    assert "0000001" in text and submitted.code in text and "PT-77" in text
    assert "Một trăm ba mươi lăm nghìn đồng" in text


def test_a_stranger_cannot_download_the_receipt(submitted, officer, make_citizen, client):
    _pay_at_desk(officer, submitted.code)
    client.force_login(make_citizen())
    assert client.get(f"/thanh-toan/bien-lai/{submitted.code}/").status_code == 404


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (135000, "Một trăm ba mươi lăm nghìn đồng"),
        (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
        (21_000, "Hai mươi mốt nghìn đồng"),
        (14_000, "Mười bốn nghìn đồng"),
        (2_500_000_000, "Hai tỷ năm trăm triệu đồng"),
    ],
)
def test_the_amount_is_written_out(amount, words):
    assert receipts.amount_in_words(amount) == words


def test_the_confirmation_of_submission_carries_the_vietqr(submitted, applicant, client):
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    from tinhso.payments import selectors

    client.force_login(applicant)
    response = client.get(f"/ho-so/{submitted.code}/bien-nhan.pdf")
    content = response.content
    text = _text(content)
    payload = selectors.describe(submitted)["vietqr"]
    assert "113000000001" in text and "Nội dung chuyển khoản" in text
    images = [img for page in PdfReader(io.BytesIO(content)).pages for img in page.images]
    decoded = {
        r.text
        for img in images
        for r in zxingcpp.read_barcodes(
            Image.open(io.BytesIO(img.data)), formats=zxingcpp.BarcodeFormat.QRCode
        )
    }
    assert payload in decoded


@concurrent_connections
def test_two_receipts_at_once_get_two_numbers():
    """Two transactions taking a number of the same series at the same moment: the
    UPDATE … RETURNING on the counter row makes the second wait for the first."""
    import threading

    from tinhso.accounts.models import Agency

    agency = Agency.objects.get(code="SXD")
    receipts.next_number(agency_id=agency.pk, year=2026)  # the counter row exists
    start, taken = threading.Barrier(2), []

    def take():
        try:
            start.wait(timeout=10)
            with transaction.atomic():
                taken.append(receipts.next_number(agency_id=agency.pk, year=2026))
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(taken) == [2, 3]
