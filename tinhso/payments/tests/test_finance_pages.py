"""The finance officer's pages: a statement uploaded and reconciled as a job with
progress, the queue resolved (refund, ignore with a reason; audited), desk payments."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.accounts.models import Role
from tinhso.audit.models import AuditEvent
from tinhso.core.models import Job
from tinhso.payments import services
from tinhso.payments.models import Payment, Resolution, StatementLine
from tinhso.testing.factories import DossierFactory

PAPERS = ("giay-phep-cu", "giay-kham-suc-khoe")


@pytest.fixture(autouse=True)
def bank_accounts(db):
    services.load_bank_accounts()


@pytest.fixture
def finance(make_staff, second_factor_client):
    officer = make_staff(Role.FINANCE_OFFICER, "SXD")
    return officer, second_factor_client(officer)


def _statement(*rows) -> bytes:
    lines = ["transaction_date,bank_reference,amount,description"]
    lines += [",".join(map(str, r)) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def test_an_uploaded_statement_is_reconciled_with_its_progress(
    finance, applicant, django_capture_on_commit_callbacks
):
    officer, client = finance
    a, b = (DossierFactory(applicant=applicant, papers=PAPERS, submit=True).code for _ in range(2))
    content = _statement(
        ("2026-03-02", "FT101", 135000, f"CK {a}"), ("2026-03-02", "FT102", 90000, f"CK {b}")
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/lam-viec/tai-chinh/sao-ke/",
            {"file": SimpleUploadedFile("sao-ke.csv", content, "text/csv"), "format": ""},
        )
    job = Job.objects.get(kind="payments.reconcile")
    assert (
        response.status_code == 302
        and response["Location"] == f"/lam-viec/tai-chinh/sao-ke/{job.pk}/"
    )
    page = client.get(response["Location"]).content.decode()
    assert "matched: 1, queued: 1" in page and 'max="2"' in page
    assert Payment.objects.get(code=a).status == "paid"
    assert Payment.objects.get(code=b).status == "due"


def test_a_statement_that_cannot_be_read_is_refused_on_the_page(finance):
    _officer, client = finance
    response = client.post(
        "/lam-viec/tai-chinh/sao-ke/",
        {"file": SimpleUploadedFile("x.csv", b"ngay,so tien\n1,2\n", "text/csv"), "format": ""},
    )
    assert response.status_code == 400
    assert "Không nhận ra các cột của sao kê" in response.content.decode()
    assert not Job.objects.exists()


def test_the_queue_is_resolved_by_a_person_with_a_reason(finance, submitted):
    officer, client = finance
    services.reconcile(
        actor=None, content=_statement(("2026-03-02", "FT201", 100000, submitted.code))
    )
    line = StatementLine.objects.get()
    queue = client.get("/lam-viec/tai-chinh/cho-xu-ly/").content.decode()
    assert "FT201" in queue and "Nộp thiếu" in queue

    no_reason = client.post(
        f"/lam-viec/tai-chinh/cho-xu-ly/{line.pk}/", {"resolution": "ignored", "note": ""}
    )
    assert no_reason.status_code == 400 and 'class="error-summary"' in no_reason.content.decode()
    short = client.post(
        f"/lam-viec/tai-chinh/cho-xu-ly/{line.pk}/",
        {"resolution": "accepted", "note": "đủ rồi", "code": submitted.code},
    )
    assert short.status_code == 400 and "ít hơn khoản phí" in short.content.decode()

    done = client.post(
        f"/lam-viec/tai-chinh/cho-xu-ly/{line.pk}/",
        {"resolution": "refunded", "note": "Đã lập lệnh hoàn trả số HT-9"},
    )
    assert done.status_code == 302
    line.refresh_from_db()
    assert (line.resolution, line.resolved_by) == (Resolution.REFUNDED, officer)
    event = AuditEvent.objects.get(action="payments.resolve")
    assert event.after["note"] == "Đã lập lệnh hoàn trả số HT-9"
    assert "<td>FT201</td>" not in client.get("/lam-viec/tai-chinh/cho-xu-ly/").content.decode()


def test_an_unknown_credit_can_be_ignored(finance):
    officer, _client = finance
    services.reconcile(actor=None, content=_statement(("2026-03-02", "FT301", 5000, "tien lai")))
    line = services.resolve_line(
        actor=officer,
        line_id=StatementLine.objects.get().pk,
        resolution="ignored",
        note="Lãi tiền gửi, không phải phí",
    )
    assert line.resolution == Resolution.IGNORED and not line.is_queued


def test_a_desk_payment_is_recorded_on_its_page(finance, submitted):
    _officer, client = finance
    assert (
        submitted.code
        in client.get(f"/lam-viec/tai-chinh/nop-tai-quay/?ma={submitted.code}").content.decode()
    )
    response = client.post(
        "/lam-viec/tai-chinh/nop-tai-quay/",
        {"code": submitted.code, "method": "card", "receipt_number": "POS-5521"},
        follow=True,
    )
    assert "biên lai điện tử số 0000001" in response.content.decode()
    payment = Payment.objects.get(dossier=submitted)
    assert (payment.status, payment.method, payment.reference) == ("paid", "card", "POS-5521")


def test_a_finance_officer_of_another_agency_cannot_take_the_fee(make_staff, submitted):
    from tinhso.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.record_desk_payment(
            actor=make_staff(Role.FINANCE_OFFICER, "STP"),
            code=submitted.code,
            method="cash",
            receipt_number="X",
        )


def test_the_pages_are_closed_to_a_specialist(make_staff, second_factor_client):
    client = second_factor_client(make_staff(Role.SPECIALIST, "SXD"))
    for url in (
        "/lam-viec/tai-chinh/",
        "/lam-viec/tai-chinh/sao-ke/",
        "/lam-viec/tai-chinh/cho-xu-ly/",
    ):
        assert client.get(url).status_code == 403


def test_the_queue_page_costs_the_same_queries_for_more_lines(finance):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _officer, client = finance

    def queries_with(n: int) -> int:
        rows = [("2026-03-02", f"FT9{n}{i:03d}", 1000, f"khong ro {i}") for i in range(n)]
        services.reconcile(actor=None, content=_statement(*rows))
        client.get("/lam-viec/tai-chinh/cho-xu-ly/")  # the session's first-use reads
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/lam-viec/tai-chinh/cho-xu-ly/").status_code == 200
        return len(captured)

    assert queries_with(2) == queries_with(5)
