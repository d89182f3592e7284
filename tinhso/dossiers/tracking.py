"""Public tracking of a dossier: by its code and the last 4 digits of the applicant's
phone or ID number, wrong guesses limited per address and per code; and the stamp
under which an answer may be kept (root.middleware.PublicCacheMiddleware)."""

from __future__ import annotations

import functools

from django.db import connection

from tinhso.core import throttle
from tinhso.core.compiled import Compiled

from .models import Dossier, DossierEvent, Status
from .selectors import _base, timeline


def _last4_matches(dossier: Dossier, last4: str) -> bool:
    return _digits_match(last4, dossier.applicant_phone, dossier.applicant_identifier)


def _digits_match(last4: str, *values: str) -> bool:
    last4 = (last4 or "").strip()
    if len(last4) != 4 or not last4.isdigit():
        return False
    return any(value and value.endswith(last4) for value in values)


TRACKING_FAILURES_PER_HOUR = 20


class TooManyAttempts(Exception):
    pass


def tracked_dossier(code: str, last4: str, *, client: str = "-") -> Dossier | None:
    """Public tracking: the code and the last 4 digits of the phone or ID number.
    Wrong guesses are limited per address and per code (4 digits are few). The
    attempt is counted before the digits are compared, and given back when they
    match or when it is refused: of guesses sent at the same moment, only those
    within the limit are compared (a check, then a count after the comparison, would
    let a burst of them all through), and only failures stay counted."""
    code_key = (code or "").strip().upper()[:40]
    keys = _limit_keys(code_key, client)
    attempt = throttle.count_all(keys, limit=TRACKING_FAILURES_PER_HOUR, window_seconds=3600)
    if not attempt.allowed:
        throttle.give_back(attempt)  # not judged: not a failure either
        raise TooManyAttempts(code_key)
    dossier = _TRACKED.first((code or "").strip().upper())
    if dossier is None or not _last4_matches(dossier, last4):
        return None
    throttle.give_back(attempt)
    dossier.known_timeline = timeline(dossier)  # type: ignore[attr-defined]
    return dossier


# Compiled once per process (core.compiled): the busiest public read.
_TRACKED = Compiled(
    lambda code: (
        _base()
        .defer("procedure_version__data")  # the form's definition: not shown here
        .filter(code=code)
        .exclude(status=Status.DRAFT)
        .order_by()
    ),
    ["«tracked-code»"],
)


def _limit_keys(code_key: str, client: str) -> tuple[str, str]:
    return (f"track-ip:{client}", f"track-code:{code_key}")


@functools.cache
def _tracking_stamp_sql() -> str:
    """One fixed statement (the busiest public read: no query built per request): the
    limits and the row in one round trip."""
    dossiers, events = Dossier._meta.db_table, DossierEvent._meta.db_table
    over_limit, _ = throttle.over_limit_sql(("ip", "code"))
    return (
        "SELECT d.applicant_phone, d.applicant_identifier, "  # noqa: S608  # nosec B608: model tables
        f"{over_limit}, d.id, d.version, d.status, "
        "d.procedure_id, d.submitted_at, d.expected_date, d.due_date, d.appointment_date, "
        f"(SELECT MAX(e.id) FROM {events} e WHERE e.dossier_id = d.id) "
        f"FROM {dossiers} d WHERE d.code = %s AND d.status <> %s"
    )


def tracking_stamp(code: str, last4: str, *, client: str = "-") -> str | None:
    """What the public tracking answer of a dossier depends on (its shown fields and
    its last timeline entry), so that the answer may be kept per stamp
    (root.middleware); None when the code and digits do not match or a limit is hit:
    then `tracked_dossier` answers the whole way (and counts the failure, or refuses).
    One small read: the row and the limits. It counts nothing: lookups sent at the
    same moment all read the limit before the wrong ones among them are counted (the
    whole way), so where an answer is kept a burst may have more of its guesses
    compared than the limit leaves, by at most the server's concurrent requests."""
    code_key = (code or "").strip().upper()[:40]
    _, limit_params = throttle.over_limit_sql(_limit_keys(code_key, client))
    with connection.cursor() as cursor:
        cursor.execute(_tracking_stamp_sql(), [*limit_params, code_key, Status.DRAFT.value])
        row = cursor.fetchone()
    if row is None or row[2] >= TRACKING_FAILURES_PER_HOUR:
        return None
    if not _digits_match(last4, row[0], row[1]):
        return None
    return repr(row[3:])
