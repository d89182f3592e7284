"""Domain errors raised by services, and their rendering as RFC 9457 problems.

Services raise these; the API turns them into `application/problem+json` and the
pages into a message. Messages are Vietnamese msgids, translated on output.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.utils.translation import get_language, gettext_lazy

from . import context
from .error_codes import CoreErrorCode

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: gettext_lazy("Yêu cầu không hợp lệ"),
    401: gettext_lazy("Chưa xác thực"),
    403: gettext_lazy("Không có quyền"),
    404: gettext_lazy("Không tìm thấy"),
    405: gettext_lazy("Phương thức không được hỗ trợ"),
    409: gettext_lazy("Xung đột trạng thái"),
    413: gettext_lazy("Dữ liệu gửi lên quá lớn"),
    422: gettext_lazy("Không thể xử lý yêu cầu"),
    429: gettext_lazy("Quá nhiều yêu cầu"),
    500: gettext_lazy("Lỗi hệ thống"),
    503: gettext_lazy("Dịch vụ tạm thời gián đoạn"),
    507: gettext_lazy("Không đủ chỗ lưu trữ"),
}


class DomainError(Exception):
    """An error a user can cause: it changes nothing and says why, in their language."""

    status = 400
    code: str = CoreErrorCode.INVALID

    def __init__(
        self,
        message: Any,
        *,
        code: str | None = None,
        fields: dict[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.fields = fields or {}


class ValidationFailed(DomainError):
    status = 400
    code = CoreErrorCode.INVALID


class PermissionDenied(DomainError):
    status = 403
    code = CoreErrorCode.FORBIDDEN


class NotFound(DomainError):
    status = 404
    code = CoreErrorCode.NOT_FOUND


class Conflict(DomainError):
    status = 409
    code = CoreErrorCode.CONFLICT


class StorageFull(DomainError):
    """507: the disk that holds uploaded files is full. Nothing was changed; the
    request may be sent again later (with the same Idempotency-Key)."""

    status = 507
    code = CoreErrorCode.STORAGE_FULL
    retry_after = 60


def problem_body(
    *,
    status: int,
    code: str,
    detail: Any,
    instance: str | None = None,
    errors: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:tinhso:problem:{code}",
        "title": str(TITLES.get(status, TITLES[400 if status < 500 else 500])),
        "status": status,
        "detail": str(detail),
        "code": str(code),
        "request_id": context.current().request_id,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return body


def problem_response(
    *,
    status: int,
    code: str,
    detail: Any,
    instance: str | None = None,
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    body = problem_body(status=status, code=code, detail=detail, instance=instance, errors=errors)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type=f"{PROBLEM_CONTENT_TYPE}; charset=utf-8",
    )
    response["Content-Language"] = get_language() or "vi"
    return response


def field_errors(fields: dict[str, Any]) -> list[dict[str, str]]:
    return [{"field": name, "detail": str(message)} for name, message in fields.items()]


def domain_error_response(exc: DomainError, path: str | None = None) -> HttpResponse:
    return problem_response(
        status=exc.status,
        code=exc.code,
        detail=exc.message,
        instance=path,
        errors=field_errors(exc.fields),
    )


def apply_domain_error(form, exc: DomainError) -> None:
    """Show a service's refusal on a page's form: each named field beside its input
    (form data fields come as `data.<name>`), the rest at the top."""
    if not exc.fields:
        form.add_error(None, str(exc.message))
    for key, message in exc.fields.items():
        name = key.removeprefix("data.")
        form.add_error(name if name in form.fields else None, str(message))


def database_unavailable(instance: str | None = None) -> HttpResponse:
    """503 while the database cannot be reached (a restart, a failover): the client
    sends the same request again, with the same Idempotency-Key, a little later."""
    response = problem_response(
        status=503,
        code=CoreErrorCode.UNAVAILABLE,
        detail=gettext_lazy(
            "Cơ sở dữ liệu tạm thời không sẵn sàng. Vui lòng gửi lại yêu cầu sau ít giây "
            "(cùng Idempotency-Key: yêu cầu đã thực hiện sẽ không bị thực hiện lần hai)."
        ),
        instance=instance,
    )
    response["Retry-After"] = "5"
    return response
