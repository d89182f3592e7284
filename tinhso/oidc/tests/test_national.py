"""Sign-in with the national identity, end to end: tinhso's own OpenID Connect provider
stands in for VNeID on the live test server. The two roles are two origins of that
server (http://localhost:PORT the national provider, http://127.0.0.1:PORT tinhso),
so the browser (a requests session) keeps a separate session with each, and every
step is real HTTP: the redirect to the provider, its sign-in and consent pages, the
code sent back, and tinhso's server-side token request and ID-token check (Authlib)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
import requests

from tinhso.audit.models import AuditEvent
from tinhso.oidc import services
from tinhso.oidc.models import NationalIdentity
from tinhso.testing import TEST_PASSWORD
from tinhso.testing.factories import CitizenFactory

CALLBACK_PATH = "/tai-khoan/dinh-danh-quoc-gia/ve/"


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}, "names": set()})
        elif tag in {"input", "button"} and self.forms and attrs.get("name"):
            self.forms[-1]["names"].add(attrs["name"])
            if attrs.get("type") == "hidden":
                self.forms[-1]["fields"].setdefault(attrs["name"], attrs.get("value") or "")


def submit(browser: requests.Session, page: requests.Response, with_field: str, **values):
    """Fill and send the page's form that has `with_field`, as a browser would."""
    parser = _Forms()
    parser.feed(page.text)
    form = next(f for f in parser.forms if with_field in f["names"])
    data = form["fields"] | values
    return browser.post(urljoin(page.url, form["action"]), data=data)


@pytest.fixture
def two_origins(live_server, settings, db):
    port = live_server.thread.port
    provider, tinhso = f"http://localhost:{port}", f"http://127.0.0.1:{port}"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost", "127.0.0.1"]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.PUBLIC_BASE_URL = tinhso
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": provider}
    client, secret = services.register_client(
        actor=None,
        name="Định danh quốc gia (thử nghiệm)",
        redirect_uris=[tinhso + CALLBACK_PATH],
        scopes=["openid", "profile", "personal_id"],
    )
    settings.VNEID_ISSUER = provider
    settings.VNEID_CLIENT_ID = client.client_id
    settings.VNEID_CLIENT_SECRET = secret
    return provider, tinhso


@pytest.mark.django_db
def test_national_sign_in_links_the_account_by_personal_id(two_origins):
    provider, tinhso = two_origins
    person = CitizenFactory(username="vneid_nguoidung")
    browser = requests.Session()

    sign_in_page = browser.get(f"{tinhso}/tai-khoan/dang-nhap/")
    assert "Đăng nhập bằng định danh quốc gia" in sign_in_page.text

    # tinhso sends the browser to the national provider, which asks for its sign-in.
    at_provider = browser.get(f"{tinhso}/tai-khoan/dinh-danh-quoc-gia/?next=/tai-khoan/ho-so/")
    assert at_provider.url.startswith(f"{provider}/tai-khoan/dang-nhap/")
    consent = submit(
        browser, at_provider, "password", username=person.username, password=TEST_PASSWORD
    )
    assert consent.url.startswith(f"{provider}/oidc/authorize/")
    assert "Số định danh cá nhân" in consent.text

    # Consent sends the code back to tinhso, which checks the ID token and links.
    back = submit(browser, consent, "client_id", allow="1")
    assert back.status_code == 200, back.text
    assert back.url == f"{tinhso}/tai-khoan/ho-so/"
    assert person.full_name in back.text

    link = NationalIdentity.objects.get()
    assert (link.user_id, link.issuer, link.subject) == (person.pk, provider, str(person.pk))
    assert AuditEvent.objects.filter(
        action="oidc.national_identity_linked", object_id=str(person.pk)
    ).exists()

    # A second national sign-in finds the link (no new one) and signs in again.
    again = requests.Session()
    page = again.get(f"{tinhso}/tai-khoan/dinh-danh-quoc-gia/")
    page = submit(again, page, "password", username=person.username, password=TEST_PASSWORD)
    assert page.url.startswith(f"{tinhso}/")  # consent remembered: straight back
    assert NationalIdentity.objects.count() == 1


@pytest.mark.django_db
def test_a_callback_tinhso_did_not_start_is_refused(two_origins):
    _, tinhso = two_origins
    response = requests.get(f"{tinhso}{CALLBACK_PATH}?code=abc&state=forged")
    assert response.status_code == 400
    assert "Không đăng nhập được bằng định danh quốc gia" in response.text
    assert not NationalIdentity.objects.exists()
