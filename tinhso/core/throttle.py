"""Small fixed-window limits in the cache: guessable look-ups (public tracking),
sign-in from one address, the public verifier (each check parses a whole PDF).

With several server processes, point CACHES at Redis so that they share the count.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from .errors import DomainError

TOO_MANY = "too_many_attempts"


class TooManyRequests(DomainError):
    """429: answered as a problem in the API, as a message on the pages."""

    status = 429
    code = TOO_MANY

    def __init__(self, message, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _cache_key(key: str) -> str:
    # Keys carry what a stranger typed (a dossier code, an address): hashed, every
    # cache backend accepts them (no spaces, no accents, bounded length).
    return "throttle:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def exceeded(key: str, *, limit: int) -> bool:
    return (cache.get(_cache_key(key)) or 0) >= limit


def any_exceeded(keys, *, limit: int) -> bool:
    """`exceeded` for several keys at once (one read of the cache)."""
    counts = cache.get_many([_cache_key(k) for k in keys])
    return any((n or 0) >= limit for n in counts.values())


def allow(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt under `key`; False once `limit` is passed in the window."""
    full = _cache_key(key)
    if cache.add(full, 1, window_seconds):
        return True
    try:
        count = cache.incr(full)
    except ValueError:  # expired between add and incr
        cache.add(full, 1, window_seconds)
        return True
    return count <= limit


def address_key(request, name: str) -> str:
    from .middleware import client_ip

    return f"{name}:{client_ip(request) or '-'}"


def limit_setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))
