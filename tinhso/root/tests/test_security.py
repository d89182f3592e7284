"""What keeps strangers out: limits on guessing (sign-in, the public verifier),
CSRF on everything a browser's cookie can reach, a new session at each sign-in step,
and a content-security policy without inline code on the main pages."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tinhso.accounts import services as accounts
from tinhso.accounts.models import Role
from tinhso.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = "/tai-khoan/dang-nhap/"


def _sign_in(client, username, password, address="198.51.100.7"):
    return client.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_many_failed_sign_ins_from_one_address_are_stopped(client, make_citizen, settings):
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 5
    victims = [make_citizen() for _ in range(3)]
    for n in range(5):  # a few guesses at several accounts: under each account's lockout
        assert _sign_in(client, victims[n % 3].username, f"sai-{n}").status_code == 400
    blocked = _sign_in(client, victims[0].username, TEST_PASSWORD)
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "900"
    assert "quá nhiều lần đăng nhập không thành công" in blocked.content.decode()
    assert "_auth_user_id" not in client.session  # even the right password waits
    other = Client()  # someone else, from another address, is not held up
    assert _sign_in(other, victims[1].username, TEST_PASSWORD, "203.0.113.9").status_code == 302


def test_wrong_second_factor_codes_count_against_the_address(client, make_staff, settings):
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 3
    settings.LOCKOUT_THRESHOLD = 100  # the address limit, not the account's lockout
    officer = make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC")
    accounts.create_confirmed_totp(user=officer)
    assert _sign_in(client, officer.username, TEST_PASSWORD).status_code == 302
    for _ in range(3):
        wrong = client.post(
            "/tai-khoan/dang-nhap/xac-thuc/", {"otp_token": "000000"}, REMOTE_ADDR="198.51.100.7"
        )
        assert wrong.status_code == 400
    blocked = client.post(
        "/tai-khoan/dang-nhap/xac-thuc/", {"otp_token": "123456"}, REMOTE_ADDR="198.51.100.7"
    )
    assert blocked.status_code == 429


def test_the_public_verifier_is_limited_per_address(client, settings):
    settings.VERIFICATIONS_PER_ADDRESS = 2

    def check(path):
        upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
        return client.post(path, {"file": upload}, REMOTE_ADDR="198.51.100.8")

    assert check("/api/v1/verify").status_code == 200
    assert check("/xac-thuc/").status_code == 200
    api = check("/api/v1/verify")
    assert api.status_code == 429
    assert api["Content-Type"].startswith("application/problem+json")
    assert api.json()["code"] == "too_many_attempts" and api["Retry-After"] == "600"
    page = check("/xac-thuc/")
    assert page.status_code == 429
    assert "quá nhiều tệp để kiểm tra" in page.content.decode()


def test_tracking_guesses_get_a_problem_with_retry_after(client, settings):
    from tinhso.dossiers import tracking

    for n in range(tracking.TRACKING_FAILURES_PER_HOUR):
        client.get("/api/v1/tracking", {"code": "KHONG-CO", "last4": f"{n:04d}"})
    blocked = client.get("/api/v1/tracking", {"code": "KHONG-CO", "last4": "1234"})
    assert blocked.status_code == 429 and blocked["Retry-After"] == "3600"
    page = client.post("/tra-cuu/", {"ma": "KHONG-CO", "so": "1234"})
    assert page.status_code == 429
    assert "Tra cứu sai quá nhiều lần" in page.content.decode()


def test_session_key_changes_at_each_sign_in_step(client, make_staff):
    from django_otp.oath import totp

    officer = make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC")
    device = accounts.create_confirmed_totp(user=officer)
    client.get(SIGN_IN)
    session = client.session
    session["planted"] = 1  # a session an attacker could have planted
    session.save()
    planted = session.session_key
    _sign_in(client, officer.username, TEST_PASSWORD)
    pending = client.session.session_key
    assert pending != planted
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    done = client.post("/tai-khoan/dang-nhap/xac-thuc/", {"otp_token": code})
    assert done.status_code == 302
    assert client.session.session_key not in {planted, pending}


def test_api_writes_with_the_session_cookie_need_the_csrf_token(citizen, api_as):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(citizen)
    body = json.dumps({"procedure": "9.000001", "data": {}})
    refused = browser.post("/api/v1/dossiers", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/problem+json")
    browser.get("/")  # the page sets the CSRF cookie, as a browser would receive it
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/v1/dossiers", body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code != 403
    # A token is not ambient authority a page could borrow: no CSRF needed.
    _, raw = accounts.issue_api_token(actor=None, user=citizen, name="t")
    script = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert script.post("/api/v1/dossiers", body, content_type="application/json").status_code != 403


def test_page_forms_refuse_a_post_without_the_token(citizen, make_staff):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(citizen)
    for path in ("/ho-so/moi/9.000001/", "/tai-khoan/ho-so/", "/tra-cuu/", "/xac-thuc/"):
        response = browser.post(path, {"x": "1"})
        assert response.status_code == 403, path


@pytest.fixture
def officer_pages(make_staff):
    from django_otp import DEVICE_ID_SESSION_KEY

    officer = make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC")
    device = accounts.create_confirmed_totp(user=officer)
    client = Client()
    client.force_login(officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


PUBLIC_PAGES = [
    "/",
    "/thu-tuc/",
    "/thu-tuc/?q=giay+phep+lai+xe",
    "/thu-tuc/9.000001/",
    "/tai-khoan/dang-nhap/",
    "/tai-khoan/dang-ky/",
    "/tra-cuu/",
    "/xac-thuc/",
]


def _assert_strict_csp(response, path):
    csp = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in csp.split(";") if part.strip()
    )
    for name in ("default-src", "script-src", "style-src"):
        assert directives[name] == ["'self'"], (path, name, directives[name])
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
    html = response.content.decode()
    assert "<script>" not in html and "<style" not in html and " style=" not in html, path
    assert " onclick=" not in html and " onload=" not in html, path


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_main_public_pages_have_a_strict_csp(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    _assert_strict_csp(response, path)


def test_signed_in_pages_have_a_strict_csp(client, citizen, officer_pages):
    client.force_login(citizen)
    for path in ("/ho-so/", "/thong-bao/", "/tai-khoan/ho-so/"):
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_strict_csp(response, path)
    response = officer_pages.get("/lam-viec/ho-so/")
    assert response.status_code == 200
    _assert_strict_csp(response, "/lam-viec/ho-so/")
