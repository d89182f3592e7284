"""API token authentication (`Authorization: Bearer TOKEN`)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken

TOKEN_PREFIX = "tsk_"


def token_digest(raw: str) -> str:
    # Tokens carry 256 bits of randomness: a fast hash is enough to store them safely.
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def user_for_token(raw: str):
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(raw)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


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
