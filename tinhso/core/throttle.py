"""Small fixed-window limits: guessable look-ups (public tracking), sign-in from one
address, the public verifier (each check parses a whole PDF).

The counts are rows of a table of the database (core.models.ThrottleCount), not
entries of the cache: every server process counts in the same place whatever the
cache is (a process-local one, Redis), a count is never culled to make room for other
entries (a flood of distinct keys cannot make the table forget an address's
failures), and an attempt is counted in one statement (an upsert), so that two
processes counting at once both count. A read of the limits can be made part of
another statement (`over_limit_sql`): the public tracking answer reads the limits and
the dossier in one round trip.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.conf import settings
from django.db import connection

from .errors import DomainError

TOO_MANY = "too_many_attempts"


class TooManyRequests(DomainError):
    """429: answered as a problem in the API, as a message on the pages."""

    status = 429
    code = TOO_MANY

    def __init__(self, message, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def stored_key(key: str) -> str:
    # Keys carry what a stranger typed (a dossier code, an address): stored as a digest
    # of fixed length (no spaces, no accents, no size to fill the table with).
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


class _Locks(NamedTuple):
    in_order: str  # rows locked in the order the subquery gives them
    skipping: str  # rows another statement holds are left to it, never waited for


@functools.cache
def _locks() -> _Locks:
    """Row locks where the database has them (PostgreSQL); SQLite locks the whole
    database for a write, so no two of these statements ever wait for each other."""
    features = connection.features
    return _Locks(
        in_order=" FOR UPDATE" if features.has_select_for_update else "",
        skipping=" FOR UPDATE SKIP LOCKED" if features.has_select_for_update_skip_locked else "",
    )


@functools.cache
def _table() -> str:
    from .models import ThrottleCount

    return connection.ops.quote_name(ThrottleCount._meta.db_table)


def over_limit_sql(keys: Sequence[str]) -> tuple[str, list[str | int]]:
    """A scalar SQL expression, and its parameters, giving the highest count of
    `keys` in their current windows (0 when none is counted): to compare with the
    limit, alone (`any_exceeded`) or as a column of another statement."""
    marks = ", ".join(["%s"] * len(keys))
    sql = (
        f"(SELECT COALESCE(MAX(t.attempts), 0) FROM {_table()} t "  # noqa: S608  # nosec B608: our table, placeholders
        f"WHERE t.key IN ({marks}) AND t.ends_at > %s)"
    )
    return sql, [*(stored_key(k) for k in keys), int(time.time())]


def exceeded(key: str, *, limit: int) -> bool:
    return any_exceeded((key,), limit=limit)


def any_exceeded(keys: Iterable[str], *, limit: int) -> bool:
    """`exceeded` for several keys at once (one statement)."""
    sql, params = over_limit_sql(list(keys))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        (highest,) = cursor.fetchone()
    return highest >= limit


def allow(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt under `key`; False once `limit` is passed in the window. A
    window that has ended starts again at this attempt. The count is written on the
    request's connection: called outside a transaction, as every caller does, it is
    kept at once (inside one, it would go if the transaction rolled back)."""
    return allow_all((key,), limit=limit, window_seconds=window_seconds)


def allow_all(keys: Iterable[str], *, limit: int, window_seconds: int) -> bool:
    """`allow` for several keys in one statement (an address and a dossier code): the
    attempt is counted under every one of them; False if any passes `limit`."""
    return count_all(keys, limit=limit, window_seconds=window_seconds).allowed


class Attempt(NamedTuple):
    """An attempt counted (`count_all`): whether it is within the limit, and the
    windows it was counted in (each key's row and its window's end), to give it back
    to those windows and no later one."""

    allowed: bool
    windows: tuple[tuple[str, int], ...]


def count_all(keys: Iterable[str], *, limit: int, window_seconds: int) -> Attempt:
    """Count one attempt under every key, in one statement; not allowed if any passes
    `limit`. Counted first and judged after (`give_back` when it turns out not to be a
    failure), attempts made at the same moment are each counted before any is judged.

    Ended windows are removed when a window begins, a bounded few at a time, and only
    outside a transaction: inside one, the rows removed would stay locked until its
    commit, and a count waiting on one of them could deadlock with it."""
    # Each row once per statement, and every statement takes its rows' locks in the
    # keys' order: two that took them in different orders would deadlock.
    stored = sorted({stored_key(k) for k in keys})
    now = int(time.time())
    ends = now + window_seconds
    table = _table()
    rows = ", ".join(["(%s, 1, %s)"] * len(stored))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, attempts, ends_at) VALUES {rows} "  # noqa: S608  # nosec B608: our table, placeholders
            "ON CONFLICT (key) DO UPDATE SET "
            f"attempts = CASE WHEN {table}.ends_at <= %s THEN 1 ELSE {table}.attempts + 1 END, "
            f"ends_at = CASE WHEN {table}.ends_at <= %s THEN excluded.ends_at "
            f"ELSE {table}.ends_at END "
            "RETURNING key, attempts, ends_at",
            [*(v for key in stored for v in (key, ends)), now, now],
        )
        counted = cursor.fetchall()
        began = any(n == 1 and row_ends == ends for _key, n, row_ends in counted)
        if began and not connection.in_atomic_block:
            cursor.execute(
                f"DELETE FROM {table} WHERE key IN (SELECT key FROM {table} "  # noqa: S608  # nosec B608: our table
                f"WHERE ends_at <= %s LIMIT %s{_locks().skipping})",
                [now, PURGED_AT_ONCE],
            )
    return Attempt(
        allowed=max(n for _key, n, _ends in counted) <= limit,
        windows=tuple(sorted((key, row_ends) for key, _n, row_ends in counted)),
    )


# Ended windows removed when a window begins: a bounded few, so that no request pays
# for a flood of keys counted an hour ago (each new window removes up to this many).
PURGED_AT_ONCE = 100


def give_back(attempt: Attempt) -> None:
    """Take back an attempt `count_all` counted (one that turned out not to be a
    failure, or was refused before it was judged), from the windows it was counted
    in: a window that has started again since keeps its own count."""
    pairs = ", ".join(["(%s, %s)"] * len(attempt.windows))  # (a VALUES list: SQLite's form)
    table = _table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET attempts = attempts - 1 WHERE key IN ("  # noqa: S608  # nosec B608: our table, placeholders
            f"SELECT key FROM {table} WHERE (key, ends_at) IN (VALUES {pairs}) AND attempts > 0 "
            f"ORDER BY key{_locks().in_order})",
            [v for window in attempt.windows for v in window],
        )


def address_key(request, name: str) -> str:
    from .middleware import client_ip

    return f"{name}:{client_ip(request) or '-'}"


def limit_setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))
