"""Whose address a request is: X-Forwarded-For counts only when it was written by a
proxy we were told to trust (TRUSTED_PROXIES), never by the client itself."""

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from tinhso.core.middleware import RequestContextMiddleware, client_ip

rf = RequestFactory()


def _ip(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(rf.get("/", **extra))


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8", "::1"]


def test_a_stranger_cannot_choose_its_address_by_a_header(behind_proxy):
    assert _ip("203.0.113.5", "1.2.3.4") == "203.0.113.5"
    assert _ip("203.0.113.5", "10.0.0.9, 1.2.3.4") == "203.0.113.5"


def test_our_proxy_says_who_connected_to_it(behind_proxy):
    assert _ip("127.0.0.1", "198.51.100.7") == "198.51.100.7"
    # What the client wrote itself stays on the left and is not believed.
    assert _ip("127.0.0.1", "1.2.3.4, 198.51.100.7") == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_walked_back_to_the_client(behind_proxy):
    assert _ip("10.0.0.2", "9.9.9.9, 198.51.100.7, 10.0.0.7") == "198.51.100.7"
    assert _ip("::1", "2001:db8::5") == "2001:db8::5"


def test_garbage_from_the_client_side_is_not_an_address(behind_proxy):
    assert _ip("127.0.0.1", "not-an-ip") == "127.0.0.1"
    assert _ip("127.0.0.1", "") == "127.0.0.1"


def test_without_a_proxy_the_header_means_nothing(settings):
    settings.BEHIND_PROXY = False
    settings.TRUSTED_PROXIES = []
    assert _ip("127.0.0.1", "198.51.100.7") == "127.0.0.1"


def test_a_stranger_cannot_claim_https_either(behind_proxy):
    seen = []

    def view(request):
        seen.append(request.is_secure())
        return HttpResponse("ok")

    middleware = RequestContextMiddleware(view)
    middleware(rf.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_PROTO="https"))
    middleware(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_PROTO="https"))
    assert seen == [False, True]


@pytest.mark.django_db
def test_rotating_the_header_does_not_escape_the_sign_in_limit(behind_proxy, settings):
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 3
    attacker = Client(REMOTE_ADDR="203.0.113.5")
    statuses = [
        attacker.post(
            "/tai-khoan/dang-nhap/",
            {"username": "khong-co", "password": "sai-mat-khau-1"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(5)
    ]
    assert statuses[-1] == 429, statuses
