"""Every page's footer and the pages it links to, the error pages in both languages,
the favicon, the procedure page (who, how, where, the apply button first) and the
catalogue's English names (issue 17, items 5 and 12)."""

import pytest
from django.template.loader import render_to_string
from django.test import override_settings

from tinhso.procedures.english import english_name, names
from tinhso.testing import DRIVING

pytestmark = pytest.mark.django_db

FOOTER_PAGES = (
    "/lien-he/",
    "/cau-hoi-thuong-gap/",
    "/quyen-rieng-tu/",
    "/tro-nang/",
    "/gop-y/",
)


def _footer(html: str) -> str:
    return html.split('<footer class="container site-footer">', 1)[1].split("</footer>", 1)[0]


@pytest.mark.parametrize("path", ["/", "/thu-tuc/", f"/thu-tuc/{DRIVING}/", "/tra-cuu/"])
def test_every_page_has_the_footer_with_help_and_the_notices(client, path):
    footer = _footer(client.get(path).content.decode())
    assert 'href="tel:18001096"' in footer  # the national portal's hotline, always
    for page in FOOTER_PAGES:
        assert f'href="{page}"' in footer


@override_settings(SUPPORT_HOTLINE="02033 888 888", SUPPORT_EMAIL="hotro@example.vn")
def test_the_provinces_own_hotline_shows_when_it_has_one(client):
    html = client.get("/lien-he/").content.decode()
    assert "02033 888 888" in _footer(html) and "mailto:hotro@example.vn" in html


@pytest.mark.parametrize("path", FOOTER_PAGES)
def test_the_footer_pages_exist_in_both_languages(client, path):
    vi = client.get(path)
    assert vi.status_code == 200 and "<h1>" in vi.content.decode()
    client.cookies["django_language"] = "en"
    en = client.get(path).content.decode()
    assert '<html lang="en">' in en
    heading = en.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert heading.isascii()  # translated, not the Vietnamese


def test_the_404_page_is_in_the_readers_language(client):
    vi = client.get("/khong-co-trang-nay/")
    assert vi.status_code == 404 and "Không tìm thấy trang" in vi.content.decode()
    client.cookies["django_language"] = "en"
    en = client.get("/khong-co-trang-nay/").content.decode()
    assert "Page not found" in en and 'href="/thu-tuc/"' in en


def test_the_500_page_needs_no_context_and_speaks_both_languages():
    html = render_to_string("500.html")
    assert "Xin lỗi, hệ thống đang gặp lỗi" in html and "Sorry, something went wrong" in html
    assert '<section lang="en">' in html and "<script" not in html and "style=" not in html


def test_a_favicon_is_served(client):
    page = client.get("/").content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg"' in page
    old = client.get("/favicon.ico")
    assert old.status_code == 301 and old["Location"] == "/static/img/favicon.ico"


def test_the_procedure_page_says_who_how_and_where_with_the_apply_button_first(client):
    html = client.get(f"/thu-tuc/{DRIVING}/").content.decode()
    main = html.split("<main", 1)[1]
    apply_at = main.index(f'href="/ho-so/moi/{DRIVING}/"')
    assert apply_at < main.index("<h2")
    assert main.count(f'href="/ho-so/moi/{DRIVING}/"') == 1
    for heading in ("Ai được làm thủ tục này", "Cách nộp hồ sơ", "Nộp trực tiếp ở đâu"):
        assert heading in main
    assert "Trực tiếp tại bộ phận một cửa" in main and "bưu chính công ích" in main
    assert "Trung tâm Phục vụ hành chính công" in main
    assert "Giờ tiếp nhận: Thứ Hai – Thứ Sáu" in main


def test_a_ward_procedure_is_filed_at_any_wards_desk(client):
    from tinhso.testing import BIRTH

    main = client.get(f"/thu-tuc/{BIRTH}/").content.decode().split("<main", 1)[1]
    assert "Bộ phận một cửa của Ủy ban nhân dân phường, xã, đặc khu bạn chọn" in main


def test_working_days_are_counted_in_english(client):
    client.cookies["django_language"] = "en"
    html = client.get(f"/thu-tuc/{DRIVING}/").content.decode()
    assert "5 working days" in html


def test_one_working_day_is_singular_in_english():
    from django.template import Context, Template
    from django.utils import translation

    template = Template(
        "{% load i18n %}{% blocktrans count n=n %}{{ n }} ngày làm việc{% plural %}"
        "{{ n }} ngày làm việc{% endblocktrans %}"
    )
    with translation.override("en"):
        assert template.render(Context({"n": 1})) == "1 working day"
        assert template.render(Context({"n": 2})) == "2 working days"
    with translation.override("vi"):
        assert template.render(Context({"n": 1})) == "1 ngày làm việc"


def test_the_catalogues_english_names_cover_every_procedure_sector_and_agency():
    import csv
    import json

    from tinhso.accounts.services.agencies import DATA_DIR
    from tinhso.procedures.services import DATA_FILE

    catalogue = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert all(english_name("procedure", p["code"]) for p in catalogue["procedures"])
    assert all(english_name("sector", s["code"]) for s in catalogue["sectors"])
    papers = {d["kind"] for p in catalogue["procedures"] for d in p["documents"]}
    assert all(english_name("paper", kind) for kind in papers)
    with (DATA_DIR / "agencies.csv").open(encoding="utf-8") as fh:
        assert all(english_name("agency", row["code"]) for row in csv.DictReader(fh))
    assert {kind for kind, _code in names()} == {"procedure", "paper", "sector", "agency"}


def test_a_procedure_page_in_english_uses_the_english_names_with_the_vietnamese_as_fallback(
    client,
):
    from tinhso.procedures.english import localized

    assert localized("procedure", "1.001193", "Thủ tục đăng ký khai sinh", language="en") == (
        "Birth registration"
    )
    assert localized("procedure", "9.999999", "Thủ tục mới", language="en") == "Thủ tục mới"
    assert localized("procedure", "1.001193", "Thủ tục đăng ký khai sinh", language="vi") == (
        "Thủ tục đăng ký khai sinh"
    )
    client.cookies["django_language"] = "en"
    html = client.get(f"/thu-tuc/{DRIVING}/").content.decode()
    assert "Cấp đổi giấy phép lái xe (thử nghiệm)" in html  # test entry: no English name
    assert "Public Administrative Service Centre" in html  # the desk's English name
