from __future__ import annotations

import functools
import ipaddress

from django.conf import settings

from . import context

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address(text: str | None) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip()) if text else None
    except ValueError:
        return None


@functools.lru_cache(maxsize=8)
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(e, strict=False) for e in entries)


def _trusted(address: Address | None) -> bool:
    """Is this a proxy of ours (TRUSTED_PROXIES: addresses and networks)?"""
    if address is None:
        return False
    proxies = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    return any(address in network for network in proxies)


def from_trusted_proxy(request) -> bool:
    return _trusted(_address(request.META.get("REMOTE_ADDR")))


def client_ip(request) -> str | None:
    """The client's address. X-Forwarded-For counts only when the connection comes from
    one of TRUSTED_PROXIES, and is read from the right: each proxy appends the address
    that connected to it, so the first address that is not one of our proxies is the
    client; whatever the client wrote itself stays to its left, unread."""
    found = _address(request.META.get("REMOTE_ADDR"))
    if not _trusted(found):
        return str(found) if found else None
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = _address(entry)
        if hop is None:  # not written by a proxy of ours: stop at who reported it
            break
        found = hop
        if not _trusted(hop):
            break
    return str(found)


def _printable_id(value: str) -> bool:
    return 0 < len(value) <= 64 and all(c.isascii() and (c.isalnum() or c in "-_.:") for c in value)


class RequestContextMiddleware:
    """Gives every request an id of ours (sent back as X-Request-ID) and records where
    it came from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not from_trusted_proxy(request):
            # Only our proxy says whether the client came over https (Django's
            # SECURE_PROXY_SSL_HEADER believes anyone who sends the header).
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        # The request id is always ours (logs, problems, the audit log); what the client
        # sent as X-Request-ID is kept apart, as its word, to correlate with its logs.
        incoming = request.headers.get("X-Request-ID", "")
        ctx = context.RequestContext(
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:300],
            channel="api" if request.path.startswith("/api/") else "web",
            client_request_id=incoming if _printable_id(incoming) else "",
        )
        request.request_id = ctx.request_id
        with context.use(ctx):
            response = self.get_response(request)
        response["X-Request-ID"] = ctx.request_id
        return response


class PrivateCacheMiddleware:
    """Marks responses for signed-in people as private (never cached by a proxy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.setdefault("Cache-Control", "private, no-store")
        return response


class ApiProblemMiddleware:
    """Under /api/, every error leaves as application/problem+json: a 405 from the
    router, a 404 for an unknown path, a CSRF refusal, Django's 400s. A response that
    follows another API's contract (CKAN's `{"success": false}`) says so with
    `keeps_its_shape` and is left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not getattr(response, "keeps_its_shape", False)
            and not response.get("Content-Type", "").startswith("application/problem+json")
        ):
            from django.utils.translation import gettext as _

            from .error_codes import CoreErrorCode
            from .errors import problem_response

            status = response.status_code
            detail = {
                404: _("Không có đường dẫn API này."),
                405: _("Phương thức %(method)s không dùng được với đường dẫn này.")
                % {"method": request.method},
                403: _("Yêu cầu bị từ chối (thiếu mã CSRF hoặc không có quyền)."),
                413: _("Dữ liệu gửi lên vượt quá giới hạn cho phép."),
            }.get(status, _("Yêu cầu không hợp lệ.") if status < 500 else _("Lỗi hệ thống."))
            code = {
                404: CoreErrorCode.NOT_FOUND,
                403: CoreErrorCode.FORBIDDEN,
                413: CoreErrorCode.PAYLOAD_TOO_LARGE,
            }.get(status, CoreErrorCode.INVALID if status < 500 else CoreErrorCode.SERVER_ERROR)
            problem = problem_response(
                status=status, code=code, detail=detail, instance=request.path
            )
            if "Allow" in response:
                problem["Allow"] = response["Allow"]
            return problem
        return response


class VietnameseFirstLocaleMiddleware:
    """Pages are in Vietnamese unless the person chose English (the language cookie);
    the browser's Accept-Language decides only for the API. Runs before Django's
    LocaleMiddleware and hides the header from it on pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
