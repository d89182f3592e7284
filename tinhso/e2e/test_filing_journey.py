"""Filing as a citizen would, in a phone-sized browser (issue 17): a step left
incomplete, an invalid number, check your answers and change one, the confirmation;
a supplement finished without a change (refused, then a recorded statement) and with
one (the officer sees it side by side). axe finds nothing serious on these pages."""

import re

import pytest

from .test_back_office_journey import PROCEDURE, _act, _sign_in
from .test_citizen_journey import _fill_the_form
from .test_pages_accessibility import _violations

pytestmark = pytest.mark.e2e


def _new_dossier(page, base) -> str:
    page.goto(f"{base}/ho-so/moi/{PROCEDURE}/")
    _fill_the_form(page)
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    code = re.search(r"Mã hồ sơ: (\S+)", page.locator("main").inner_text()).group(1)
    page.get_by_role("button", name="Tiếp tục: kiểm tra và nộp").click()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    assert "Đã nộp hồ sơ" in page.locator("h1").inner_text()
    return code


def test_a_step_left_incomplete_an_invalid_number_and_a_change_from_the_check_page(server, browser):
    base, secrets_ = server
    citizen = _sign_in(browser, base, "congdan", secrets_["passwords"]["congdan"])
    citizen.set_viewport_size({"width": 390, "height": 844})
    found: list[str] = []

    citizen.goto(f"{base}/ho-so/moi/{PROCEDURE}/")
    citizen.get_by_role("button", name="Lưu và tiếp tục").click()  # nothing answered
    summary = citizen.locator(".error-summary")
    assert "Có lỗi cần sửa" in summary.inner_text()
    assert "là bắt buộc" in summary.inner_text()
    assert "so_luong_ban_sao" not in summary.inner_text()  # labels, never keys
    found.extend(_violations(citizen))
    summary.get_by_role("link").first.click()  # the summary leads to the field
    assert citizen.evaluate("document.activeElement.id").startswith("id_")

    _fill_the_form(citizen)
    citizen.get_by_label("Số lượng bản sao").fill("0")  # copies start at one
    citizen.get_by_role("button", name="Lưu và tiếp tục").click()
    assert "Không được nhỏ hơn 1" in citizen.locator(".error-summary").inner_text()
    citizen.get_by_label("Số lượng bản sao").fill("1")
    citizen.get_by_role("button", name="Lưu và tiếp tục").click()

    papers = citizen.locator("main").inner_text()
    assert "Không cần tải lên" in papers  # the declaration is made from the answers
    citizen.get_by_role("button", name="Tiếp tục: kiểm tra và nộp").click()
    check = citizen.locator("main").inner_text()
    assert "Kiểm tra thông tin trước khi nộp" in check
    assert re.search(r"15/01/2020", check) and "2020-01-15" not in check
    found.extend(_violations(citizen))

    citizen.get_by_role("link", name="Thay đổi số lượng bản sao").click()
    citizen.get_by_label("Số lượng bản sao").fill("2")
    citizen.get_by_role("button", name="Lưu và quay lại trang kiểm tra").click()
    assert "/nop/" in citizen.url
    row = citizen.locator("dt", has_text="Số lượng bản sao").locator(
        "xpath=following-sibling::dd[1]"
    )
    assert row.inner_text() == "2"

    citizen.get_by_role("button", name="Nộp hồ sơ").click()
    done = citizen.locator("main").inner_text()
    assert "Đã nộp hồ sơ" in done and "Việc tiếp theo" in done
    assert re.search(r"\d{2}/\d{2}/\d{4}", done)
    found.extend(_violations(citizen))
    assert found == [], "\n".join(found)


def test_a_supplement_without_and_with_a_change(server, browser):
    base, secrets_ = server
    passwords, otp = secrets_["passwords"], secrets_["otp"]
    citizen = _sign_in(browser, base, "congdan", passwords["congdan"])
    desk = _sign_in(browser, base, "motcua", passwords["motcua"], otp["motcua"])
    asked = "Số lượng bản sao cần ghi đúng"

    quiet, changed = _new_dossier(citizen, base), _new_dossier(citizen, base)
    for code in (quiet, changed):
        _act(desk, base, code, "Tiếp nhận")
        assert "Chờ bổ sung" in _act(desk, base, code, "Yêu cầu bổ sung", items=asked)

    # Without a change: refused until the citizen says nothing needs changing.
    citizen.goto(f"{base}/ho-so/{quiet}/")
    assert "Thời hạn giải quyết đang tạm dừng" in citizen.locator("main").inner_text()
    assert asked in citizen.locator("main").inner_text()
    citizen.get_by_role("button", name="Tôi đã bổ sung xong").click()
    assert "chưa sửa thông tin" in citizen.locator(".error-summary").inner_text()
    assert _violations(citizen) == []
    citizen.get_by_label("Tôi xác nhận hồ sơ không cần thay đổi gì").check()
    citizen.get_by_role("button", name="Tôi đã bổ sung xong").click()
    assert "Đã gửi phần bổ sung" in citizen.locator("main").inner_text()

    # With a change: the officer sees before and after side by side.
    citizen.goto(f"{base}/ho-so/{changed}/thong-tin/")
    citizen.get_by_label("Số lượng bản sao").fill("3")
    citizen.get_by_role("button", name="Lưu và tiếp tục").click()
    citizen.goto(f"{base}/ho-so/{changed}/")
    citizen.get_by_role("button", name="Tôi đã bổ sung xong").click()
    assert "Đã gửi phần bổ sung" in citizen.locator("main").inner_text()

    desk.goto(f"{base}/lam-viec/ho-so/{changed}/")
    changes = desk.get_by_role("region", name="Thay đổi từ khi yêu cầu bổ sung")
    assert "Số lượng bản sao" in changes.inner_text()
    assert changes.locator("del").first.inner_text() == "1"
    assert changes.locator("ins").first.inner_text() == "3"
    desk.goto(f"{base}/lam-viec/ho-so/{quiet}/")
    statement = desk.get_by_role("region", name="Thay đổi từ khi yêu cầu bổ sung").inner_text()
    assert "không cần thay đổi" in statement
