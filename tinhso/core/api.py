"""The JSON API (`/api/v1/`): one NinjaAPI, errors as RFC 9457 problems in the
caller's language, token or session authentication."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.parser import Parser

from .error_codes import CoreErrorCode
from .errors import (
    DomainError,
    database_unavailable,
    domain_error_response,
    problem_response,
)

logger = logging.getLogger("tinhso.api")

MAX_JSON_DEPTH = 32


class MalformedBody(Exception):
    pass


def _depth(value: Any, limit: int) -> int:
    """How deep the value nests (stopping past `limit`); a NUL character in any string
    or key counts as too deep: no database text column can hold it."""
    stack = [(value, 1)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            if any("\x00" in str(k) for k in item):
                return limit + 1
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, str) and "\x00" in item:
            return limit + 1
    return deepest


class StrictJSONParser(Parser):
    """JSON bodies only as objects, UTF-8, and nested no deeper than MAX_JSON_DEPTH."""

    def parse_body(self, request: HttpRequest):
        return loads_strictly(request.body)


def loads_strictly(raw: bytes | str) -> Any:
    """JSON a stranger sent: MalformedBody when it is not JSON (UTF-8), nests deeper
    than MAX_JSON_DEPTH (far deeper, `json` itself gives up with a RecursionError) or
    holds a NUL character. For every JSON we parse from a request, not only the API's
    bodies (the CKAN endpoint's bodies and parameters too)."""
    try:
        data = json.loads(raw)
    except RecursionError as exc:
        raise MalformedBody("too deep") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedBody(str(exc)) from exc
    if _depth(data, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise MalformedBody("too deep")
    return data


# pydantic error types → a message a person can act on
_PYDANTIC_MESSAGES = {
    "missing": lambda: _("Trường này là bắt buộc."),
    "extra_forbidden": lambda: _("Trường này không được chấp nhận."),
    "string_type": lambda: _("Phải là một chuỗi ký tự."),
    "int_type": lambda: _("Phải là một số nguyên."),
    "int_parsing": lambda: _("Phải là một số nguyên."),
    "bool_type": lambda: _("Phải là true hoặc false."),
    "dict_type": lambda: _("Phải là một đối tượng JSON."),
    "model_type": lambda: _("Phải là một đối tượng JSON."),
    "list_type": lambda: _("Phải là một danh sách."),
    "string_too_long": lambda: _("Chuỗi ký tự quá dài."),
    "string_too_short": lambda: _("Chuỗi ký tự quá ngắn."),
    "greater_than_equal": lambda: _("Giá trị quá nhỏ."),
    "less_than_equal": lambda: _("Giá trị quá lớn."),
    "date_from_datetime_parsing": lambda: _("Ngày không hợp lệ (định dạng YYYY-MM-DD)."),
    "date_parsing": lambda: _("Ngày không hợp lệ (định dạng YYYY-MM-DD)."),
    "enum": lambda: _("Giá trị không nằm trong danh sách cho phép."),
    "literal_error": lambda: _("Giá trị không nằm trong danh sách cho phép."),
}


def _field_name(loc: list[Any]) -> str:
    # ninja prefixes the location with the parameter source and name: ("body", "payload", "x")
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "form", "header", "cookie", "file"}:
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    return ".".join(parts) or "body"


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "request_id": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "detail"],
                "properties": {"field": {"type": "string"}, "detail": {"type": "string"}},
            },
        },
    },
}


