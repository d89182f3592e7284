"""Without a broker, after-commit tasks (`jobs.defer`) run on the process's one
background thread, after the request, in order; what is queued is done at exit."""

import threading

import pytest

from tinhso.core import jobs

seen: list[tuple[str, int, str]] = []
release = threading.Event()


@jobs.task("tests.background.note")
def note(*, n: int, wait: bool = False) -> None:
    if wait:
        release.wait(5)
    seen.append(("note", n, threading.current_thread().name))


@pytest.fixture
def no_broker(settings):
    settings.BROKER_URL, settings.JOBS_EAGER = "", False
    seen.clear()
    release.clear()
    yield
    release.set()
    jobs.drain(5)


def test_a_deferred_task_runs_after_the_caller_returns_on_the_background_thread(no_broker):
    jobs._send("tests.background.note", {"n": 1, "wait": True})
    assert seen == []  # the caller (a request) did not wait for it
    jobs._send("tests.background.note", {"n": 2})
    release.set()
    jobs.drain(5)
    assert [(n, thread) for _, n, thread in seen] == [
        (1, "tinhso-background"),
        (2, "tinhso-background"),
    ]


def test_a_failing_task_does_not_stop_the_ones_after_it(no_broker):
    jobs._send("tests.background.unknown-task", {})
    jobs._send("tests.background.note", {"n": 3})
    jobs.drain(5)
    assert [n for _, n, _ in seen] == [3]
