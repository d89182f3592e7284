"""`tinhso serve`: what the production server tells strangers, and the settings it
refuses to run with."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tinhso.root.management.commands import serve

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _first_answer(url: str, deadline: float):
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - loopback
                return answer.headers
        except urllib.error.HTTPError as exc:  # an error page still has headers
            return exc.headers
        except OSError:
            time.sleep(0.2)
    raise AssertionError("tinhso serve did not answer")


def test_the_server_does_not_announce_itself(tmp_path):
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "TINHSO_TESTING", "DATABASE_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tinhso.settings",
            "TINHSO_VAR_DIR": str(tmp_path),
            "DEBUG": "1",
            "WORKERS": "1",
            "PORT": str(port),
        }
    )
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tinhso.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        headers = _first_answer(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 60)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert headers["X-Request-ID"]  # it is our answer
    assert "Server" not in headers, headers["Server"]


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    ],
)
def test_several_workers_with_a_cache_of_their_own_are_refused(settings, monkeypatch, backend):
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": backend}}
    monkeypatch.setattr(serve, "run_gunicorn", lambda *a, **k: pytest.fail("served anyway"))
    with pytest.raises(CommandError, match="REDIS_URL"):
        call_command("serve", workers=2)


def test_one_worker_may_keep_its_cache_in_memory(settings, monkeypatch):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    served = []
    monkeypatch.setattr(serve, "run_gunicorn", lambda *a, **k: served.append(k))
    call_command("serve", workers=1)
    assert served and served[0]["workers"] == 1


def test_several_workers_with_the_shared_cache_are_served(settings, monkeypatch):
    served = []
    monkeypatch.setattr(serve, "run_gunicorn", lambda *a, **k: served.append(k))
    call_command("serve", workers=3)
    assert served[0]["workers"] == 3


def test_the_server_process_loads_the_apps_before_its_workers_fork(tmp_path):
    """What every worker would otherwise load on its first requests (and again after
    each restart) is loaded once in the server process, and no database connection is
    left open to be shared with the forked workers."""
    probe = (
        "import sys, django; django.setup()\n"
        "from django.db import connection\n"
        "connection.ensure_connection()\n"
        "assert 'tinhso.dossiers.api' not in sys.modules\n"
        "from tinhso.root.management.commands.serve import _load_before_fork\n"
        "_load_before_fork()\n"
        "from tinhso.core.workdays import _public_holidays\n"
        "print('tinhso.dossiers.api' in sys.modules, connection.connection is None,"
        " _public_holidays.cache_info().currsize)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # a database of its own
    env["TINHSO_VAR_DIR"] = str(tmp_path)
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True", "2"]


def test_workers_are_replaced_after_max_requests_with_jitter(monkeypatch):
    options = serve.gunicorn_settings(host="127.0.0.1", port=8000, workers=2)
    assert (options["max_requests"], options["max_requests_jitter"]) == (50000, 5000)
    monkeypatch.setenv("MAX_REQUESTS", "0")  # never
    options = serve.gunicorn_settings(host="127.0.0.1", port=8000, workers=2)
    assert (options["max_requests"], options["max_requests_jitter"]) == (0, 0)


SERVE = (
    "import os, sys\n"
    "from tinhso.root.management.commands.serve import run_gunicorn\n"
    "def app(environ, start_response):\n"
    "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
    "    return [f'{sys.argv[3]} {os.getpid()}'.encode()]\n"
    "run_gunicorn(app, host='127.0.0.1', port=int(sys.argv[1]), workers=int(sys.argv[2]))\n"
)


def _listening_sockets(port: int) -> int:
    """LISTEN rows (state 0A) on 127.0.0.1:port in the kernel's table."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for r in rows if r.split()[1] == f"0100007F:{port:04X}" and r.split()[3] == "0A")


def _answers_on_one_connection(port: int, *, pause: float) -> list[tuple[str, str | None]]:
    """Six answers asked on one connection: five at once, one `pause` seconds later."""
    import http.client

    deadline = time.monotonic() + 30
    while True:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            answers = []
            for n in range(6):
                if n == 5:
                    time.sleep(pause)
                conn.request("GET", "/")
                r = conn.getresponse()
                answers.append((r.read().decode(), r.getheader("Connection")))
            return answers
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
        finally:
            conn.close()


