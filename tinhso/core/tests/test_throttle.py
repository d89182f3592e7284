"""Rate limits hold across server processes: every process counts in the same place.

A second server process is simulated by a second cache client built from the same
settings, with none of this process's memory: what a fresh worker would see."""

from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends import locmem

from tinhso.core import throttle

pytestmark = pytest.mark.django_db


def _another_process_cache():
    """The default cache as another worker process builds it: a new client, and no
    memory shared with this process (a process-local cache starts empty)."""
    with (
        mock.patch.dict(locmem._caches, clear=True),
        mock.patch.dict(locmem._expire_info, clear=True),
        mock.patch.dict(locmem._locks, clear=True),
    ):
        return caches.create_connection("default")


def test_two_processes_share_one_limit(monkeypatch):
    first, second = caches.create_connection("default"), _another_process_cache()
    key = "tracking:HCC-250101-0001"
    for _ in range(3):
        monkeypatch.setattr(throttle, "cache", first)
        assert throttle.allow(key, limit=5, window_seconds=60)
        monkeypatch.setattr(throttle, "cache", second)
        assert throttle.allow(key, limit=5, window_seconds=60) is not None
    # Six attempts were made across the two processes: the limit of five is passed.
    monkeypatch.setattr(throttle, "cache", first)
    assert throttle.exceeded(key, limit=5)
    assert not throttle.allow(key, limit=5, window_seconds=60)


def test_the_default_cache_is_shared_and_the_local_one_is_not():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert settings.CACHES["local"]["BACKEND"].endswith("LocMemCache")


def test_redis_is_used_when_configured(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/15", "TINHSO_VAR_DIR": str(tmp_path)}
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    found = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "tinhso.settings"},
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert found.stdout.strip() == "django.core.cache.backends.redis.RedisCache", found.stderr
