"""Rate limits count in one place for every server process (a table of the database),
each attempt in one statement, in windows that end."""

import pytest
from django.conf import settings

from tinhso.core import throttle
from tinhso.core.models import ThrottleCount
from tinhso.testing import at_once, concurrent_connections

pytestmark = pytest.mark.django_db


@concurrent_connections
def test_attempts_from_many_processes_at_once_are_all_counted():
    """Twelve workers count a failure under one key at the same moment, each on a
    connection of its own, as twelve server processes would: twelve are counted, and
    exactly the ten within the limit are allowed. (A read then a write would lose
    some: two that read 3 both write 4.)"""
    key, workers = "sign-in:203.0.113.9", 12
    allowed = at_once(workers, lambda n: throttle.allow(key, limit=10, window_seconds=60))
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


def test_keys_are_read_together_and_the_highest_count_decides():
    for _ in range(3):
        throttle.allow("track-ip:192.0.2.7", limit=3, window_seconds=60)
    throttle.allow("track-code:HCC-1", limit=3, window_seconds=60)
    assert throttle.any_exceeded(["track-ip:192.0.2.7", "track-code:HCC-1"], limit=3)
    assert not throttle.any_exceeded(["track-ip:192.0.2.8", "track-code:HCC-1"], limit=3)
    assert not throttle.any_exceeded(["never-counted"], limit=1)


def test_several_keys_are_counted_in_one_statement_and_any_over_refuses(
    django_assert_num_queries,
):
    keys = ("track-ip:192.0.2.9", "track-code:HCC-2")
    for _ in range(2):
        throttle.allow("track-code:HCC-2", limit=3, window_seconds=60)
    with django_assert_num_queries(1):
        assert throttle.allow_all(keys, limit=3, window_seconds=60)
    with django_assert_num_queries(1):
        assert not throttle.allow_all(keys, limit=3, window_seconds=60)  # the code's 4th
    counts = dict(ThrottleCount.objects.values_list("key", "attempts"))
    assert counts == {throttle.stored_key(keys[0]): 2, throttle.stored_key(keys[1]): 4}


def test_an_attempt_given_back_is_not_counted():
    keys = ("track-ip:192.0.2.10", "track-code:HCC-3")
    for _ in range(3):
        attempt = throttle.count_all(keys, limit=3, window_seconds=60)
        assert attempt.allowed
        throttle.give_back(attempt)  # each one turned out right
    assert throttle.allow_all(keys, limit=1, window_seconds=60)
    assert not throttle.allow_all(keys, limit=1, window_seconds=60)


def test_an_attempt_is_given_back_only_to_the_window_it_was_counted_in(monkeypatch):
    """A lookup counted in one window and judged after it ended: the wrong guess that
    started the next window keeps its count."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(throttle.time, "time", lambda: now[0])
    key = "track-ip:192.0.2.11"
    slow = throttle.count_all([key], limit=20, window_seconds=60)
    now[0] += 60
    throttle.allow(key, limit=20, window_seconds=60)  # a failure, in a new window
    throttle.give_back(slow)
    assert ThrottleCount.objects.get(key=throttle.stored_key(key)).attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_new_window_removes_a_bounded_few_ended_ones(monkeypatch):
    """(Outside a transaction, as the server counts: inside one the purge waits.)"""
    now = [1_800_000_000.0]
    monkeypatch.setattr(throttle.time, "time", lambda: now[0])
    ThrottleCount.objects.bulk_create(
        ThrottleCount(key=f"{n:040d}", attempts=1, ends_at=int(now[0]) - 1)
        for n in range(throttle.PURGED_AT_ONCE + 30)
    )
    throttle.allow("sign-in:192.0.2.2", limit=20, window_seconds=60)
    assert ThrottleCount.objects.filter(ends_at__lte=now[0]).count() == 30
    throttle.allow("sign-in:192.0.2.2", limit=20, window_seconds=60)  # the same window
    assert ThrottleCount.objects.filter(ends_at__lte=now[0]).count() == 30
    throttle.allow("sign-in:192.0.2.3", limit=20, window_seconds=60)
    assert not ThrottleCount.objects.filter(ends_at__lte=now[0]).exists()


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


@concurrent_connections
def test_counting_and_giving_back_at_once_never_deadlock():
    """Public tracking from one address (a proxy's, say) for several dossiers at once:
    each lookup counts under the address and the code, then gives both back. Rows
    locked in different orders by two statements deadlock (seen under the load bench:
    PostgreSQL ends one of them with an error, the visitor gets a 500)."""
    address = "track-ip:192.0.2.7"
    codes = [f"track-code:QNI-{n}" for n in range(4)]
    # the address's row comes between the codes' in the table's key order: in some
    # lookups it is locked first, in others second
    digests = [throttle.stored_key(c) for c in codes]
    assert min(digests) < throttle.stored_key(address) < max(digests)

    def lookups(n):
        for i in range(60):
            attempt = throttle.count_all(
                (address, codes[(n + i) % len(codes)]), limit=10**6, window_seconds=3600
            )
            throttle.give_back(attempt)

    at_once(8, lookups)  # (a deadlock is raised here: PostgreSQL ends one of them)
    assert set(ThrottleCount.objects.values_list("attempts", flat=True)) == {0}