class ProblemDocumentedAPI(NinjaAPI):
    """Every operation may answer a client or server error as a problem document:
    the OpenAPI document says so (4XX/5XX), with the problem's schema."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        problem = {
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            }
        }
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                responses.setdefault("4XX", {"description": "Lỗi phía yêu cầu", **problem})
                responses.setdefault("5XX", {"description": "Lỗi hệ thống", **problem})
        return schema


def build_api(*, auth) -> NinjaAPI:
    """One NinjaAPI with the platform's conventions; `auth` is given by the composition
    root (the kernel knows no account)."""
    api = ProblemDocumentedAPI(
        title="tinhso API",
        version="1",
        description=(
            "API của nền tảng tỉnh số. Xác thực: `Authorization: Bearer TOKEN`. "
            "Lỗi theo RFC 9457 (application/problem+json)."
        ),
        urls_namespace="api",
        openapi_url="/openapi.json",
        docs_url="/docs",
        auth=auth,
        parser=StrictJSONParser(),
    )
    for exception, handler in EXCEPTION_HANDLERS:
        api.add_exception_handler(exception, handler)
    return api


def _domain(request, exc: DomainError):
    response = domain_error_response(exc, request.path)
    if getattr(exc, "retry_after", None):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _validation(request, exc: ValidationError):
    errors = []
    for err in exc.errors:
        make = _PYDANTIC_MESSAGES.get(err.get("type", ""))
        detail = make() if make else str(err.get("msg") or _("Giá trị không hợp lệ."))
        if err.get("type") == "value_error" and err.get("ctx", {}).get("error"):
            detail = str(err["ctx"]["error"])
        errors.append({"field": _field_name(list(err.get("loc", []))), "detail": detail})
    names = ", ".join(e["field"] for e in errors)
    return problem_response(
        status=400,
        code=CoreErrorCode.INVALID,
        detail=_("Dữ liệu không hợp lệ: %(fields)s.") % {"fields": names},
        instance=request.path,
        errors=errors,
    )


def _unauthenticated(request, exc):
    response = problem_response(
        status=401,
        code=CoreErrorCode.UNAUTHENTICATED,
        detail=_("Cần đăng nhập hoặc gửi mã truy cập API hợp lệ."),
        instance=request.path,
    )
    response["WWW-Authenticate"] = 'Bearer realm="tinhso"'
    return response


def _forbidden(request, exc):
    return problem_response(
        status=403,
        code=CoreErrorCode.FORBIDDEN,
        detail=_("Bạn không có quyền thực hiện thao tác này."),
        instance=request.path,
    )


def _not_found(request, exc):
    return problem_response(
        status=404,
        code=CoreErrorCode.NOT_FOUND,
        detail=_("Không tìm thấy đối tượng được yêu cầu."),
        instance=request.path,
    )


def _http_error(request, exc: HttpError):
    cause = exc.__cause__
    if isinstance(cause, RequestDataTooBig):
        return _too_big(request)
    if isinstance(cause, MalformedBody) or exc.status_code == 400:
        return problem_response(
            status=400,
            code=CoreErrorCode.MALFORMED_BODY,
            detail=_(
                "Nội dung gửi lên không phải JSON hợp lệ (UTF-8, một đối tượng, "
                "lồng không quá %(depth)s cấp, không có ký tự NUL)."
            )
            % {"depth": MAX_JSON_DEPTH},
            instance=request.path,
        )
    return problem_response(
        status=exc.status_code,
        code=CoreErrorCode.INVALID,
        detail=str(exc),
        instance=request.path,
    )


def _too_big_handler(request, exc):
    return _too_big(request)


def _suspicious(request, exc):  # too many form fields or files, and the like
    return problem_response(
        status=400,
        code=CoreErrorCode.MALFORMED_BODY,
        detail=_("Yêu cầu không hợp lệ (quá nhiều trường hoặc tệp)."),
        instance=request.path,
    )


def _server_error(request, exc):
    from django.db import InterfaceError, OperationalError

    if isinstance(exc, OperationalError | InterfaceError):
        logger.warning("database unavailable on %s: %s", request.path, exc)
        return database_unavailable(request.path)
    logger.exception("unhandled API error on %s", request.path)
    return problem_response(
        status=500,
        code=CoreErrorCode.SERVER_ERROR,
        detail=_("Lỗi hệ thống; đã ghi nhận với mã yêu cầu. Vui lòng thử lại sau."),
        instance=request.path,
    )


# Exceptions → problem documents (ninja picks the nearest class in the exception's MRO).
EXCEPTION_HANDLERS: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
    (DomainError, _domain),
    (ValidationError, _validation),
    (AuthenticationError, _unauthenticated),
    (AuthorizationError, _forbidden),
    (Http404, _not_found),
    (HttpError, _http_error),
    (RequestDataTooBig, _too_big_handler),
    (SuspiciousOperation, _suspicious),
    (Exception, _server_error),
]


def _too_big(request):
    return problem_response(
        status=413,
        code=CoreErrorCode.PAYLOAD_TOO_LARGE,
        detail=_("Dữ liệu gửi lên vượt quá giới hạn cho phép."),
        instance=request.path,
    )
