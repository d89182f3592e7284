"""Check-in by chip ID in a browser: the doctor `bacsi` signs in with their second
factor, pastes the text a QR scanner types from a chip ID card, and sees the patient
and their queue number; a QR code of something else gets a clear message."""

import datetime

import pytest

from .test_back_office_journey import _sign_in

pytestmark = pytest.mark.e2e
HOSPITAL = "22001"  # the demo hospital (tinhso/demo/health.py)
QR = "022087004321|123456789|Hoàng Văn Nam|15071987|Nam|Tổ 3, phường Hạ Long, Quảng Ninh|{issued}"


def test_bacsi_checks_a_patient_in_by_qr_text(server, browser):
    base, demo = server
    page = _sign_in(browser, base, "bacsi", demo["passwords"]["bacsi"], demo["otp"]["bacsi"])
    page.goto(f"{base}/y-te/")
    page.get_by_role("link", name="Tiếp đón người bệnh").first.click()
    assert f"/y-te/co-so/{HOSPITAL}/tiep-don/" in page.url

    page.get_by_label("Mã QR trên thẻ căn cước").fill("https://example.vn/thanh-toan")
    page.get_by_role("button", name="Tiếp đón").click()
    assert "không phải mã QR của thẻ căn cước" in page.locator(".error-summary").inner_text()

    issued = (datetime.date.today() - datetime.timedelta(days=400)).strftime("%d%m%Y")
    page.get_by_label("Mã QR trên thẻ căn cước").fill(QR.format(issued=issued))
    page.get_by_role("button", name="Tiếp đón").click()
    result = page.locator("#checkin-result").inner_text()
    assert "Hoàng Văn Nam" in result and "Số thứ tự" in result
    number = int(result.split("Số thứ tự")[1].split()[0])
    assert number >= 1
    assert "Hoàng Văn Nam" in page.locator("table").inner_text()  # in today's queue
    page.context.close()
