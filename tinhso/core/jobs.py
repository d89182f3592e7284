"""Background jobs: recorded in the database with their progress, run after the
transaction that asked for them commits.

With `BROKER_URL` (or `REDIS_URL`) set, a job goes to Celery (`tinhso/core/celery_app.py`):
the message is acknowledged only after the job ran, so a worker that dies mid-job
leaves it to be delivered again (at least once). Without a broker a job runs
in-process, on a thread of the server that accepted it (or at once with JOBS_EAGER,
as the tests do). Handlers are idempotent, item by item, and a job already done is
not run again, so a redelivered message or `tinhso run_job ID` after a restart is safe.

Small side effects after a commit (sending a notification, making a declaration) use
`defer`: a named function registered with `@jobs.task`, called on a Celery worker when
there is a broker; without one, on this process's one background thread, in order,
after the request has been answered (its work drained when the process exits). What a
process killed meanwhile leaves undone is what a broker's worker dying leaves: each
task has its sweep (the notification outbox) or is made again on demand.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

from .models import Job

logger = logging.getLogger("tinhso.jobs")

Handler = Callable[[Job], None]
_HANDLERS: dict[str, Handler] = {}
_TASKS: dict[str, Callable[..., None]] = {}


def handler(kind: str):
    """Register the function that runs jobs of `kind` (one item at a time, calling
    `step(job, ok=…, note=…)` after each)."""

    def register(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
        return fn

    return register


def enqueue(*, kind: str, actor, params: dict, total: int) -> Job:
    job = Job.objects.create(kind=kind, created_by=actor, params=params, total=total)
    transaction.on_commit(lambda: dispatch(job.pk))
    return job


def dispatch(job_id: int) -> None:
    if getattr(settings, "JOBS_EAGER", False):
        run(job_id)
        return
    if getattr(settings, "BROKER_URL", ""):
        try:
            _celery().run_job.delay(job_id)
            return
        except Exception:
            # The job row is committed: run it here rather than leave it queued forever.
            logger.exception("broker unreachable; job %s runs in-process", job_id)
    threading.Thread(target=_run_in_thread, args=(job_id,), daemon=True).start()


def _celery():
    from tinhso.core.celery_app import tasks_for

    return tasks_for(settings.BROKER_URL, settings.JOBS_QUEUE)


def _run_in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        run(job_id)
    finally:
        close_old_connections()


def run(job_id: int) -> Job:
    """Run a job (again). One already done is left as it is: a message delivered a
    second time does no work twice. Otherwise the handler walks every item again,
    skipping what is already done, so the counters start from zero."""
    job = Job.objects.get(pk=job_id)
    if job.state == Job.State.DONE:
        logger.info("job %s (%s) already done; not run again", job.pk, job.kind)
        return job
    if job.kind not in _HANDLERS:
        _import_handlers()
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, started_at=timezone.now(), done=0, failed=0, log=[]
    )
    try:
        _HANDLERS[job.kind](job)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, finished_at=timezone.now())
    else:
        Job.objects.filter(pk=job.pk).update(state=Job.State.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    return job


def step(job: Job, *, ok: bool, note: str = "") -> None:
    """Count one item; a failed one keeps its reason in the job's log."""
    if ok:
        Job.objects.filter(pk=job.pk).update(done=F("done") + 1)
    else:
        with transaction.atomic():
            locked = Job.objects.select_for_update().get(pk=job.pk)
            locked.failed += 1
            locked.log = [*locked.log, note][-200:]
            locked.save(update_fields=["failed", "log"])


def task(name: str):
    """Register a small side effect that `defer` may ask for by name (keyword
    arguments only, JSON-serialisable). It may run more than once: make it idempotent."""

    def register(fn: Callable[..., None]) -> Callable[..., None]:
        _TASKS[name] = fn
        return fn

    return register


def defer(name: str, **kwargs) -> None:
    """Call the task `name` after the current transaction commits: on a Celery worker
    when a broker is configured (at least once), else on this process's background
    thread (at once with JOBS_EAGER)."""
    transaction.on_commit(lambda: _send(name, kwargs))


def _send(name: str, kwargs: dict) -> None:
    if getattr(settings, "JOBS_EAGER", False):
        _call_logged(name, kwargs)
        return
    if getattr(settings, "BROKER_URL", ""):
        try:
            _celery().call.delay(name, kwargs)
            return
        except Exception:
            logger.exception("broker unreachable; task %s runs in-process", name)
    in_background(_call_logged, name, kwargs)


def _call_logged(name: str, kwargs: dict) -> None:
    try:
        call(name, kwargs)
    except Exception:
        # The change itself has committed; a periodic sweep may try again.
        logger.exception("task %s failed", name)


# ---------------------------------------------------------------- without a broker

_background: queue.SimpleQueue | None = None
_background_thread: threading.Thread | None = None
_background_pid = 0
_background_lock = threading.Lock()
DRAIN_SECONDS = 20  # at exit, how long the thread may go on with what is queued


def in_background(fn: Callable[..., None], *args) -> None:
    """Run `fn(*args)` on this process's background thread, after what was queued
    before (one thread per process, started on first use, again after a fork; its
    database connection kept as the server's threads keep theirs)."""
    global _background, _background_thread, _background_pid
    with _background_lock:
        if _background is None or _background_pid != os.getpid():
            _background, _background_pid = queue.SimpleQueue(), os.getpid()
            _background_thread = threading.Thread(
                target=_work, args=(_background,), name="tinhso-background", daemon=True
            )
            _background_thread.start()
        _background.put((fn, args))


def _work(items: queue.SimpleQueue) -> None:
    while True:
        fn, args = items.get()
        if fn is None:
            return
        close_old_connections()
        try:
            fn(*args)
        except Exception:
            logger.exception("background work %r failed", fn)
        finally:
            close_old_connections()


def drain(timeout: float = DRAIN_SECONDS) -> None:
    """Let the background thread finish what is queued (at exit; tests)."""
    with _background_lock:
        thread, items = _background_thread, _background
        if thread is None or items is None or _background_pid != os.getpid():
            return
        items.put((None, ()))
    thread.join(timeout)
    with _background_lock:
        globals().update(_background=None, _background_thread=None)


atexit.register(drain)


def call(name: str, kwargs: dict) -> None:
    if name not in _TASKS:
        _import_handlers()
    _TASKS[name](**kwargs)


def _import_handlers() -> None:
    from importlib import import_module

    from django.apps import apps

    for app in apps.get_app_configs():
        if app.name.startswith("tinhso."):
            try:
                import_module(f"{app.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app.name}.tasks":
                    raise
