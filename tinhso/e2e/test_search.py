"""Search as a citizen types it (issue 17): on a 390 px phone, the phrasings of the
issue, typed into the catalogue's search box, list the right procedure first as the
citizen types; a passport gets the "handled elsewhere" answer instead of unrelated
entries; nothing found suggests sectors and popular procedures."""

import re

import pytest

pytestmark = pytest.mark.e2e


def _search(page, base, text):
    """Type the words as a person would; the results follow (HTMX, after a pause)."""
    page.goto(base + "/thu-tuc/")
    box = page.get_by_role("searchbox", name="Tìm thủ tục")
    box.click()
    box.press_sequentially(text, delay=20)
    page.wait_for_url(re.compile(r"[?&]q="))
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("cấp đổi giấy phép lái xe", "Đổi giấy phép lái xe"),
        ("cap doi giay phep lai xe", "Đổi giấy phép lái xe"),
        ("đổi bằng lái xe", "Đổi giấy phép lái xe"),
        ("đăng kí kết hôn", "Thủ tục đăng ký kết hôn"),
        ("marriage registration", "Thủ tục đăng ký kết hôn"),
    ],
)
def test_typing_a_phrasing_lists_the_procedure_first(server, page, typed, expected):
    base, _ = server
    _search(page, base, typed)
    first = page.locator("#results .result-list li a").first
    first.wait_for()
    assert first.inner_text().strip() == expected


def test_an_abbreviation_lists_the_driving_licence_procedures(server, page):
    base, _ = server
    _search(page, base, "GPLX")
    names = page.locator("#results .result-list li a").all_inner_texts()
    assert set(names[:2]) == {"Đổi giấy phép lái xe", "Cấp lại giấy phép lái xe"}


def test_a_passport_is_answered_as_handled_elsewhere(server, page):
    base, _ = server
    _search(page, base, "hộ chiếu")
    answer = page.get_by_role("heading", name="Hộ chiếu và thị thực")
    answer.wait_for()
    assert page.locator("#results .result-list").count() == 0
    assert "Công an" in page.locator("#results").inner_text()
    link = page.locator("#results .elsewhere a").first
    assert link.get_attribute("href") == "https://dichvucong.gov.vn"


def test_nothing_found_suggests_sectors_and_popular_procedures(server, page):
    base, _ = server
    _search(page, base, "qwxzyk")
    page.get_by_role("heading", name="Không tìm thấy thủ tục nào").wait_for()
    page.get_by_role("link", name="Thủ tục đăng ký khai sinh").first.wait_for()
    page.get_by_role("link", name="Hộ tịch", exact=True).click()
    page.wait_for_url(re.compile(r"sector=ho-tich"))
    names = page.locator(".result-list li a").all_inner_texts()
    assert "Thủ tục đăng ký khai sinh" in names
