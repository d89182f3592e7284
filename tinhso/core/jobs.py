"""Background jobs: recorded in the database with their progress, run after the
transaction that asked for them commits.

By default a job runs in-process, on a thread of the server that accepted it (or at
once with JOBS_EAGER, as the tests do). Handlers are idempotent, item by item, so a
job interrupted by a restart can simply be run again (`tinhso run_job ID`).
"""

from __future__ import annotations

import logging
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
    threading.Thread(target=_run_in_thread, args=(job_id,), daemon=True).start()


def _run_in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        run(job_id)
    finally:
        close_old_connections()


def run(job_id: int) -> Job:
    job = Job.objects.get(pk=job_id)
    if job.kind not in _HANDLERS:
        _import_handlers()
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=timezone.now())
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
