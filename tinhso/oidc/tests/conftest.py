from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings

from tinhso.oidc import services

from .transport import mount

CALLBACK = "https://yte.quangninh.example/oidc/callback"


@dataclass
class Registered:
    client_id: str
    secret: str


@pytest.fixture
def register():
    def make(scopes=None, redirect_uri=CALLBACK, name="Cổng y tế"):
        client, secret = services.register_client(
            actor=None, name=name, redirect_uris=[redirect_uri], scopes=scopes
        )
        return Registered(client.client_id, secret)

    return make


@pytest.fixture
def rp(register):
    return register()


def endpoint(name: str) -> str:
    paths = {
        "authorize": "/oidc/authorize/",
        "token": "/oidc/token/",
        "userinfo": "/oidc/userinfo/",
        "jwks": "/.well-known/jwks.json",
        "discovery": "/.well-known/openid-configuration",
    }
    return settings.PUBLIC_BASE_URL + paths[name]


class Flow:
    """One relying party's sign-in, driven by Authlib's OAuth2Session (PKCE S256),
    with the person's browser played by Django's test client."""

    def __init__(self, registered: Registered, browser, scope="openid profile email phone"):
        self.session = mount(
            OAuth2Session(
                registered.client_id,
                registered.secret,
                scope=scope,
                redirect_uri=CALLBACK,
                code_challenge_method="S256",
            ),
            settings.PUBLIC_BASE_URL,
        )
        self.registered = registered
        self.browser = browser
        self.nonce = secrets.token_urlsafe(16)
        self.verifier = secrets.token_urlsafe(48)

    def authorization_url(self, **extra) -> str:
        url, self.state = self.session.create_authorization_url(
            endpoint("authorize"), nonce=self.nonce, code_verifier=self.verifier, **extra
        )
        return url

    def open(self, url: str):
        parts = urlsplit(url)
        return self.browser.get(f"{parts.path}?{parts.query}")

    def consent(self, allow=True):
        """Open the authorization URL, then answer the consent page; the redirect."""
        page = self.open(self.authorization_url())
        assert page.status_code == 200, page.content
        data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
        if allow:
            data["allow"] = "1"
        answer = self.browser.post("/oidc/authorize/", data)
        assert answer.status_code == 302
        return answer["Location"]

    def token(self, authorization_response: str, **kwargs):
        return self.session.fetch_token(
            endpoint("token"),
            authorization_response=authorization_response,
            code_verifier=kwargs.pop("code_verifier", self.verifier),
            **kwargs,
        )


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
