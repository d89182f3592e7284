"""Django's PostgreSQL backend, with a cheaper check of a kept connection.

With `CONN_HEALTH_CHECKS`, Django sends `SELECT 1` before the first statement of
every request that reuses a connection: one more round trip, and a statement the
server must run, on every request (a third of a tracking lookup's). Here the
connection's socket is asked instead, without waiting: a healthy idle connection has
nothing to read, while one the server ended (a restart, `pg_terminate_backend`, an
idle timeout) has its farewell message or the end of the stream waiting. Only then,
or when the connection is not idle, is `SELECT 1` sent to decide, as Django does.

What neither check sees early is a peer gone silent (a cable cut): `SELECT 1` would
hang as the request's own first statement does.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self) -> None:
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        if not (self._quiet() or self.is_usable()):
            self.close()
        self.health_check_done = True

    def _quiet(self) -> bool:
        """True when the connection is open, idle and has nothing waiting to be read."""
        connection = self.connection
        if connection.closed or connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return False
        poller = select.poll()  # not select(): a worker's descriptors may pass 1023
        try:
            poller.register(connection.fileno(), select.POLLIN)
            return not poller.poll(0)  # readable, hung up or in error: not quiet
        except (OSError, ValueError):
            return False
