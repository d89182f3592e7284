"""Django's PostgreSQL backend, with a cheaper check of a kept connection in use.

With `CONN_HEALTH_CHECKS`, Django sends `SELECT 1` before the first statement of
every request that reuses a connection: one more round trip, and a statement the
server must run, on every request (a third of a tracking lookup's). Here a connection
that served a request less than `TRUSTED_FOR` seconds ago is asked of its socket
instead, without waiting: a healthy idle connection has nothing to read, while one
the server ended (a restart, `pg_terminate_backend`, `idle_session_timeout`) has its
farewell or the end of the stream waiting. Only then, when the connection is not
idle, or when it has rested longer (a busy server's connections never do), is
`SELECT 1` sent to decide, as Django does.

What the socket cannot show is a peer that went away without a word: a NAT or load
balancer that forgot an idle flow (after minutes, not a second), or a database address
moved to another host by a failover. The rested connection meets the first with
`SELECT 1`; a failover in the very second after a request costs each thread's kept
connection one failed request (a 503 the client retries), where `SELECT 1` would
have met the reset first.
"""

from __future__ import annotations

import select
import time

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    TRUSTED_FOR = 1.0  # seconds since its last request that a quiet socket is trusted
    health_check_enabled: bool  # (set by Django's base class; not in its type stubs)
    health_check_done: bool

    _served_at = float("-inf")

    def connect(self) -> None:
        super().connect()
        self._served_at = time.monotonic()

    def close_if_health_check_failed(self) -> None:
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        now = time.monotonic()
        recent = now - self._served_at < self.TRUSTED_FOR
        if (recent and self._quiet()) or self.is_usable():
            self._served_at = now
        else:
            self.close()
        self.health_check_done = True

    def _quiet(self) -> bool:
        """True when the connection is open, idle and has nothing waiting to be read."""
        connection = self.connection
        if connection.closed or connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return False
        poller = select.poll()  # not select(): a worker's descriptors may pass 1023
        try:
            poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
            return not poller.poll(0)  # readable, hung up or in error: not quiet
        except (OSError, ValueError):
            return False
