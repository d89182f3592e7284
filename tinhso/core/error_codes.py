"""Stable error codes of the platform's API (carried in every problem response)."""

from enum import StrEnum


class CoreErrorCode(StrEnum):
    INVALID = "invalid"
    MALFORMED_BODY = "malformed_body"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch"
    IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
    SERVER_ERROR = "server_error"
    STORAGE_FULL = "storage_full"
    UNAVAILABLE = "service_unavailable"
