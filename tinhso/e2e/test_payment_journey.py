"""A fee paid by VietQR: the citizen files a fee-bearing procedure and sees the QR and
the bank details; the result is signed but cannot be returned while the fee is due
(the refusal shown to the officer); the finance officer uploads the bank's statement
(playing the bank); the citizen gets the electronic receipt; then the result is
returned. Each person in their own browser, officers with their second factor."""

import re

import pytest
from playwright.sync_api import expect

from .test_back_office_journey import _act, _sign_in
from .test_citizen_journey import file_dossier

pytestmark = pytest.mark.e2e
PROCEDURE = "2.000635"  # Cấp bản sao Trích lục hộ tịch (Sở Tư pháp): a fee per copy


def test_a_fee_paid_by_vietqr_then_the_result_returned(server, browser, tmp_path):
    base, secrets_ = server
    passwords, otp = secrets_["passwords"], secrets_["otp"]

    citizen = _sign_in(browser, base, "congdan", passwords["congdan"])
    code = file_dossier(citizen, base, tmp_path, PROCEDURE)
    # The confirmation (the dossier page after submitting): the QR, its text, the bank.
    panel = citizen.get_by_role("region", name="Nộp phí, lệ phí")
    assert panel.locator(".payment-qr svg").is_visible()
    details = panel.inner_text()
    assert "Số tài khoản" in details and "Nội dung chuyển khoản" in details and code in details
    payment = citizen.request.get(f"{base}/api/v1/dossiers/{code}/payment").json()
    assert payment["status"] == "due" and payment["amount"] > 0
    assert payment["vietqr"] == panel.locator("code.vietqr-text").text_content().strip()

    desk = _sign_in(browser, base, "motcua", passwords["motcua"], otp["motcua"])
    _act(desk, base, code, "Tiếp nhận")
    _act(desk, base, code, "Phân công xử lý", assignee="chuyenvien")
    specialist = _sign_in(browser, base, "chuyenvien", passwords["chuyenvien"], otp["chuyenvien"])
    _act(specialist, base, code, "Trình phê duyệt", note="Dự thảo")
    leader = _sign_in(browser, base, "lanhdao", passwords["lanhdao"], otp["lanhdao"])
    _act(leader, base, code, "Phê duyệt")
    assert "Có kết quả" in _act(leader, base, code, "Ký kết quả")

    # Returned before the fee is paid: refused, and the officer reads why.
    refused = _act(desk, base, code, "Trả kết quả")
    assert "chưa nộp phí" in refused and "Có kết quả" in refused

    # The finance officer imports the bank's statement on the upload page.
    finance = _sign_in(browser, base, "ketoan", passwords["ketoan"], otp["ketoan"])
    statement = tmp_path / "sao-ke.csv"
    statement.write_text(
        "transaction_date,bank_reference,amount,description\n"
        f"2026-01-05,FTE2EPAY01,{payment['amount']},NGUYEN THI HONG NHUNG CK {code}\n",
        encoding="utf-8",
    )
    finance.goto(f"{base}/lam-viec/tai-chinh/sao-ke/")
    finance.get_by_label("Tệp sao kê (CSV)").set_input_files(str(statement))
    finance.get_by_role("button", name="Nhập và đối soát").click()
    # The job's progress refreshes itself (HTMX) until the statement is done.
    expect(finance.locator("#job")).to_contain_text("matched: 1", timeout=60_000)

    # The citizen has the receipt: on the dossier page, as a PDF, and told so.
    citizen.goto(f"{base}/ho-so/{code}/")
    link = citizen.get_by_role("link", name=re.compile("Tải biên lai điện tử"))
    assert "0000001" in link.inner_text() or re.search(r"số \d{7}", link.inner_text())
    receipt = citizen.request.get(base + link.get_attribute("href"))
    assert receipt.ok and receipt.body().startswith(b"%PDF")
    citizen.goto(f"{base}/thong-bao/")
    assert f"Đã nhận phí, lệ phí hồ sơ {code}" in citizen.locator("main").inner_text()

    # Now the result is handed over.
    assert "Đã trả kết quả" in _act(desk, base, code, "Trả kết quả")
