"""A citizen, as a new user would: finds the licence exchange without typing accents,
signs in, files it with two papers, gets the receipt, sees the dossier in their list
and on the public tracking page."""

import re

import pytest

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def file_dossier(citizen, base, tmp_path, procedure: str) -> str:
    """A signed-in citizen files `procedure` (every question answered, one PDF paper)
    and submits it; returns the dossier code. The journeys that start from a filed
    dossier share this."""
    citizen.goto(f"{base}/ho-so/moi/{procedure}/")
    _fill_the_form(citizen)
    citizen.get_by_role("button", name="Lưu và tiếp tục").click()
    code = re.search(r"Mã hồ sơ: (\S+)", citizen.locator("main").inner_text()).group(1)
    paper = tmp_path / "to-khai.pdf"
    paper.write_bytes(PDF)
    citizen.locator("#id_file").set_input_files(str(paper))
    citizen.get_by_role("button", name="Tải lên").click()
    citizen.get_by_role("button", name="Tiếp tục: kiểm tra và nộp").click()
    citizen.get_by_role("button", name="Nộp hồ sơ").click()
    return code


def _fill_the_form(page):
    """Answer every question the form asks, whatever the procedure's data says."""
    form = page.locator("main form[method=post]").first
    for select in form.locator("select").all():
        options = [o for o in select.locator("option").all() if o.get_attribute("value")]
        select.select_option(options[0].get_attribute("value"))
    for box in form.locator("input[type=checkbox]").all():
        box.check()
    for field in form.locator("input:not([type=hidden]):not([type=checkbox]), textarea").all():
        kind = field.get_attribute("type") or "text"
        box = field.get_attribute("class") or ""
        if "date-part-year" in box:  # a date: day / month / year
            field.fill("2020")
        elif "date-part" in box:
            field.fill("15" if field.get_attribute("id").endswith("_0") else "1")
        elif field.get_attribute("inputmode") == "decimal":
            field.fill("1")
        elif kind == "tel":
            field.fill("0912345678")
        elif kind == "email":
            field.fill("congdan@example.vn")
        elif field.get_attribute("maxlength") == "12":
            field.fill("022090123456")
        else:
            field.fill("Thử nghiệm")


def test_a_citizen_files_a_driving_licence_exchange(server, page, tmp_path):
    base, secrets_ = server
    passwords = secrets_["passwords"]
    page.goto(base + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_label("Bạn cần làm thủ tục gì?").fill("doi giay phep lai xe")
    page.get_by_role("button", name="Tìm thủ tục").click()
    first = page.locator(".result-list li a").first
    assert re.search("giấy phép lái xe", first.inner_text(), re.I)
    first.click()
    assert "5 ngày làm việc" in page.locator("main").inner_text()
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()

    page.get_by_label("Tên đăng nhập").fill("congdan")
    page.get_by_label("Mật khẩu").fill(passwords["congdan"])
    page.get_by_role("button", name="Đăng nhập").click()
    assert "Thông tin đã có trong tài khoản của bạn" in page.locator("main").inner_text()

    _fill_the_form(page)
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    code = re.search(r"Mã hồ sơ: (\S+)", page.locator("main").inner_text()).group(1)

    kinds = page.locator("#id_kind option")
    for i in range(min(2, kinds.count())):
        value = kinds.nth(i).get_attribute("value")
        paper = tmp_path / f"giay-{i}.pdf"
        paper.write_bytes(PDF)
        page.locator("#id_kind").select_option(value)
        page.locator("#id_file").set_input_files(str(paper))
        page.get_by_role("button", name="Tải lên").click()
        assert "Đã nhận tệp" in page.locator("main").inner_text()
    page.get_by_role("button", name="Tiếp tục: kiểm tra và nộp").click()
    expected = page.locator("dd").last.inner_text()[:10]  # dd/mm/yyyy shown before submitting
    page.get_by_role("button", name="Nộp hồ sơ").click()
    confirmation = page.locator("main").inner_text()
    assert "Đã nộp hồ sơ" in confirmation and code in confirmation and expected in confirmation
    page.get_by_role("button", name="Xem hồ sơ").click()

    main = page.locator("main").inner_text()
    assert "Đã nộp, chờ tiếp nhận" in main and expected in main
    href = page.get_by_role("link", name="Tải giấy xác nhận nộp hồ sơ (PDF)").get_attribute("href")
    receipt = page.request.get(base + href)
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF")

    page.get_by_role("link", name="Hồ sơ của tôi").first.click()
    assert code in page.locator("main").inner_text()

    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():  # on a phone the site's links fold behind the menu button
        menu.click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(f"{base}/tra-cuu/?ma={code}")
    page.get_by_label("4 số cuối của số điện thoại hoặc số định danh").fill("5678")
    page.get_by_role("button", name="Tra cứu").click()
    assert "Đã nộp, chờ tiếp nhận" in page.locator("main").inner_text()
