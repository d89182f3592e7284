"""The PostgreSQL backend's check of a kept connection (tinhso.core.postgresql): a
connection the server ended is replaced before a request uses it, and a healthy one
is kept without a `SELECT 1` round trip."""

import time

import psycopg
import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


def _as_a_new_request_finds_it():
    connection.close_if_unusable_or_obsolete()  # what request_started does


def _other_session():
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def test_the_backend_is_in_use():
    assert type(connections["default"]).__module__ == "tinhso.core.postgresql.base"
    assert connection.health_check_enabled


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    ended = connection.connection.info.backend_pid
    with _other_session() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [ended])
    time.sleep(0.2)  # the server's farewell reaches the socket

    _as_a_new_request_finds_it()
    with connection.cursor() as cursor:  # the request's first statement
        cursor.execute("SELECT pg_backend_pid()")
        (now,) = cursor.fetchone()
    assert now != ended


def test_a_healthy_idle_connection_is_kept_without_asking_the_server(monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    kept = connection.connection.info.backend_pid
    asked = []
    monkeypatch.setattr(
        type(connections["default"]), "is_usable", lambda self: asked.append(1) or True
    )

    _as_a_new_request_finds_it()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (now,) = cursor.fetchone()
    assert now == kept
    assert asked == []  # no SELECT 1: the socket said it was quiet


def test_a_connection_with_something_waiting_is_asked(monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("LISTEN tinhso_backend_test")
    with _other_session() as other:
        other.execute("NOTIFY tinhso_backend_test")
    time.sleep(0.2)
    asked = []
    real = type(connections["default"]).is_usable
    monkeypatch.setattr(
        type(connections["default"]), "is_usable", lambda self: asked.append(1) or real(self)
    )

    _as_a_new_request_finds_it()
    with connection.cursor() as cursor:
        cursor.execute("UNLISTEN *")
    assert asked == [1]  # the waiting notice made it ask, and the connection was fine


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
        asked = []
        monkeypatch.setattr(
            type(connections["default"]), "is_usable", lambda self: asked.append(1) or True
        )
        _as_a_new_request_finds_it()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        assert asked == []
    finally:
        for fd in filler:
            os.close(fd)
        connection.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
