"""A dossier goes submit → receive → assign → submit for approval → send back →
submit again → approve → sign → return → rate, through the web pages only, each
person in their own browser, officers signing in with their second factor."""

import base64
import subprocess
import time

import pytest

from .test_citizen_journey import _fill_the_form, file_dossier

pytestmark = pytest.mark.e2e
PROCEDURE = "2.000635"  # Cấp bản sao Trích lục hộ tịch — Sở Tư pháp, where the demo officers work


def _totp(secret: str) -> str:
    from django_otp.oath import totp

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def _sign_in(browser, base, username, password, otp_secret=None):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    if otp_secret:
        for _ in range(2):
            page.get_by_label("Mã xác thực 6 chữ số").fill(_totp(otp_secret))
            page.get_by_role("button", name="Xác nhận").click()
            if "/dang-nhap/xac-thuc/" not in page.url:
                break
            # A code is accepted once: another test may have just used this one.
            time.sleep(31 - time.time() % 30)
    return page


def _act(page, base, code, label, **fields):
    """Open the dossier's work page and take one action through its form (HTMX)."""
    page.goto(f"{base}/lam-viec/ho-so/{code}/")
    button = f"button[type=submit]:text-is('{label}')"  # also when folded (hidden)
    panel = page.locator("#work form[data-action]", has=page.locator(button))
    folded = page.locator("#work details", has=page.locator(button))
    if folded.count():  # the next expected action is open; the others are folded
        folded.locator("summary").click()
    for name, value in fields.items():
        field = panel.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_response(lambda r: "/thao-tac/" in r.url):
        panel.get_by_role("button", name=label).click()
    page.wait_for_selector("#work")
    return page.locator("#work").inner_text()


