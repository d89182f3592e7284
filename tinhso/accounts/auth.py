"""API token authentication (`Authorization: Bearer TOKEN`)."""

from __future__ import annotations

import functools
import hashlib
from datetime import timedelta
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from . import authz
from .models import Agency, ApiToken, RoleAssignment, User

TOKEN_PREFIX = "tsk_"


def token_digest(raw: str) -> str:
    # Tokens carry 256 bits of randomness: a fast hash is enough to store them safely.
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


# The token, its person and the person's role assignments (with their agency and
# unit, as authz.assignments reads them) in one fixed statement: every request with a
# token asks, most then ask for the roles.
_TOKEN = ("id", "user", "last_used_at", "expires_at", "revoked_at")


@functools.cache
def _token_statement() -> tuple[str, list[tuple[type[models.Model], list[Any]]]]:
    from tinhso.geo.models import AdministrativeUnit

    parts: list[tuple[type[models.Model], str, list[Any]]] = [
        (ApiToken, "t", [ApiToken._meta.get_field(name) for name in _TOKEN]),
        (User, "u", list(User._meta.concrete_fields)),
        (RoleAssignment, "r", list(RoleAssignment._meta.concrete_fields)),
        (Agency, "a", list(Agency._meta.concrete_fields)),
        (AdministrativeUnit, "g", list(AdministrativeUnit._meta.concrete_fields)),
    ]
    q = connection.ops.quote_name
    columns = ", ".join(f"{alias}.{q(f.column)}" for _m, alias, fields in parts for f in fields)
    tables = {m: q(m._meta.db_table) for m, _a, _f in parts}
    sql = (
        f"SELECT {columns} FROM {tables[ApiToken]} t "  # noqa: S608  # nosec B608: model tables and columns
        f"INNER JOIN {tables[User]} u ON u.id = t.user_id "
        f"LEFT JOIN {tables[RoleAssignment]} r ON r.user_id = u.id "
        f"LEFT JOIN {tables[Agency]} a ON a.id = r.agency_id "
        f"LEFT JOIN {tables[AdministrativeUnit]} g ON g.code = r.unit_id "
        "WHERE t.digest = %s ORDER BY r.id"
    )
    return sql, [(m, fields) for m, _a, fields in parts]


def _converters(conn, parts) -> list[list[tuple[int, list, object]]]:
    """Per model of the statement: (column index, the converters the ORM applies, the
    column), for the columns that have any; found once per connection."""
    found: list[list[tuple[int, list, object]]] | None = getattr(
        conn, "_tinhso_token_converters", None
    )
    if found is None:
        found = []
        for model, fields in parts:
            mine = []
            for i, field in enumerate(fields):
                col = field.get_col(model._meta.db_table)
                convert = conn.ops.get_db_converters(col) + field.get_db_converters(conn)
                if convert:
                    mine.append((i, convert, col))
            found.append(mine)
        conn._tinhso_token_converters = found
    return found


def _instances(conn, row, parts, which: slice) -> list[Any]:
    """The row's models (`which` of them), their columns converted as the ORM would
    (None for the missing side of a LEFT JOIN)."""
    found: list[Any] = []
    at = sum(len(fields) for _model, fields in parts[: which.start])
    for (model, fields), converting in zip(
        parts[which], _converters(conn, parts)[which], strict=True
    ):
        values = list(row[at : at + len(fields)])
        at += len(fields)
        if values[0] is None:  # the primary key: no such row
            found.append(None)
            continue
        for i, convert, col in converting:
            for one in convert:
                values[i] = one(values[i], col, conn)
        found.append(model.from_db(conn.alias, [f.attname for f in fields], values))
    return found


def user_for_token(raw: str):
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    sql, parts = _token_statement()
    conn = connections[DEFAULT_DB_ALIAS]
    with conn.cursor() as cursor:
        cursor.execute(sql, [token_digest(raw)])
        rows = cursor.fetchall()
    if not rows:
        return None
    token, user = _instances(conn, rows[0], parts, slice(0, 2))
    if not token.is_usable or not user.is_active:
        return None
    held = []
    for row in rows:  # the token and the person repeat on every row: made once, above
        assignment, agency, unit = _instances(conn, row, parts, slice(2, None))
        if assignment is None:
            continue
        assignment.user = user
        if agency is not None:
            assignment.agency = agency
        if unit is not None:
            assignment.unit = unit
        held.append(assignment)
    authz.remember_assignments(user, held)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


def user_for_request_token(request, raw: str):
    """`user_for_token`, looked up once per request (the idempotency middleware and
    the API's authentication both ask)."""
    cached = getattr(request, "_token_user", None)
    if cached is not None and cached[0] == raw:
        return cached[1]
    user = user_for_token(raw)
    request._token_user = (raw, user)
    return user


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_request_token(request, token)
        if user is None:
            return None
        request.user = user
        request.auth_via_token = True
        return user


def is_strongly_authenticated(request) -> bool:
    """A token counts as strong authentication (CONTRACT.md); in the pages, a
    session that passed the second factor."""
    if getattr(request, "auth_via_token", False):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_verified())


class SecondFactorSessionAuth(SessionAuth):
    """The pages' session, for the API: officers only once they passed the second
    factor (a token, issued by an administrator, counts as strong on its own)."""

    def authenticate(self, request, key):
        from . import authz

        user = super().authenticate(request, key)
        if user is None:
            return None
        if authz.needs_second_factor(user) and not user.is_verified():
            return None
        return user
