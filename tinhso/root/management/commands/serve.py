import gc
import itertools
import os
import socket
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Caches that each process keeps to itself: with several workers, every limit they
# count (sign-in, tracking guesses, the verifier) would be WORKERS times too loose.
PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


class Command(BaseCommand):
    help = "Máy chủ vận hành (gunicorn) trên PORT với WORKERS tiến trình / production server."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WORKERS", str(_default_workers())))
        )

    def handle(self, *args, port, host, workers, **options):
        from tinhso.wsgi import application

        backend = settings.CACHES["default"]["BACKEND"]
        if workers > 1 and backend in PROCESS_LOCAL_CACHES:
            raise CommandError(
                f"{workers} workers with a process-local cache ({backend}) would each keep "
                "their own catalogue stamp (an edit in one shown late in the others): use the "
                "database cache (the default) or set REDIS_URL, "
                "or run with WORKERS=1. / Nhiều tiến trình cần bộ nhớ đệm dùng chung."
            )

        self.stdout.write(f"tinhso serving http://{host}:{port} with {workers} workers")
        _load_before_fork()
        run_gunicorn(application, host=host, port=port, workers=workers)


def gunicorn_settings(*, host: str, port: int, workers: int) -> dict[str, object]:
    """How `tinhso serve` runs gunicorn (bench/load serves its baseline the same way)."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": int(os.environ.get("THREADS", "4")),
        "timeout": int(os.environ.get("TIMEOUT", "60")),
        "graceful_timeout": 30,
        "accesslog": "-",
        # A worker is replaced after this many requests (a guard against slow leaks; 0:
        # never). A new one starts warm (`_load_before_fork`) but opens its database
        # connection and prepares its statements again: not every few seconds.
        "max_requests": (most := int(os.environ.get("MAX_REQUESTS", "50000"))),
        "max_requests_jitter": most // 10,
        # gunicorn's runtime control socket (worker count, reload, shutdown) at one
        # path per user: unused here, and a second server on the machine would take it.
        "control_socket_disable": True,
    } | _connections_dealt_evenly()


def _connections_dealt_evenly() -> dict[str, object]:
    """By default every gunicorn worker accepts from one shared socket, and a kept-alive
    connection stays with the worker that took it: whichever wakes first. Sixteen
    connections from a proxy's pool or a load test split 13/3 or 16/0, and the busy
    worker, its threads sharing one interpreter lock, runs at one core while the other
    idles. With `reuse_port` each worker accepts on a socket of its own (`_SocketSlots`)
    and the kernel deals new connections over them by a hash of the client's address.
    A kept-alive connection is closed once it is KEEPALIVE_SECONDS old (at its next
    answer), so that it is dealt again and an uneven deal does not last. By age, not
    by a count of requests: a count is reached sooner on the less busy worker, so its
    connections would be dealt again more often than the busy one's, and the deal
    would drift towards the busy worker (seen: 16/0 in one load run in ten). REUSE_PORT=0
    keeps the shared socket."""
    wanted = os.environ.get("REUSE_PORT", "1").strip().lower()
    if wanted in {"0", "false", "no", "off"} or not hasattr(socket, "SO_REUSEPORT"):
        return {"reuse_port": False}
    seconds = float(os.environ.get("KEEPALIVE_SECONDS", "5"))

    def pre_request(worker, req):
        connection = getattr(req, "unreader", None)  # HTTP/1: one per connection
        if not seconds or connection is None:
            return
        now = time.monotonic()
        opened = getattr(connection, "tinhso_opened", None)
        if opened is None:
            connection.tinhso_opened = now
        elif now - opened >= seconds:
            req.must_close = True  # answered with `Connection: close`

    return {"reuse_port": True, "pre_request": pre_request}


class _SocketSlots:
    """The workers' listening sockets, owned by the server process, one per worker
    slot, as nginx's `reuseport` keeps them. gunicorn's own `reuse_port` has each worker
    bind a socket of its own, closed when the worker exits: the connections waiting on
    it are reset, and with one worker, or with all of them replaced at once
    (`max_requests`, reached together when the connections are dealt evenly), new ones
    are refused until a worker binds again. Here a worker accepts on its slot's socket
    and its successor takes the same one, so nothing waiting is lost and the port never
    closes. A slot is closed only when its worker is not replaced (fewer workers)."""

    def __init__(self) -> None:
        from gunicorn import sock

        self._module = sock
        self._create = sock.create_sockets
        self.slots: dict[int, list] = {}
        self.forking: int | None = None
        self.server_pid = os.getpid()

    def install(self) -> dict[str, object]:
        # The forked worker asks gunicorn's `sock.create_sockets` for its sockets
        # (its `reuse_port` branch): it is given its slot's instead.
        self._module.create_sockets = self._sockets_for_worker
        return {"pre_fork": self.pre_fork, "child_exit": self.child_exit}

    def pre_fork(self, server, worker) -> None:
        """In the server process, before a worker is forked: the lowest free slot,
        its socket made the first time."""
        taken = {getattr(w, "tinhso_slot", None) for w in server.WORKERS.values()}
        slot = next(i for i in itertools.count() if i not in taken)
        if slot not in self.slots:
            self.slots[slot] = self._create(server.cfg, server.log)
            server.log.info("Listening at: %s (worker slot %d)", self.slots[slot][0], slot)
        worker.tinhso_slot = slot
        self.forking = slot

    def _sockets_for_worker(self, conf, log, fds=None):
        if self.forking is None or fds is not None or os.getpid() == self.server_pid:
            # not a worker being born
            return self._create(conf, log, fds)
        for slot, sockets in self.slots.items():  # the others' are not this one's to hold
            if slot != self.forking:
                for listener in sockets:
                    listener.sock.close()
        return self.slots[self.forking]

    def child_exit(self, server, worker) -> None:
        """In the server process, a worker gone: its socket waits for its successor,
        unless there will be none."""
        slot = getattr(worker, "tinhso_slot", None)
        if slot is None or len(server.WORKERS) < server.num_workers:
            return
        for listener in self.slots.pop(slot, []):
            listener.sock.close()


def run_gunicorn(application, *, host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    options = gunicorn_settings(host=host, port=port, workers=workers)
    if options["reuse_port"]:
        _refuse_a_taken_port(host, port)
        options = {**options, **_SocketSlots().install()}
    _without_server_banner()

    # What the server process has loaded is shared with its workers (copy-on-write) and
    # lives as long as they do: out of the garbage collector's sight, so that its full
    # collections do not walk it again in every worker, and do not copy its pages.
    gc.collect()
    gc.freeze()

    class Server(BaseApplication):
        def load_config(self):
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self):
            return application

    Server().run()


def _refuse_a_taken_port(host: str, port: int) -> None:
    """With `reuse_port`, the workers' sockets would join any other of this user's
    sockets on the port, a second `tinhso serve` (older code, another database) among
    them, and the kernel would deal the requests over both without a word. Bind once
    as a lone socket first: that fails, as gunicorn's own bind would without
    `reuse_port`, if anything listens there."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT only
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandError(
                f"{host}:{port} is taken ({exc.strerror}). / Cổng {port} đang được dùng."
            ) from exc


