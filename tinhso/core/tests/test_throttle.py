"""Rate limits count in one place for every server process (a table of the database),
in windows that end, and do not forget a count when the cache is emptied or full."""

import threading

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tinhso.core import throttle
from tinhso.core.models import ThrottleCount

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers on real connections: PostgreSQL (CI runs it); SQLite's "
    "in-memory test database serialises every write anyway",
)
@pytest.mark.django_db(transaction=True)
def test_attempts_from_many_processes_at_once_are_all_counted():
    """Twelve workers count a failure under one key at the same moment, each on a
    connection of its own, as twelve server processes would: twelve are counted, and
    exactly the ten within the limit are allowed. (A read then a write would lose
    some: two that read 3 both write 4.)"""
    key, workers = "sign-in:203.0.113.9", 12
    barrier = threading.Barrier(workers)
    allowed: list[bool] = []

    def attempt():
        try:
            barrier.wait(timeout=10)
            allowed.append(throttle.allow(key, limit=10, window_seconds=60))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(allowed) == [False] * 2 + [True] * 10
    assert ThrottleCount.objects.get(key=throttle.stored_key(key)).attempts == workers
    assert throttle.exceeded(key, limit=10)


def test_the_limit_holds_within_its_window_and_a_new_window_starts_again(monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(throttle.time, "time", lambda: now[0])
    key = "tracking:HCC-250101-0001"
    assert all(throttle.allow(key, limit=5, window_seconds=60) for _ in range(5))
    assert throttle.exceeded(key, limit=5)
    assert not throttle.allow(key, limit=5, window_seconds=60)
    now[0] += 59  # the window is not over: the sixth and seventh are still refused
    assert not throttle.allow(key, limit=5, window_seconds=60)
    now[0] += 1  # it is
    assert not throttle.exceeded(key, limit=5)
    assert throttle.allow(key, limit=5, window_seconds=60)
    assert ThrottleCount.objects.get(key=throttle.stored_key(key)).attempts == 1


def test_ended_windows_are_removed_when_a_new_one_begins(monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(throttle.time, "time", lambda: now[0])
    for n in range(30):  # thirty addresses each failed once
        throttle.allow(f"sign-in:198.51.100.{n}", limit=20, window_seconds=60)
    now[0] += 120
    throttle.allow("sign-in:192.0.2.1", limit=20, window_seconds=60)
    assert list(ThrottleCount.objects.values_list("key", flat=True)) == [
        throttle.stored_key("sign-in:192.0.2.1")
    ]


def test_keys_are_read_together_and_the_highest_count_decides():
    for _ in range(3):
        throttle.allow("track-ip:192.0.2.7", limit=3, window_seconds=60)
    throttle.allow("track-code:HCC-1", limit=3, window_seconds=60)
    assert throttle.any_exceeded(["track-ip:192.0.2.7", "track-code:HCC-1"], limit=3)
    assert not throttle.any_exceeded(["track-ip:192.0.2.8", "track-code:HCC-1"], limit=3)
    assert not throttle.any_exceeded(["never-counted"], limit=1)


def test_emptying_the_cache_forgets_no_count():
    """The cache may be emptied or culled to make room (the database cache keeps
    MAX_ENTRIES): a count kept there would be forgotten, and a guesser could flood it
    with other keys to start again."""
    for _ in range(20):
        throttle.allow("sign-in:203.0.113.50", limit=20, window_seconds=3600)
    cache.clear()
    assert throttle.exceeded("sign-in:203.0.113.50", limit=20)


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
