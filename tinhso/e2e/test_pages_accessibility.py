"""axe-core (vendored in e2e/vendor/, never served) in the real browser on the main
pages, public and signed in: no serious or critical accessibility violation."""

import re
from pathlib import Path

import pytest

from .test_back_office_journey import PROCEDURE, _sign_in
from .test_citizen_journey import PDF, _fill_the_form

pytestmark = pytest.mark.e2e

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
BLOCKING = {"serious", "critical"}


def _violations(page) -> list[str]:
    """axe's serious and critical findings on the page as it is now, one line each."""
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)  # CDP evaluation: not blocked by the page's strict CSP
    result = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
        })"""
    )
    return [
        f"{page.url} [{v['impact']}] {v['id']}: {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def _check(page, url: str, found: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response and response.status}"
    found.extend(_violations(page))


def test_the_public_pages_have_no_serious_accessibility_violation(server, page):
    base, _ = server
    found: list[str] = []
    for path in (
        "/",
        "/thu-tuc/",
        "/thu-tuc/?q=giay+phep+lai+xe",
        "/tai-khoan/dang-nhap/",
        "/tai-khoan/dang-ky/",
        "/tra-cuu/",
        "/xac-thuc/",
        "/chi-so/",
        "/du-lieu-mo/",
    ):
        _check(page, base + path, found)
    # A procedure page, reached as a person would, from the search.
    page.goto(base + "/thu-tuc/?q=giay+phep+lai+xe")
    page.locator(".result-list li a").first.click()
    found.extend(_violations(page))
    # A tracking form with an error shown, and the sign-in form with its error summary.
    page.goto(base + "/tra-cuu/?ma=KHONG-CO")
    page.get_by_label("4 số cuối của số điện thoại hoặc số định danh").fill("1234")
    page.get_by_role("button", name="Tra cứu").click()
    found.extend(_violations(page))
    page.goto(base + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("khong-co-ai")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    found.extend(_violations(page))
    assert found == [], "\n".join(found)
    # The checker does see: an image without a text alternative is reported.
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert any("image-alt" in v for v in _violations(page))


def test_the_signed_in_pages_have_no_serious_accessibility_violation(server, browser, tmp_path):
    base, secrets_ = server
    passwords, otp = secrets_["passwords"], secrets_["otp"]
    found: list[str] = []

    citizen = _sign_in(browser, base, "congdan", passwords["congdan"])
    for path in ("/lam-viec/", "/ho-so/", "/thong-bao/", "/kho-giay-to/", "/tai-khoan/ho-so/"):
        _check(citizen, base + path, found)

    # A dossier of their own, filed through the pages, for the officer to open.
    citizen.goto(f"{base}/ho-so/moi/{PROCEDURE}/")
    found.extend(_violations(citizen))
    _fill_the_form(citizen)
    citizen.get_by_role("button", name="Lưu và tiếp tục").click()
    code = re.search(r"Mã hồ sơ: (\S+)", citizen.locator("main").inner_text()).group(1)
    found.extend(_violations(citizen))  # the papers step
    paper = tmp_path / "to-khai.pdf"
    paper.write_bytes(PDF)
    citizen.locator("#id_file").set_input_files(str(paper))
    citizen.get_by_role("button", name="Tải lên").click()
    citizen.get_by_role("button", name="Tiếp tục: kiểm tra và nộp").click()
    found.extend(_violations(citizen))  # the review step
    citizen.get_by_role("button", name="Nộp hồ sơ").click()
    found.extend(_violations(citizen))  # the dossier page after submission

    desk = _sign_in(browser, base, "motcua", passwords["motcua"], otp["motcua"])
    _check(desk, base + "/lam-viec/ho-so/", found)
    _check(desk, f"{base}/lam-viec/ho-so/{code}/", found)
    desk.locator("details summary").first.click()  # an action's form, opened
    found.extend(_violations(desk))

    leader = _sign_in(browser, base, "lanhdao", passwords["lanhdao"], otp["lanhdao"])
    for path in ("/lam-viec/ho-so/", "/lam-viec/ho-so/ky-hang-loat/", "/lam-viec/dieu-hanh/"):
        _check(leader, base + path, found)
    assert found == [], "\n".join(found)
