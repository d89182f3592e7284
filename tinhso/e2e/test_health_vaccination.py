"""Vaccination and e-prescriptions in a browser: the doctor `bacsi` checks a person in,
records a COVID-19 dose, issues the certificate and sees its QR (decoded from the
screenshot and verified offline with the public trust list); then prescribes, and the
pharmacist `duocsi` dispenses the prescription once: a second try is refused."""

import base64
import datetime
import io
import json
import urllib.request
import zlib

import base45
import pytest
import zxingcpp
from PIL import Image
from pycose.headers import KID
from pycose.keys import EC2Key
from pycose.keys.curves import P256
from pycose.messages import CoseMessage

from .test_back_office_journey import _sign_in

pytestmark = pytest.mark.e2e
PERSONAL_ID = "022191005678"  # Quảng Ninh, a woman born in 1991
QR = PERSONAL_ID + "|987654321|Đỗ Thị Hoa|20031991|Nữ|Tổ 5, phường Hạ Long, Quảng Ninh|{issued}"


def _verify_offline(text: str, base: str) -> dict:
    with urllib.request.urlopen(f"{base}/api/v1/health/dcc/trust-list") as r:  # noqa: S310
        trust = json.load(r)
    message = CoseMessage.decode(zlib.decompress(base45.b45decode(text.removeprefix("HC1:"))))
    entry = next(k for k in trust["keys"] if base64.b64decode(k["kid"]) == message.phdr[KID])

    def unb64(s):
        return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))

    message.key = EC2Key(crv=P256, x=unb64(entry["jwk"]["x"]), y=unb64(entry["jwk"]["y"]))
    assert message.verify_signature()
    import cbor2

    return cbor2.loads(message.payload)


def test_a_dose_a_certificate_and_a_prescription_dispensed_once(server, browser):
    base, demo = server
    page = _sign_in(browser, base, "bacsi", demo["passwords"]["bacsi"], demo["otp"]["bacsi"])
    page.goto(f"{base}/y-te/")
    page.get_by_role("link", name="Tiếp đón người bệnh").first.click()
    issued = (datetime.date.today() - datetime.timedelta(days=300)).strftime("%d%m%Y")
    page.get_by_label("Mã QR trên thẻ căn cước").fill(QR.format(issued=issued))
    page.get_by_role("button", name="Tiếp đón").click()
    assert "Đỗ Thị Hoa" in page.locator("#checkin-result").inner_text()

    # a COVID-19 dose, then the certificate
    page.goto(f"{base}/y-te/tiem-chung/")
    page.get_by_label("Số định danh cá nhân của người được tiêm").fill(PERSONAL_ID)
    page.get_by_role("button", name="Tìm người được tiêm").click()
    page.get_by_label("Vắc xin").select_option("208")
    page.get_by_label("Mũi số").fill("2")
    page.get_by_label("Ngày tiêm").fill("2021-09-15")
    page.get_by_label("Số lô").fill("FK4321")
    page.get_by_role("button", name="Ghi nhận").click()
    assert "Đã ghi nhận mũi 2" in page.locator(".messages").inner_text()
    page.get_by_role("button", name="Cấp giấy chứng nhận tiêm chủng").click()
    assert "Giấy chứng nhận tiêm chủng COVID-19" in page.locator("h1").inner_text()
    qr = page.locator("figure.qr img")
    assert qr.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    shot = Image.open(io.BytesIO(qr.screenshot()))
    (found,) = zxingcpp.read_barcodes(shot, formats=zxingcpp.BarcodeFormat.QRCode)
    claim = _verify_offline(found.text, base)
    assert claim[-260][1]["v"][0]["dn"] == 2 and claim[-260][1]["nam"]["fnt"] == "DO"

    # a prescription for today's visit
    page.goto(f"{base}/y-te/ke-don/")
    page.get_by_role("link", name="Kê đơn cho Đỗ Thị Hoa").first.click()
    page.get_by_label("Chẩn đoán").fill("J06.9 Viêm họng cấp")
    page.get_by_label("Tên thuốc 1").fill("Paracetamol 500mg")
    page.get_by_label("Cách dùng thuốc 1").fill("Uống 1 viên khi sốt, cách 6 giờ")
    page.get_by_label("Số lượng thuốc 1").fill("10")
    page.get_by_label("Đơn vị tính thuốc 1").fill("viên")
    page.get_by_label("Số ngày dùng thuốc 1").fill("3")
    page.get_by_role("button", name="Kê đơn").click()
    code = page.locator("h1 .break").inner_text().strip()
    assert len(code) == 14 and code.endswith("-c") and code.startswith("22001")
    page.context.close()

    # the pharmacy: two screens show the same prescription; the first dispenses it
    pharmacy = _sign_in(browser, base, "duocsi", demo["passwords"]["duocsi"], demo["otp"]["duocsi"])
    pharmacy.goto(f"{base}/y-te/nha-thuoc/")
    pharmacy.get_by_label("Mã đơn thuốc (quét mã QR hoặc nhập)").fill(code.upper())
    pharmacy.get_by_role("button", name="Tìm đơn thuốc").click()
    assert "Paracetamol 500mg" in pharmacy.locator("section").inner_text()
    second = pharmacy.context.new_page()
    second.goto(pharmacy.url)
    pharmacy.get_by_role("button", name="Cấp phát").click()
    assert f"Đã cấp phát đơn thuốc {code}" in pharmacy.locator(".messages").inner_text()
    assert pharmacy.get_by_role("button", name="Cấp phát").count() == 0

    second.get_by_role("button", name="Cấp phát").click()
    refused = second.locator(".error-summary").inner_text()
    assert "đã được cấp phát" in refused and "không cấp phát lần hai" in refused
    pharmacy.context.close()
