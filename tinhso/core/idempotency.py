"""`Idempotency-Key` on every POST of the API.

The same key with the same body replays the stored answer and has no second
effect; the same key with another body is a 422. The request's writes and the
stored answer commit in one transaction; a 5xx rolls everything back so the
client may retry with the same key.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import late
from .error_codes import CoreErrorCode
from .errors import database_unavailable, problem_response
from .middleware import client_ip
from .models import IdempotencyRecord

logger = logging.getLogger("tinhso.idempotency")

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def ttl() -> timedelta:
    return timedelta(hours=getattr(settings, "IDEMPOTENCY_TTL_HOURS", 24))


def _scope(request, user_for_token) -> str | None:
    """Whose key this is: the person a valid token or session names, else the address.
    An invalid token gets no idempotency at all (the view will answer 401)."""
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        user = user_for_token(request, auth[7:].strip())
        return f"u:{user.pk}" if user is not None else None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    return f"a:{client_ip(request) or '-'}"


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.get_full_path().encode() + b"\n")
    if request.content_type == "multipart/form-data":
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"{name}={value}\n".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"{name}:{upload.name}:".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response


class BaseIdempotencyMiddleware:
    """The mechanism; the composition root says how a bearer token names a user
    (`tinhso.root.middleware.IdempotencyMiddleware`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def user_for_token(self, request, token: str):
        raise NotImplementedError

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None or not request.path.startswith("/api/"):
            return self.get_response(request)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return problem_response(
                status=400,
                code=CoreErrorCode.INVALID,
                detail=_("Idempotency-Key phải có từ 1 đến 255 ký tự in được."),
                instance=request.path,
            )
        try:
            fingerprint = _fingerprint(request)
        except RequestDataTooBig:
            return problem_response(
                status=413,
                code=CoreErrorCode.PAYLOAD_TOO_LARGE,
                detail=_("Dữ liệu gửi lên vượt quá giới hạn cho phép."),
                instance=request.path,
            )
        try:
            scope = _scope(request, self.user_for_token)
            if scope is None:
                return self.get_response(request)
            # The platform's shared rows (core.late) are written after the stored
            # answer, just before the commit: locked for the last statements only.
            with transaction.atomic(), late.writes_at_the_end():
                record = self._claim(scope, key, fingerprint)
                if isinstance(record, HttpResponse):
                    return record
                response = self.get_response(request)
                if response.status_code >= 500 or response.streaming:
                    transaction.set_rollback(True)
                    return response
                _store_answer(record, response)
        except (OperationalError, InterfaceError) as exc:
            # The database went away (a restart): whatever was under way rolled back,
            # or committed with its stored answer, which the client's retry replays.
            logger.warning("database unavailable on %s: %s", request.path, exc)
            return database_unavailable(request.path)
        return response

    def _claim(self, scope: str, key: str, fingerprint: str):
        """Insert our row, or answer from the row another request already committed
        (a request with the same key under way meanwhile: waited for). An expired row
        is replaced; one that another request replaced or removed while we waited for
        it is looked for again."""
        for _attempt in range(3):
            claimed = _insert_if_new(scope, key, fingerprint)
            if claimed is not None:
                return claimed
            existing = (
                IdempotencyRecord.objects.select_for_update().filter(scope=scope, key=key).first()
            )
            if existing is None:
                continue  # gone while we waited for its lock: claim it again
            if existing.created_at < timezone.now() - ttl():
                existing.delete()
                continue
            if existing.fingerprint != fingerprint:
                return problem_response(
                    status=422,
                    code=CoreErrorCode.IDEMPOTENCY_MISMATCH,
                    detail=_(
                        "Idempotency-Key này đã được dùng cho một yêu cầu có nội dung khác. "
                        "Hãy dùng khóa mới cho yêu cầu mới."
                    ),
                )
            return _replay(existing)
        return problem_response(
            status=409,
            code=CoreErrorCode.IDEMPOTENCY_IN_PROGRESS,
            detail=_("Yêu cầu với Idempotency-Key này đang được xử lý. Vui lòng thử lại sau."),
        )


# Both plain SQL, run on every POST with a key (the ORM built them anew each time; the
# savepoint the insert needed to survive a duplicate is not needed with ON CONFLICT).
_TABLE = IdempotencyRecord._meta.db_table
_INSERT_IF_NEW = (
    f'INSERT INTO "{_TABLE}" ("scope", "key", "fingerprint", "status_code", "content_type", '  # noqa: S608  # nosec B608: our table
    '"body", "created_at") VALUES (%s, %s, %s, 0, \'\', %s, %s) '
    'ON CONFLICT ("scope", "key") DO NOTHING RETURNING "id"'
)
_ANSWER = (
    f'UPDATE "{_TABLE}" SET "status_code" = %s, "content_type" = %s, "body" = %s '  # noqa: S608  # nosec B608: our table
    'WHERE "id" = %s'
)


_FIELDS = {f.name: f for f in IdempotencyRecord._meta.concrete_fields}


def _field_value(name: str, value):
    return _FIELDS[name].get_db_prep_save(value, connection)


def _insert_if_new(scope: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Our row, inserted, or None when the key was taken (by a request committed, or
    one under way, whose end the insert waits for)."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_IF_NEW,
            [scope, key, fingerprint, _field_value("body", b""), _field_value("created_at", now)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    record = IdempotencyRecord(
        id=row[0], scope=scope, key=key, fingerprint=fingerprint, created_at=now
    )
    record._state.adding, record._state.db = False, connection.alias
    return record


def _store_answer(record: IdempotencyRecord, response: HttpResponse) -> None:
    record.status_code = response.status_code
    record.content_type = response.get("Content-Type", "")
    record.body = response.content
    with connection.cursor() as cursor:
        cursor.execute(
            _ANSWER,
            [
                record.status_code,
                record.content_type,
                _field_value("body", record.body),
                record.pk,
            ],
        )
