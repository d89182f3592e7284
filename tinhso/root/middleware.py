"""Kernel middleware bound to the accounts that the kernel does not know, and the
public pages' cache (bound to the catalogue)."""

import hashlib
import re
import threading
import time
from collections.abc import Callable

from cachetools import LRUCache
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import timezone

from tinhso.accounts.auth import user_for_request_token
from tinhso.core.idempotency import BaseIdempotencyMiddleware
from tinhso.procedures.selectors import catalogue_stamp


class IdempotencyMiddleware(BaseIdempotencyMiddleware):
    def user_for_token(self, request, token: str):
        return user_for_request_token(request, token)


# ---------------------------------------------------------------- public pages' cache


def _catalogue(request) -> str:
    return catalogue_stamp()


def _tracked(request) -> str | None:
    """A dossier's public tracking answer: kept per dossier under what it shows (its
    status, dates, last timeline entry), served only to a request whose code and
    digits match and that no limit stops (dossiers.tracking.tracking_stamp);
    anything else goes the whole way (a 404 counted, a 429). The procedure's name in
    it follows a rename within the time bound, as an agency's does."""
    from tinhso.core.middleware import client_ip
    from tinhso.dossiers.tracking import tracking_stamp

    stamp = tracking_stamp(
        request.GET.get("code", ""), request.GET.get("last4", ""), client=client_ip(request) or "-"
    )
    return None if stamp is None else f"tracking:{stamp}"


class _CsrfCheck(CsrfViewMiddleware):
    """Django's CSRF check, only saying whether a request passes (anything but None:
    refused), without the refusal's page and log line, which the whole way then gives
    once."""

    def _reject(self, request, reason):
        return reason


def _tracked_form(request) -> str | None:
    """The tracking page's lookup (a POST: the digits never go in an address), kept as
    the API's answer is: per dossier, under what it shows, served only to a visitor
    whose form passes Django's CSRF check and the form's own rules, with a code and
    digits that match and no limit hit. Anything else goes the whole way (the errors
    shown, a failure counted, a 403 or a 429)."""
    from tinhso.core.middleware import client_ip
    from tinhso.dossiers.tracking import tracking_stamp
    from tinhso.dossiers.views import TrackingForm, track

    csrf = _CsrfCheck(track)  # (its get_response: never called here)
    csrf.process_request(request)  # the visitor's secret, as the stack would read it
    if csrf.process_view(request, track, (), {}) is not None:
        return None  # refused: the whole way refuses it, logs it and shows its 403 page
    accepted = TrackingForm.accepted(request.POST)
    if accepted is None:
        return None
    code, digits = accepted
    stamp = tracking_stamp(code, digits, client=client_ip(request) or "-")
    # the page shows the form as it was filled: the values are part of the answer
    return None if stamp is None else f"tracking-form:{stamp}:{code!r}:{digits}"


# What an anonymous GET of these paths answers depends only on what the stamp reads
# (the catalogue, a dossier's row) and the language: the answer is kept, per server
# process, under that stamp, so an edit ends it in every process at once. A stamp of
# None: not kept, the whole way.
PUBLIC_PATHS: list[tuple[re.Pattern[str], Callable[..., str | None]]] = [
    (re.compile(r"^/api/v1/procedures(/[^/]+)?$"), _catalogue),
    (re.compile(r"^/thu-tuc/$"), _catalogue),  # the search, its page and fragment
    (re.compile(r"^/thu-tuc/[0-9A-Za-z.]+/$"), _catalogue),  # a procedure's page
    (re.compile(r"^/tra-cuu/$"), _catalogue),  # the tracking form (a lookup is a POST)
    (re.compile(r"^/api/v1/tracking$"), _tracked),
]
# The same for an anonymous POST of these forms: a lookup, which changes nothing.
PUBLIC_FORMS: list[tuple[re.Pattern[str], Callable[..., str | None]]] = [
    (re.compile(r"^/tra-cuu/$"), _tracked_form),
]


def _queue(request, user) -> str | None:
    from tinhso.dossiers.stamps import queue_stamp

    return queue_stamp(user, status=request.GET.get("status"))


def _my_dossiers(request, user) -> str | None:
    from tinhso.dossiers.stamps import my_dossiers_stamp

    return my_dossiers_stamp(user)


# The same, for a person's own reads with an API token (`Authorization: Bearer`):
# the token is checked on every request (a revoked one is refused at once), and the
# answer is kept under the person and a stamp of what it shows (dossiers.stamps).
TOKEN_PATHS: list[tuple[re.Pattern[str], Callable[..., str | None]]] = [
    (re.compile(r"^/api/v1/queue$"), _queue),
    (re.compile(r"^/api/v1/dossiers$"), _my_dossiers),
]
# A page's CSRF tokens (the language switch of every page) are kept as a slot and
# filled on each answer with a token of this visitor's own secret (set as a cookie to a
# visitor who has none), as if the page had been rendered for them.
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_SLOT = b"\x00csrf\x00"
_SKIPPED_HEADERS = {"set-cookie", "x-request-id", "etag", "content-length"}
_kept: LRUCache[str, tuple[int, bytes, list[tuple[str, str]], bool]] = LRUCache(
    maxsize=32 * 1024 * 1024, getsizeof=lambda entry: len(entry[1]) + 512
)
_kept_lock = threading.Lock()


