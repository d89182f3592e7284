"""Notifications sent after commit (by `core.jobs.defer`): on a Celery worker when a
broker is configured, inline otherwise. `services.deliver` is idempotent."""

from __future__ import annotations

from tinhso.core import jobs


@jobs.task("notifications.deliver")
def deliver(*, notification_id: int) -> None:
    from . import services

    services.deliver(notification_id=notification_id)
