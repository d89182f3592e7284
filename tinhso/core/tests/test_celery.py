"""Background work on a real Celery worker with the real local brokers (Redis and
RabbitMQ): a job enqueued through core.jobs runs on the worker to done, a message
delivered again for a finished job does no work twice, and a notification sent
after commit goes through the worker once. Skipped, saying why, only when the
broker does not answer.

The worker runs in a thread of the test process (celery.contrib.testing) and uses
the test's own database connection, inside the test's transaction: the app is the
real one but for Celery's Django fix-up, which would close that connection around
each task (`tinhso worker` keeps it).
"""

import socket
import threading
import uuid
from contextlib import contextmanager
from os import environ
from urllib.parse import urlsplit

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun, task_prerun
from django.core import mail
from django.db import OperationalError, connections

from tinhso.core import jobs
from tinhso.core.celery_app import app_for, beat_schedule, make_app
from tinhso.core.models import Job

BROKERS = {
    "redis": environ.get("TINHSO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
    "rabbitmq": environ.get("TINHSO_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//"),
}
ran: list[int] = []


@jobs.handler("tests.count")
def count_items(job):
    ran.append(job.pk)
    for _ in range(job.params["items"]):
        jobs.step(job, ok=True)


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    default = {"redis": 6379, "amqp": 5672}[parts.scheme]
    try:
        with socket.create_connection((parts.hostname, parts.port or default), timeout=1):
            return True
    except OSError:
        return False


class Finished:
    """Counts the tasks the worker finished, with their ids."""

    def __init__(self):
        self.task_ids: list[str] = []
        self._cond = threading.Condition()

    def __call__(self, sender=None, task_id=None, **kwargs):
        with self._cond:
            self.task_ids.append(task_id)
            self._cond.notify_all()

    def wait_for(self, n: int, timeout: float = 15) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: len(self.task_ids) >= n, timeout=timeout)


@contextmanager
def real_worker(broker: str, settings, monkeypatch):
    url = BROKERS[broker]
    if not _reachable(url):
        pytest.skip(f"{broker} is not reachable at {urlsplit(url).netloc}: start it to run this")
    queue = f"tinhso-test-{uuid.uuid4().hex[:12]}"  # our own queue: no one else's messages
    settings.BROKER_URL, settings.JOBS_QUEUE, settings.JOBS_EAGER = url, queue, False
    app = make_app(url, queue, fixups=())
    monkeypatch.setattr("tinhso.core.celery_app.app_for", lambda broker_url, queue_name: app)

    shared = connections["default"]
    shared.inc_thread_sharing()

    def use_the_tests_connection(**kwargs):
        connections["default"] = shared

    finished = Finished()
    task_prerun.connect(use_the_tests_connection, weak=False)
    task_postrun.connect(finished, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=15) as w:
            # Wake the event loop often, so that stopping takes a moment, not its 10 s poll.
            w.hub.call_repeatedly(0.25, lambda: None)
            yield app, finished
    finally:
        task_prerun.disconnect(use_the_tests_connection)
        task_postrun.disconnect(finished)
        shared.dec_thread_sharing()
        with app.connection() as conn:
            conn.default_channel.queue_delete(queue)


@pytest.mark.parametrize("broker", ["redis", "rabbitmq"])
def test_a_job_runs_on_a_real_worker_once_even_if_delivered_again(
    broker, db, settings, monkeypatch, django_capture_on_commit_callbacks
):
    ran.clear()
    with real_worker(broker, settings, monkeypatch) as (app, finished):
        with django_capture_on_commit_callbacks(execute=True):
            job = jobs.enqueue(kind="tests.count", actor=None, params={"items": 3}, total=3)
        assert finished.wait_for(1), "the worker never ran the job"
        job.refresh_from_db()
        assert (job.state, job.done, job.failed) == (Job.State.DONE, 3, 0)
        assert ran == [job.pk]

        # The broker hands the same message over again (a worker died before its ack):
        # same task, same id, same job.
        app.tinhso.run_job.apply_async(args=[job.pk], task_id=finished.task_ids[0])
        assert finished.wait_for(2), "the redelivered message was not consumed"
        job.refresh_from_db()
        assert ran == [job.pk]  # no work done twice
        assert (job.state, job.done) == (Job.State.DONE, 3)


def test_a_notification_goes_out_through_the_worker_once(
    settings, monkeypatch, make_citizen, django_capture_on_commit_callbacks
):
    from tinhso.notifications import services

    person = make_citizen()
    person.email = "congdan@example.vn"
    person.save(update_fields=["email"])
    with real_worker("redis", settings, monkeypatch) as (app, finished):
        with django_capture_on_commit_callbacks(execute=True):
            note = services.notify(user=person, subject="Đã tiếp nhận", body="Nội dung")
        assert finished.wait_for(1), "the worker never sent it"
        app.tinhso.call.apply_async(
            args=["notifications.deliver", {"notification_id": note.pk}],
            task_id=finished.task_ids[0],
        )
        assert finished.wait_for(2)
    note.refresh_from_db()
    assert note.delivered_at is not None
    assert [m.to for m in mail.outbox] == [["congdan@example.vn"]]


def test_tasks_acknowledge_late_and_come_back_when_a_worker_dies(settings):
    app = app_for("redis://127.0.0.1:6379/0", "tinhso-config-only")
    for name in ("tinhso.run_job", "tinhso.call", "tinhso.run_command"):
        task = app.tasks[name]
        assert task.acks_late and task.reject_on_worker_lost, name
        assert OperationalError in task.autoretry_for, name  # a database restart is retried


def test_the_periodic_commands_are_a_settings_dict(settings):
    schedule = beat_schedule({"remind_due": "0 7 * * 1-5", "refresh_opendata": "15 * * * *"})
    assert schedule["remind_due"]["args"] == ("remind_due",)
    assert schedule["remind_due"]["schedule"].hour == {7}
    assert schedule["refresh_opendata"]["schedule"].minute == {15}
    assert set(beat_schedule(settings.PERIODIC_COMMANDS)) == set(settings.PERIODIC_COMMANDS)
