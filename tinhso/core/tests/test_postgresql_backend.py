"""The PostgreSQL backend's check of a kept connection (tinhso.core.postgresql): a
connection the server ended, or a middlebox forgot, is replaced before a request uses
it, and a healthy one in use is kept without a `SELECT 1` round trip."""

import contextlib
import select
import socket
import struct
import threading
import time

import psycopg
import pytest
from django.db import OperationalError, connection, connections

if connection.vendor != "postgresql":  # (skipped whole: no test database to set up)
    pytest.skip("PostgreSQL only", allow_module_level=True)

pytestmark = pytest.mark.django_db(transaction=True)


def _as_a_new_request_finds_it():
    connection.close_if_unusable_or_obsolete()  # what request_started does


def _other_session():
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def _until_something_waits_on_the_socket():
    poller = select.poll()
    poller.register(connection.connection.fileno(), select.POLLIN)
    deadline = time.monotonic() + 10
    while not poller.poll(100):
        assert time.monotonic() < deadline, "nothing reached the socket"


def _asking(monkeypatch) -> list[int]:
    """Counts the `SELECT 1` checks (each still sent)."""
    asked: list[int] = []
    real = type(connections["default"]).is_usable
    monkeypatch.setattr(
        type(connections["default"]), "is_usable", lambda self: asked.append(1) or real(self)
    )
    return asked


def _pid() -> int:
    with connection.cursor() as cursor:  # a request's first statement
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_backend_is_in_use():
    assert type(connections["default"]).__module__ == "tinhso.core.postgresql.base"
    assert connection.health_check_enabled


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it():
    ended = _pid()
    with _other_session() as other:
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [ended])
    _until_something_waits_on_the_socket()  # the server's farewell

    _as_a_new_request_finds_it()
    assert _pid() != ended


def test_a_connection_ended_by_idle_session_timeout_is_replaced():
    with connection.cursor() as cursor:
        cursor.execute("SET idle_session_timeout = '300ms'")
    ended = _pid()
    _until_something_waits_on_the_socket()

    _as_a_new_request_finds_it()
    assert _pid() != ended


def test_a_healthy_connection_in_use_is_kept_without_asking_the_server(monkeypatch):
    kept = _pid()
    asked = _asking(monkeypatch)
    for _ in range(3):  # request after request
        _as_a_new_request_finds_it()
        assert _pid() == kept
    assert asked == []  # no SELECT 1: the socket said it was quiet


def test_a_connection_that_rested_is_asked(monkeypatch):
    monkeypatch.setattr(type(connections["default"]), "TRUSTED_FOR", 0.05)
    kept = _pid()
    _as_a_new_request_finds_it()
    _pid()
    time.sleep(0.1)
    asked = _asking(monkeypatch)

    _as_a_new_request_finds_it()
    assert _pid() == kept
    assert asked == [1]


def test_a_connection_with_something_waiting_is_asked(monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("LISTEN tinhso_backend_test")
    with _other_session() as other:
        other.execute("NOTIFY tinhso_backend_test")
    _until_something_waits_on_the_socket()
    asked = _asking(monkeypatch)

    _as_a_new_request_finds_it()
    with connection.cursor() as cursor:
        cursor.execute("UNLISTEN *")
    assert asked == [1]  # the waiting notice made it ask, and the connection was fine


def _end(sock: socket.socket) -> None:
    """Close a socket another thread may be reading (close alone would not end it)."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class _ForgetfulProxy:
    """A TCP relay to PostgreSQL that can forget its connections as a NAT does after
    its idle timeout: a forgotten connection's next packet from the client is answered
    with a reset (nothing is sent before it); new connections pass."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.flows: list[threading.Event] = []
        self.upstreams: list[socket.socket] = []
        self.ports: list[int] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            forgotten = threading.Event()
            self.flows.append(forgotten)
            self.upstreams.append(server)
            self.ports.append(server.getsockname()[1])
            threading.Thread(target=self._up, args=(client, server, forgotten), daemon=True).start()
            threading.Thread(target=self._down, args=(client, server), daemon=True).start()

    @staticmethod
    def _up(client, server, forgotten) -> None:
        while True:
            try:
                data = client.recv(65536)
            except OSError:
                return
            if not data:
                _end(server)
                return
            if forgotten.is_set():  # an unknown flow now: reset
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                client.close()
                _end(server)
                return
            try:
                server.sendall(data)
            except OSError:
                return

    @staticmethod
    def _down(client, server) -> None:
        while True:
            try:
                data = server.recv(65536)
                if not data:
                    return
                client.sendall(data)
            except OSError:
                return

    def forget(self) -> None:
        for forgotten in self.flows:
            forgotten.set()

    def close(self) -> None:
        self.listener.close()
        for server in self.upstreams:  # each backend ends before the test database goes
            _end(server)


@contextlib.contextmanager
def _via_proxy():
    """The default connection, through a _ForgetfulProxy, while the block runs (and
    closed at its end, before the tests' teardown asks the database again)."""
    settings = connection.settings_dict
    saved = settings["HOST"], settings["PORT"]
    proxy = _ForgetfulProxy(saved[0] or "127.0.0.1", int(saved[1] or 5432))
    connection.close()
    settings["HOST"], settings["PORT"] = "127.0.0.1", str(proxy.port)
    try:
        yield proxy
    finally:
        connection.close()
        settings["HOST"], settings["PORT"] = saved
        proxy.close()
        with connection.cursor() as cursor:  # the relayed backends gone before teardown
            for _ in range(50):
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND client_port = ANY(%s)",
                    [proxy.ports],
                )
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.1)


def test_a_rested_connection_a_middlebox_forgot_is_replaced_before_the_request_uses_it(
    monkeypatch,
):
    """A NAT or load balancer that forgot an idle flow says nothing: the next packet is
    answered with a reset. The socket is quiet, so a rested connection is asked."""
    monkeypatch.setattr(type(connections["default"]), "TRUSTED_FOR", 0.05)
    with _via_proxy() as proxy:
        kept = _pid()
        proxy.forget()  # its idle timeout passes (an AWS NAT gateway's: 350 s)
        time.sleep(0.1)

        _as_a_new_request_finds_it()
        try:
            now = _pid()
        except OperationalError as exc:
            pytest.fail(f"the request met the forgotten connection: {exc}")
        assert now != kept


def test_a_connection_on_a_descriptor_past_1023_is_still_asked_of_its_socket(monkeypatch):
    """select() cannot watch a descriptor past 1023 (a worker with many files open):
    the check polls, so the connection is still kept without a round trip."""
    import os
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip("cannot open 1,200 files here")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    filler = []
    try:
        connection.close()
        while len(filler) < 1100:
            filler.append(os.open(os.devnull, os.O_RDONLY))
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        assert connection.connection.fileno() > 1023
        asked = _asking(monkeypatch)
        _as_a_new_request_finds_it()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        assert asked == []
    finally:
        for fd in filler:
            os.close(fd)
        connection.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
