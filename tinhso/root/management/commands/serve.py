import gc
import os
from pathlib import Path

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
                "their own rate limits: use the database cache (the default) or set REDIS_URL, "
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


# Where the kernel hands the connections waiting on a closing socket to its siblings
# (Linux 5.14+, `sysctl net.ipv4.tcp_migrate_req=1`).
MIGRATE_REQ = Path("/proc/sys/net/ipv4/tcp_migrate_req")


def _connections_dealt_evenly() -> dict[str, object]:
    """By default every gunicorn worker accepts from one shared socket, and a kept-alive
    connection stays with the worker that took it: whichever wakes first. Sixteen
    connections from a proxy's pool or a load test split 13/3 or 16/0, and the busy
    worker, its threads sharing one interpreter lock, runs at one core while the other
    idles. With `reuse_port` each worker listens on a socket of its own and the kernel
    deals new connections over them by a hash of the client's address; closing a
    kept-alive connection every KEEPALIVE_REQUESTS requests (as nginx does) deals it
    again, so an uneven deal, or the one a worker's restart leaves, does not last.

    A worker that exits (`max_requests`) closes its socket; the kernel resets the
    connections still waiting on it unless it can move them to a sibling
    (`tcp_migrate_req`). So REUSE_PORT=auto (the default) turns this on only where it
    can; 1 forces it, 0 keeps the shared socket."""
    wanted = os.environ.get("REUSE_PORT", "auto").strip().lower()
    if wanted == "auto":
        try:
            on = MIGRATE_REQ.read_text().strip() == "1"
        except OSError:
            on = False
    else:
        on = wanted not in {"0", "false", "no", "off"}
    if not on:
        return {"reuse_port": False}
    after = int(os.environ.get("KEEPALIVE_REQUESTS", "1000"))

    def pre_request(worker, req):
        if after and req.req_number >= after:
            req.must_close = True  # answered with `Connection: close`

    return {"reuse_port": True, "pre_request": pre_request}


def run_gunicorn(application, *, host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    options = gunicorn_settings(host=host, port=port, workers=workers)
    if options["reuse_port"]:
        _refuse_a_taken_port(host, port)
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
    import socket

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
