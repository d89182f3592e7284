"""Celery, for running background jobs and after-commit side effects on workers when
`BROKER_URL` (or `REDIS_URL`) names a broker: `redis://…` or `amqp://…` (RabbitMQ).

    tinhso worker                 # = celery -A tinhso worker -l INFO
    tinhso worker --beat          # the same, with the periodic commands (one per site)
    celery -A tinhso beat         # or the schedule in a process of its own

Delivery is at least once: a message is acknowledged after its task ran
(`acks_late`), and one whose worker died is delivered again
(`reject_on_worker_lost`; on Redis after `JOBS_VISIBILITY_TIMEOUT`). What runs here
is therefore idempotent: `core.jobs.run` leaves a job already done alone, job
handlers skip items already done, and notifications are marked sent once.

Three generic tasks, all configured from Django settings:
- `tinhso.run_job(job_id)`: `core.jobs.run`, the job row holds kind, parameters, progress;
- `tinhso.call(name, kwargs)`: a side effect registered with `@core.jobs.task(name)`;
- `tinhso.run_command(name)`: a management command named in `PERIODIC_COMMANDS` (beat).
"""

from __future__ import annotations

import os
from functools import lru_cache
from types import SimpleNamespace

from celery import Celery
from celery.schedules import crontab
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")

# shared=False: each app (one per broker and queue) has its own copies of the tasks.
# A database that went away for a moment (a restart, a failover) is retried with
# backoff rather than dropped (the message would be acknowledged as failed).
TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    "shared": False,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "max_retries": 8,
}


def beat_schedule(commands: dict[str, str]) -> dict[str, dict]:
    """`{"remind_due": "0 7 * * 1-5"}` → Celery beat entries running those commands."""
    schedule = {}
    for name, spec in commands.items():
        minute, hour, day_of_month, month_of_year, day_of_week = spec.split()
        schedule[name] = {
            "task": "tinhso.run_command",
            "schedule": crontab(
                minute=minute,
                hour=hour,
                day_of_month=day_of_month,
                month_of_year=month_of_year,
                day_of_week=day_of_week,
            ),
            "args": (name,),
        }
    return schedule


def make_app(broker_url: str, queue: str, *, fixups=None) -> Celery:
    """The app for this broker and queue. `fixups=None` keeps Celery's Django fix-up
    (django.setup() in the worker, database connections closed around each task)."""
    from django.conf import settings

    app = Celery("tinhso", broker=broker_url or None, set_as_current=False, fixups=fixups)
    app.conf.update(
        task_default_queue=queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        worker_prefetch_multiplier=1,  # with late acks: a worker holds one message at a time
        worker_hijack_root_logger=False,  # Django's LOGGING (request ids, masked IDs) stays
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": settings.JOBS_VISIBILITY_TIMEOUT},
        timezone=settings.TIME_ZONE,
        beat_schedule=beat_schedule(settings.PERIODIC_COMMANDS),
        beat_schedule_filename=str(settings.VAR_DIR / "celerybeat-schedule"),
    )

    @app.task(name="tinhso.run_job", **TASK_OPTIONS)
    def run_job(job_id: int) -> None:
        from tinhso.core import jobs

        jobs.run(job_id)

    @app.task(name="tinhso.call", **TASK_OPTIONS)
    def call(name: str, kwargs: dict) -> None:
        from tinhso.core import jobs

        jobs.call(name, kwargs)

    @app.task(name="tinhso.run_command", **TASK_OPTIONS)
    def run_command(name: str) -> None:
        from django.core.management import call_command

        if name not in settings.PERIODIC_COMMANDS:
            raise ValueError(f"{name} is not in PERIODIC_COMMANDS")
        call_command(name)

    app.tinhso = SimpleNamespace(run_job=run_job, call=call, run_command=run_command)
    return app


@lru_cache(maxsize=8)
def app_for(broker_url: str, queue: str) -> Celery:
    return make_app(broker_url, queue)


def tasks_for(broker_url: str, queue: str) -> SimpleNamespace:
    """The three tasks, bound to the app of this broker and queue."""
    return app_for(broker_url, queue).tinhso


def default_app() -> Celery:
    """The app of this site's broker and queue (`celery -A tinhso` loads it)."""
    from django.conf import settings

    return app_for(settings.BROKER_URL, settings.JOBS_QUEUE)
