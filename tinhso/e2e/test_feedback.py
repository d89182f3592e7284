"""Citizen feedback through the pages: a citizen reports with a photo and a pin put on
the map, the ward's officer (`phuong`, with the second factor) answers, the citizen
reads the answer and rates it. The map works without tiles (none load offline)."""

from __future__ import annotations

import io
import re

import pytest

from .test_back_office_journey import _sign_in

pytestmark = pytest.mark.e2e


def _photo(path):
    from PIL import Image

    image = Image.new("RGB", (320, 240), (90, 120, 150))
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (20, 57, 6.0), 3: "E", 4: (107, 4, 50.0)})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    path.write_bytes(buffer.getvalue())
    return path


def test_a_citizen_reports_the_ward_answers_the_citizen_rates(server, browser, tmp_path):
    base, secrets_ = server
    passwords, otp = secrets_["passwords"], secrets_["otp"]

    citizen = _sign_in(browser, base, "congdan", passwords["congdan"])
    citizen.goto(f"{base}/phan-anh/gui/")
    citizen.get_by_label("Lĩnh vực").select_option("chieu-sang")
    citizen.get_by_label("Mô tả vấn đề").fill("Cột đèn trước số 8 Bến Đoan không sáng")
    citizen.locator("#id_photos").set_input_files(str(_photo(tmp_path / "den.jpg")))
    citizen.locator("#feedback-map").click(position={"x": 120, "y": 120})  # the pin
    assert citizen.locator("#id_latitude").input_value() != ""
    assert citizen.locator("#feedback-map .leaflet-marker-icon").count() == 1
    citizen.get_by_label("Phường, xã").select_option("06688")
    citizen.get_by_role("button", name="Gửi phản ánh").click()
    text = citizen.locator("main").inner_text()
    code = re.search(r"Mã để theo dõi: (PA-\d{6}-\d{4})", text).group(1)
    assert citizen.locator(".feedback-photos img").count() == 1

    officer = _sign_in(browser, base, "phuong", passwords["phuong"], otp["phuong"])
    officer.goto(f"{base}/phan-anh/can-bo/")
    officer.get_by_role("link", name=code).click()
    officer.get_by_label("Nội dung trả lời (công khai)").fill("Đã thay bóng đèn cột số 8.")
    officer.get_by_role("button", name="Trả lời và đóng phản ánh").click()
    assert "Đã trả lời phản ánh." in officer.locator("main").inner_text()

    citizen.goto(f"{base}/phan-anh/{code}/")
    assert "Đã thay bóng đèn cột số 8." in citizen.get_by_test_id("answer").inner_text()
    citizen.get_by_label("5 — Rất hài lòng").check()
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    main = citizen.locator("main").inner_text()
    assert "Cảm ơn bạn đã đánh giá." in main and "5/5" in main


def test_the_operations_centre_shows_a_new_report_without_a_reload(server, browser):
    base, secrets_ = server
    passwords, otp = secrets_["passwords"], secrets_["otp"]
    leader = _sign_in(browser, base, "lanhdao", passwords["lanhdao"], otp["lanhdao"])
    leader.goto(f"{base}/ioc/?lam-moi=2")
    before = int(leader.get_by_test_id("feedback-open").inner_text())

    citizen = _sign_in(browser, base, "congdan", passwords["congdan"])
    citizen.goto(f"{base}/phan-anh/gui/")
    citizen.get_by_label("Lĩnh vực").select_option("rac-thai")
    citizen.get_by_label("Mô tả vấn đề").fill("Rác tồn đọng trước cổng chợ")
    citizen.get_by_label("Địa chỉ").fill("Chợ Hạ Long 1")
    citizen.get_by_label("Phường, xã").select_option("06688")
    citizen.get_by_role("button", name="Gửi phản ánh").click()
    assert "Mã để theo dõi" in citizen.locator("main").inner_text()

    try:
        leader.wait_for_function(
            "n => Number(document.querySelector('[data-testid=feedback-open]').textContent) > n",
            arg=before,
            timeout=15_000,
        )
        assert leader.url.endswith("/ioc/?lam-moi=2")  # the same page: polled, not reloaded
    finally:  # a polling page left open would hold the server's workers at its shutdown
        leader.context.close()
        citizen.context.close()