def test_the_five_steps_through_the_pages(server, browser, tmp_path):
    # Over 80 lines: one journey read top to bottom, each step beside what the person sees.
    base, secrets_ = server
    passwords, otp = secrets_["passwords"], secrets_["otp"]

    citizen = _sign_in(browser, base, "congdan", passwords["congdan"])
    code = file_dossier(citizen, base, tmp_path, PROCEDURE)
    assert "Đã nộp hồ sơ" in citizen.locator("h1").inner_text()  # the confirmation
    citizen.get_by_role("button", name="Xem hồ sơ").click()
    assert "Đã nộp, chờ tiếp nhận" in citizen.locator("main").inner_text()

    desk = _sign_in(browser, base, "motcua", passwords["motcua"], otp["motcua"])
    desk.goto(f"{base}/lam-viec/ho-so/")
    assert code in desk.locator("main").inner_text()
    assert "Đã tiếp nhận" in _act(desk, base, code, "Tiếp nhận")
    assert "Đang xử lý" in _act(desk, base, code, "Phân công xử lý", assignee="chuyenvien")

    specialist = _sign_in(browser, base, "chuyenvien", passwords["chuyenvien"], otp["chuyenvien"])
    assert "Chờ phê duyệt" in _act(
        specialist, base, code, "Trình phê duyệt", note="Dự thảo bản sao"
    )

    leader = _sign_in(browser, base, "lanhdao", passwords["lanhdao"], otp["lanhdao"])
    assert "Đang xử lý" in _act(
        leader, base, code, "Trả lại để xử lý tiếp", note="Ghi rõ nơi đăng ký"
    )
    assert "Chờ phê duyệt" in _act(specialist, base, code, "Trình phê duyệt", note="Đã sửa")
    assert "Đã phê duyệt" in _act(leader, base, code, "Phê duyệt")
    assert "Có kết quả" in _act(leader, base, code, "Ký kết quả")

    # The fee is paid by a bank transfer: the bank's statement, imported, settles it.
    payment = citizen.request.get(f"{base}/api/v1/dossiers/{code}/payment").json()
    assert payment["status"] == "due" and payment["vietqr"].startswith("000201")
    statement = tmp_path / "saoke.csv"
    statement.write_text(
        "transaction_date,bank_reference,amount,description\n"
        f"2026-01-05,FTE2E0001,{payment['amount']},NGUYEN VAN A CK {code} NOP PHI\n",
        encoding="utf-8",
    )
    assert "matched: 1" in secrets_["tinhso"]("reconcile", str(statement))

    work = _act(desk, base, code, "Trả kết quả")
    assert "Đã trả kết quả" in work
    control = desk.get_by_role("region", name="Kiểm soát quá trình").inner_text()
    assert control.count("Đúng hạn") >= 5  # every hand-over on the control slip, each on time

    citizen.goto(f"{base}/ho-so/{code}/")
    assert "Tải kết quả (PDF)" in citizen.locator("main").inner_text()
    result = citizen.request.get(
        base + citizen.get_by_role("button", name="Tải kết quả (PDF)").get_attribute("href")
    )
    assert result.body().startswith(b"%PDF")
    citizen.get_by_label("5", exact=True).check()
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    assert "Bạn đã đánh giá 5/5" in citizen.locator("main").inner_text()

    # The result is a real PAdES signature: Poppler accepts it …
    signed = tmp_path / "ket-qua.pdf"
    signed.write_bytes(result.body())
    pdfsig = subprocess.run(["pdfsig", str(signed)], capture_output=True, text=True, timeout=60)
    assert "Signature is Valid" in pdfsig.stdout
    # … anyone can check it, and a copy with one byte changed is caught.
    visitor = browser.new_context(locale="vi-VN").new_page()
    visitor.goto(f"{base}/xac-thuc/")
    visitor.locator("#id_file").set_input_files(str(signed))
    visitor.get_by_role("button", name="Kiểm tra", exact=True).click()
    assert "Văn bản hợp lệ" in visitor.locator("main").inner_text()
    changed = tmp_path / "ket-qua-sua.pdf"
    data = bytearray(result.body())
    data[len(data) // 3] ^= 0x01
    changed.write_bytes(bytes(data))
    visitor.locator("#id_file").set_input_files(str(changed))
    visitor.get_by_role("button", name="Kiểm tra", exact=True).click()
    assert "Văn bản đã bị thay đổi sau khi ký" in visitor.locator("main").inner_text()

    # The citizen reuses the result in a second dossier instead of uploading it.
    citizen.goto(f"{base}/kho-giay-to/")
    assert "có chữ ký số" in citizen.locator("main").inner_text()
    citizen.goto(
        f"{base}/ho-so/moi/1.004884/"
    )  # đăng ký lại khai sinh: needs the old birth certificate
    _fill_the_form(citizen)
    citizen.get_by_role("button", name="Lưu và tiếp tục").click()
    row = citizen.locator("tr", has_text="Bản sao Giấy khai sinh cũ")
    row.get_by_role("button", name="Dùng giấy tờ này").click()
    assert (
        "từ kho giấy tờ" in citizen.locator("tr", has_text="Bản sao Giấy khai sinh cũ").inner_text()
    )

    # An administrator revokes the leader's certificate: the same result now says so.
    admin = _sign_in(browser, base, "quantri", passwords["quantri"], otp["quantri"])
    admin.goto(f"{base}/quan-ly/chung-thu/")
    leaders_row = admin.locator("tr", has_text="Lê Quang Huy")  # lanhdao, who signed it
    leaders_row.get_by_placeholder("Lý do thu hồi").fill("Lộ khóa bí mật")
    leaders_row.get_by_role("button", name="Thu hồi").click()
    assert "Đã thu hồi" in admin.locator("main").inner_text()
    visitor.locator("#id_file").set_input_files(str(signed))
    visitor.get_by_role("button", name="Kiểm tra", exact=True).click()
    assert "Chứng thư chữ ký số đã bị thu hồi" in visitor.locator("main").inner_text()
    # The journeys after this one share the server: the leader gets a new certificate
    # (issuing one has no page yet; the province's CA does it, here through the shell).
    secrets_["tinhso"](
        "shell", "-c",
        "from tinhso.accounts.models import User; from tinhso.signing.services import "
        "issue_certificate; issue_certificate(actor=None, user=User.objects.get(username='lanhdao'))",
    )  # fmt: skip
