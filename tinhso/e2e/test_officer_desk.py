"""The officer's desk in a real browser (issue 17, items 7 to 11): a refused action
says why in its own form (and a server failure too), the next expected action is the
open primary one, the specialist drafts, the leader previews then approves and signs
in one step, the QR on the result opens its register entry, which tells the original
from another file; the goals bars and the index on a 390 px phone."""

import subprocess

import pytest

from .test_back_office_journey import PROCEDURE, _sign_in
from .test_citizen_journey import file_dossier
from .test_pages_accessibility import _violations

pytestmark = pytest.mark.e2e


def _file_a_dossier(browser, base, password, tmp_path) -> str:
    citizen = _sign_in(browser, base, "congdan", password)
    code = file_dossier(citizen, base, tmp_path, PROCEDURE)
    citizen.context.close()
    return code


def _press(page, action: str) -> None:
    """Press the action's button (opening its fold when it is not the next action) and
    wait for the work area to come back."""
    form = page.locator(f"#work form[data-action={action}]")
    folded = page.locator("#work details", has=page.locator(f"form[data-action={action}]"))
    if folded.count() and folded.get_attribute("open") is None:
        folded.locator("summary").click()
    with page.expect_response(lambda r: "/thao-tac/" in r.url):
        form.locator("button[type=submit]").click()
    page.wait_for_timeout(200)  # htmx settles the swap


def _qr_links(pdf: bytes, tmp_path) -> list[str]:
    """The QR codes on the first page of a PDF (poppler draws it, zxing reads it)."""
    import zxingcpp
    from PIL import Image

    source = tmp_path / "qr.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(source), str(tmp_path / "p")],
        check=True,
        timeout=60,
    )
    image = Image.open(next(tmp_path.glob("p*.png")))
    return [
        code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ]


