"""Kernel middleware bound to the accounts that the kernel does not know, and the
public pages' cache (bound to the catalogue)."""

import hashlib
import re
import threading
import time
from collections.abc import Callable

from cachetools import LRUCache
from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified

from tinhso.accounts.auth import user_for_request_token
from tinhso.core.idempotency import BaseIdempotencyMiddleware
from tinhso.procedures.selectors import catalogue_stamp


class IdempotencyMiddleware(BaseIdempotencyMiddleware):
    def user_for_token(self, request, token: str):
        return user_for_request_token(request, token)


# ---------------------------------------------------------------- public pages' cache


# What an anonymous GET of these paths answers depends only on the catalogue (and the
# language): the answer is kept, per server process, under the catalogue's stamp (one
# read of the shared cache), so an edit ends it in every process at once.
PUBLIC_PATHS: list[tuple[re.Pattern[str], Callable[[], str]]] = [
    (re.compile(r"^/api/v1/procedures(/[^/]+)?$"), catalogue_stamp),
    (re.compile(r"^/thu-tuc/$"), catalogue_stamp),  # the search (its HTMX fragment)
]
_SKIPPED_HEADERS = {"set-cookie", "x-request-id", "etag", "content-length"}
_kept: LRUCache[str, tuple[int, bytes, list[tuple[str, str]]]] = LRUCache(
    maxsize=32 * 1024 * 1024, getsizeof=lambda entry: len(entry[1]) + 512
)
_kept_lock = threading.Lock()


class PublicCacheMiddleware:
    """Anonymous GETs of the public catalogue: answered from this process's memory (the
    same bytes and headers the full stack gave the first time) without the session,
    CSRF, authentication and locale layers, and with an ETag (a 304 to a client that
    has it). Only a 200 that sets no cookie and carries no CSP nonce is kept; a request
    with a session cookie or credentials always goes the whole way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        stamp = self._stamp(request)
        if stamp is None:
            return self.get_response(request)
        key = self._key(request, stamp)
        etag = f'"{key[:32]}"'
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return response
        with _kept_lock:
            entry = _kept.get(key)
        if entry is not None:
            status, body, headers = entry
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response[name] = value
            response["ETag"] = etag
            return response
        response = self.get_response(request)
        if self._keepable(request, response):
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in _SKIPPED_HEADERS
            ]
            with _kept_lock:
                _kept[key] = (response.status_code, response.content, headers)
            response["ETag"] = etag
        return response

    @staticmethod
    def _stamp(request) -> str | None:
        seconds = getattr(settings, "PUBLIC_CACHE_SECONDS", 0)
        if seconds <= 0 or request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None  # perhaps signed in: their own page
        for pattern, stamp in PUBLIC_PATHS:
            if pattern.match(request.path_info):
                # and a time bound, for what the stamp does not see (an agency renamed)
                return f"{stamp()}:{int(time.time() // seconds)}"
        return None

    @staticmethod
    def _key(request, stamp: str) -> str:
        parts = (
            stamp,
            request.get_full_path(),
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
            request.META.get("HTTP_ACCEPT_LANGUAGE", "")
            if request.path.startswith("/api/")
            else "",
            request.headers.get("HX-Request", ""),
            request.headers.get("Accept", ""),
        )
        return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()

    @staticmethod
    def _keepable(request, response) -> bool:
        return (
            response.status_code == 200
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a page with a CSRF token
            and not response.streaming
            and not response.cookies
            and "nonce-" not in response.get("Content-Security-Policy", "")
            and "private" not in response.get("Cache-Control", "")
        )


def forget_public_answers() -> None:
    """Tests: start from an empty cache."""
    with _kept_lock:
        _kept.clear()