@pytest.mark.parametrize("reuse_port", ["1", "0"])
def test_each_worker_listens_on_its_own_socket_and_connections_are_dealt_again(
    tmp_path, reuse_port
):
    """With REUSE_PORT, both workers have a listening socket of their own (the kernel
    deals connections over them), and a kept-alive connection is closed once it is
    KEEPALIVE_SECONDS old so that it is dealt again; without, one shared socket and
    connections kept."""
    port = _free_port()
    server = _start(tmp_path, port, REUSE_PORT=reuse_port, KEEPALIVE_SECONDS="1", THREADS="2")
    try:
        answers = _answers_on_one_connection(port, pause=1.2)
        deadline = time.monotonic() + 30
        while _listening_sockets(port) < (2 if reuse_port == "1" else 1):
            assert time.monotonic() < deadline, "the workers did not listen"
            time.sleep(0.2)
        listening = _listening_sockets(port)
    finally:
        _stop(server)
    assert len({worker for worker, _ in answers}) == 1  # one connection, one worker
    closes = [header for _, header in answers]
    if reuse_port == "1":
        assert listening == 2
        assert closes == ["keep-alive"] * 5 + ["close"]  # by its age, not its count
    else:
        assert listening == 1
        assert closes == ["keep-alive"] * 6


def test_per_worker_sockets_by_default_and_one_shared_socket_on_request(monkeypatch):
    settings_now = lambda: serve.gunicorn_settings(host="127.0.0.1", port=8000, workers=2)  # noqa: E731
    monkeypatch.delenv("REUSE_PORT", raising=False)
    assert settings_now()["reuse_port"] is True
    monkeypatch.setenv("REUSE_PORT", "0")
    assert settings_now()["reuse_port"] is False


def _start(tmp_path, port, *, name="tinhso", workers=2, **env):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tinhso.settings",
           "TINHSO_VAR_DIR": str(tmp_path), **env}  # fmt: skip
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", SERVE, str(port), str(workers), name],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _get(port) -> str:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/")
        return conn.getresponse().read().decode()
    finally:
        conn.close()


def _answering(port) -> str:
    deadline = time.monotonic() + 30
    while True:
        try:
            return _get(port)
        except OSError:
            assert time.monotonic() < deadline, "no answer"
            time.sleep(0.2)


def _stop(*servers):
    for server in servers:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.parametrize("workers", [1, 2])
def test_no_connection_is_refused_or_reset_while_workers_are_replaced(tmp_path, workers):
    """Each worker is replaced every 150 requests: the connections waiting on its
    socket wait for its successor, and the port never closes (with one worker too)."""
    port = _free_port()
    server = _start(tmp_path, port, workers=workers, MAX_REQUESTS="150")
    failures: list[str] = []
    answers = 0
    try:
        _answering(port)
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            try:
                _get(port)
                answers += 1
            except OSError as exc:
                failures.append(type(exc).__name__)
    finally:
        _stop(server)
    assert answers > 2 * 150 * workers  # several replacements happened meanwhile
    assert failures == []


def test_a_second_server_on_the_same_port_does_not_start(tmp_path):
    """An old release still running, or a second deployment given the same PORT: the
    new one fails, it does not quietly take half the requests."""
    port = _free_port()
    old = _start(tmp_path, port, name="old")
    new = None
    try:
        _answering(port)
        new = _start(tmp_path, port, name="new")
        new.wait(timeout=45)
        assert new.returncode != 0
        assert {_get(port).split()[0] for _ in range(40)} == {"old"}
    finally:
        _stop(old, *([new] if new else []))


def test_a_port_another_server_listens_on_is_refused_not_shared():
    """Another process of this user listening with SO_REUSEPORT on the port would share
    it with the workers' sockets: the server refuses to start instead."""
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        port = other.getsockname()[1]
        with pytest.raises(CommandError, match=f"{port} is taken"):
            serve._refuse_a_taken_port("127.0.0.1", port)
    serve._refuse_a_taken_port("127.0.0.1", port)  # free again
