import pytest

pytestmark = pytest.mark.django_db


def test_home_names_the_province_in_vietnamese(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Quảng Ninh" in html
    assert "54 đơn vị hành chính cấp xã" in html


def test_home_in_english_after_the_switch(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html


def test_strict_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Request-ID"]


def test_pages_have_no_inline_script_or_style(client):
    html = client.get("/").content.decode() + client.get("/tai-khoan/dang-nhap/").content.decode()
    assert "<script>" not in html and " style=" not in html and "<style" not in html


def test_static_assets_are_local(client):
    html = client.get("/").content.decode()
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200


def test_home_query_count_is_bounded(client, django_assert_max_num_queries):
    assert client.get("/").status_code == 200  # warm the province cache
    with django_assert_max_num_queries(3):
        response = client.get("/")
    assert response.status_code == 200