def _load_before_fork() -> None:
    """Load in the server process what every worker would otherwise load on its first
    requests, and again after each restart (`max_requests`): every app's views and API
    (Ninja builds its schemas as it imports them) and the holiday tables of the
    working-day calendar. Nothing here touches the database; no connection is open
    when the workers are forked."""
    from importlib import import_module

    from django.db import connections
    from django.utils import timezone

    from tinhso.core.workdays import calendar_years_loaded

    import_module(settings.ROOT_URLCONF)  # and every module its `include`s name
    calendar_years_loaded(timezone.localdate().year)
    connections.close_all()


def _without_server_banner() -> None:
    """gunicorn writes `Server: gunicorn` on every answer and has no setting to stop
    it; what runs the platform is nobody else's business. Its WSGI response builds the
    status line and its own headers in `default_headers`: drop that one line there
    (workers are forked from this process, so they inherit the change)."""
    from gunicorn.http import wsgi

    if getattr(wsgi.Response.default_headers, "tinhso_without_banner", False):
        return
    original = wsgi.Response.default_headers

    def default_headers(self):
        return [h for h in original(self) if not h.lower().startswith("server:")]

    default_headers.tinhso_without_banner = True  # type: ignore[attr-defined]
    wsgi.Response.default_headers = default_headers


def _default_workers() -> int:
    return max(2, (os.cpu_count() or 1) * 2 + 1)
