"""A requests transport that hands each request to Django's test client, so that a
real OAuth 2.0 / OpenID Connect client library (Authlib's OAuth2Session, a requests
Session) talks to the real views in the test's own transaction. Only the socket is
left out: URLs, headers, bodies and responses are the library's and Django's own."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from django.test import Client
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict


class DjangoTransport(BaseAdapter):
    def __init__(self, client: Client | None = None) -> None:
        super().__init__()
        self.client = client or Client()

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in {"content-length", "content-type", "host"}
        }
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        django_response = self.client.generic(
            request.method,
            path,
            data=body,
            content_type=request.headers.get("Content-Type", ""),
            secure=parts.scheme == "https",
            headers=headers,
        )
        response = requests.Response()
        response.status_code = django_response.status_code
        response.headers = CaseInsensitiveDict(dict(django_response.items()))
        response._content = django_response.content
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


def mount(session: requests.Session, base_url: str) -> requests.Session:
    session.mount(base_url, DjangoTransport())
    return session
