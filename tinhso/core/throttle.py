"""A small fixed-window limit on guessable look-ups (public tracking), in the cache.

With several server processes, point CACHES at Redis so that they share the count.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _cache_key(key: str) -> str:
    # Keys carry what a stranger typed (a dossier code, an address): hashed, every
    # cache backend accepts them (no spaces, no accents, bounded length).
    return "throttle:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def exceeded(key: str, *, limit: int) -> bool:
    return (cache.get(_cache_key(key)) or 0) >= limit


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
