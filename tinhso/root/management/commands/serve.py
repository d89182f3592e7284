import os

from django.core.management.base import BaseCommand


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

        self.stdout.write(f"tinhso serving http://{host}:{port} with {workers} workers")
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
        "max_requests": 5000,
        "max_requests_jitter": 500,
    }


def run_gunicorn(application, *, host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    options = gunicorn_settings(host=host, port=port, workers=workers)

    class Server(BaseApplication):
        def load_config(self):
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self):
            return application

    Server().run()


def _default_workers() -> int:
    return max(2, (os.cpu_count() or 1) * 2 + 1)