def test_refusals_in_place_preview_then_sign_and_the_register_entry(server, browser, tmp_path):
    base, secrets_ = server
    passwords, otp = secrets_["passwords"], secrets_["otp"]
    code = _file_a_dossier(browser, base, passwords["congdan"], tmp_path)
    found: list[str] = []

    desk = _sign_in(browser, base, "motcua", passwords["motcua"], otp["motcua"])
    desk.goto(f"{base}/lam-viec/")
    assert desk.locator("main a.waiting", has_text="Tiếp nhận").count() == 1  # waiting work
    assert desk.get_by_role("link", name="Hồ sơ của tôi").count() == 0  # no citizen menus
    found.extend(_violations(desk))
    desk.goto(f"{base}/lam-viec/ho-so/{code}/")
    next_action = desk.locator(".next-action")
    assert "Tiếp nhận" in next_action.inner_text()  # the next action, open and primary

    # A refusal (400): its message in the refusal's own form, focused.
    _press(desk, "refuse")
    refuse = desk.locator("form[data-action=refuse]")
    assert "Cần ghi rõ lý do" in refuse.locator(".error-summary").inner_text()
    assert desk.evaluate("document.activeElement.classList.contains('error-summary')")
    assert refuse.locator("textarea[name=note]").get_attribute("aria-invalid") == "true"
    found.extend(_violations(desk))

    # A server failure (500): said in the form where the officer acted, nothing swapped.
    desk.route("**/thao-tac/receive/", lambda route: route.fulfill(status=500, body="boom"))
    _press(desk, "receive")
    slot = desk.locator("form[data-action=receive] [data-error-slot]")
    assert "Lỗi hệ thống: thao tác chưa được thực hiện" in slot.inner_text()
    desk.unroute("**/thao-tac/receive/")
    _press(desk, "receive")
    work = desk.locator("#work").inner_text()
    assert "Đã thực hiện: Tiếp nhận." in work and "Đã tiếp nhận" in work
    desk.locator("form[data-action=assign] select[name=assignee]").select_option("chuyenvien")
    _press(desk, "assign")
    assert "Đang xử lý" in desk.locator("#work").inner_text()
    desk.goto(f"{base}/lam-viec/ho-so/")
    assert "Đã thực hiện" not in desk.locator("main").inner_text()  # said once, there

    # The specialist drafts the result from the procedure's template, then submits.
    specialist = _sign_in(browser, base, "chuyenvien", passwords["chuyenvien"], otp["chuyenvien"])
    specialist.goto(f"{base}/lam-viec/ho-so/{code}/")
    specialist.locator("details.draft summary").click()
    specialist.locator("#draft-body").fill("Bản sao có giá trị sử dụng thay cho bản chính.")
    specialist.get_by_role("button", name="Lưu dự thảo").click()
    assert "Đã lưu dự thảo kết quả." in specialist.locator("main").inner_text()
    _press(specialist, "submit_for_approval")
    assert "Chờ phê duyệt" in specialist.locator("#work").inner_text()

    # The leader previews the PDF, then approves and signs in one step.
    leader = _sign_in(browser, base, "lanhdao", passwords["lanhdao"], otp["lanhdao"])
    leader.goto(f"{base}/lam-viec/ho-so/{code}/")
    assert "Phê duyệt và ký" in leader.locator(".next-action").inner_text()
    href = leader.locator(".next-action a", has_text="xem trước").get_attribute("href")
    preview = leader.request.get(base + href)
    assert preview.headers["content-type"] == "application/pdf"
    assert preview.body().startswith(b"%PDF")
    found.extend(_violations(leader))
    _press(leader, "approve_and_sign")
    work = leader.locator("#work").inner_text()
    assert "Đã thực hiện: Phê duyệt và ký." in work and "Có kết quả" in work
    result = leader.request.get(f"{base}/ho-so/{code}/ket-qua.pdf").body()
    assert result.startswith(b"%PDF")

    # The QR on the result opens its register entry; the original is that document,
    # another file is not.
    links = [link for link in _qr_links(result, tmp_path) if "/van-ban/" in link]
    assert links, "no QR to the register entry"
    visitor = browser.new_context(locale="vi-VN").new_page()
    visitor.goto(links[0])
    entry = visitor.locator("main").inner_text()
    assert "Còn hiệu lực" in entry and "Sở Tư pháp" in entry and "SHA-256" in entry
    found.extend(_violations(visitor))
    original = tmp_path / "ban-goc.pdf"
    original.write_bytes(result)
    visitor.locator("#id_file").set_input_files(str(original))
    visitor.get_by_role("button", name="Đối chiếu", exact=True).click()
    assert "Đúng là văn bản này" in visitor.locator("main").inner_text()
    other = tmp_path / "khac.pdf"
    other.write_bytes(result.replace(b"%%EOF", b"%%EOF\n%", 1))
    visitor.locator("#id_file").set_input_files(str(other))
    visitor.get_by_role("button", name="Đối chiếu", exact=True).click()
    assert "Không phải văn bản này" in visitor.locator("main").inner_text()
    assert found == [], "\n".join(found)


def test_the_goals_bars_show_partial_progress(server, page):
    base, _ = server
    page.goto(f"{base}/chi-so/muc-tieu/")
    values = page.eval_on_selector_all("progress", "bars => bars.map(b => b.value)")
    assert any(0 < v < 1 for v in values), values  # "0,8" was read as 0
    assert _violations(page) == []


def test_the_index_fits_a_phone_behind_a_menu_button(server, page):
    base, _ = server
    page.goto(f"{base}/chi-so/")  # the page fixture is 390 px wide
    menu = page.get_by_role("button", name="Menu")
    data = page.get_by_role("link", name="Dữ liệu mở", exact=True)
    assert menu.is_visible() and not data.is_visible()
    assert menu.get_attribute("aria-expanded") == "false"
    menu.click()
    assert data.is_visible() and menu.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert not data.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sticks out
    for box in page.eval_on_selector_all(
        "figure.chart",
        """figures => figures.map(f => [f.querySelector('canvas').getBoundingClientRect().right,
                                        f.querySelector('canvas').getBoundingClientRect().bottom,
                                        f.querySelector('figcaption').getBoundingClientRect().top,
                                        f.getBoundingClientRect().bottom,
                                        f.nextElementSibling.getBoundingClientRect().top])""",
    ):
        canvas_right, canvas_bottom, caption_top, figure_bottom, table_top = box
        assert canvas_right <= 390 and caption_top >= canvas_bottom - 1
        assert table_top >= figure_bottom - 1  # the caption does not run into the table
    page.locator("#id_period").select_option(index=1)
    page.get_by_role("button", name="Xem").click()
    assert "period=" in page.url
    assert _violations(page) == []