class PublicCacheMiddleware:
    """Anonymous GETs of the public catalogue: answered from this process's memory (the
    same bytes and headers the full stack gave the first time) without the session,
    CSRF, authentication and locale layers, and with an ETag (a 304 to a client that
    has it). Only a 200 that sets no cookie but the CSRF one and carries no CSP nonce is
    kept; a request with credentials or any cookie but the CSRF and language ones (a
    session, a message) always goes the whole way. Two more: the tracking form's
    lookup (PUBLIC_FORMS, a POST that changes nothing, its CSRF check run first), and
    a person's own reads with an API token (TOKEN_PATHS), kept under that person and
    the stamp of what the answer shows, the token checked every time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        private = "HTTP_AUTHORIZATION" in request.META
        stamp = self._token_stamp(request) if private else self._stamp(request)
        if stamp is None:
            return self.get_response(request)
        try:
            key = self._key(request, stamp)
        except DisallowedHost:  # the whole way says so (400)
            return self.get_response(request)
        etag = f'"{key[:32]}"'
        if request.method == "GET" and etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            if private:  # a person's own answer: kept by nobody on the way either
                response["Cache-Control"] = "private, no-store"
            return response
        with _kept_lock:
            entry = _kept.get(key)
        if entry is not None:
            status, body, headers, with_csrf = entry

            def answer(request):
                filled = body
                if with_csrf:  # one masked token for the page, as its render gives
                    filled = body.replace(_CSRF_SLOT, get_token(request).encode())
                response = HttpResponse(filled, status=status)
                for name, value in headers:
                    response[name] = value
                response["Content-Length"] = str(len(filled))
                response["ETag"] = etag
                return response

            # Django's CSRF layer reads the visitor's secret and sets its cookie if new
            return CsrfViewMiddleware(answer)(request) if with_csrf else answer(request)
        response = self.get_response(request)
        if self._keepable(response, private=private):
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in _SKIPPED_HEADERS
            ]
            body, slots = _CSRF_INPUT.subn(rb"\1" + _CSRF_SLOT + rb"\2", response.content)
            with _kept_lock:
                _kept[key] = (response.status_code, body, headers, slots > 0)
            response["ETag"] = etag
        return response

    @staticmethod
    def _stamp(request) -> str | None:
        seconds = getattr(settings, "PUBLIC_CACHE_SECONDS", 0)
        paths = {"GET": PUBLIC_PATHS, "POST": PUBLIC_FORMS}.get(request.method)
        if seconds <= 0 or paths is None or "HTTP_AUTHORIZATION" in request.META:
            return None
        if not set(request.COOKIES) <= {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}:
            return None  # perhaps signed in, a message waiting: their own page
        if settings.CSRF_USE_SESSIONS:
            return None
        for pattern, stamp_of in paths:
            if pattern.match(request.path_info):
                stamp = stamp_of(request)
                if stamp is None:
                    return None
                # and a time bound, for what the stamp does not see (an agency renamed)
                return f"{stamp}:{int(time.time() // seconds)}"
        return None

    @staticmethod
    def _token_stamp(request) -> str | None:
        """A GET with a bearer token of one of TOKEN_PATHS, and no cookie but the CSRF
        and language ones: the token's person (looked up once for the request, as the
        API's authentication then finds it), and the stamp of their answer, the day
        and the time bound; None (the whole way) for anything else, an unknown or
        revoked token included."""
        seconds = getattr(settings, "PUBLIC_CACHE_SECONDS", 0)
        if seconds <= 0 or request.method != "GET":
            return None
        if not set(request.COOKIES) <= {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}:
            return None
        stamp_of = next((f for pattern, f in TOKEN_PATHS if pattern.match(request.path_info)), None)
        if stamp_of is None:
            return None
        parts = request.META["HTTP_AUTHORIZATION"].split(" ")  # as ninja's HttpBearer
        if parts[0].lower() != "bearer":
            return None
        user = user_for_request_token(request, " ".join(parts[1:]))
        if user is None:
            return None
        stamp = stamp_of(request, user)
        if stamp is None:
            return None
        return f"{stamp}:{timezone.localdate()}:{int(time.time() // seconds)}"

    @staticmethod
    def _key(request, stamp: str) -> str:
        parts = (
            stamp,
            # the links in an answer (a page's `next`) name the scheme and host asked
            request.scheme,
            request.get_host(),
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
    def _keepable(response, *, private: bool = False) -> bool:
        """A 200 setting no cookie but the CSRF one (none for a token's), without a
        CSP nonce; a public answer not marked private."""
        return (
            response.status_code == 200
            and not response.streaming
            and set(response.cookies) <= (set() if private else {settings.CSRF_COOKIE_NAME})
            and "nonce-" not in response.get("Content-Security-Policy", "")
            and (private or "private" not in response.get("Cache-Control", ""))
        )


def forget_public_answers() -> None:
    """Tests: start from an empty cache."""
    with _kept_lock:
        _kept.clear()
