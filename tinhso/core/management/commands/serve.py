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
        from gunicorn.app.base import BaseApplication

        from tinhso.wsgi import application

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("threads", int(os.environ.get("THREADS", "4")))
                self.cfg.set("timeout", int(os.environ.get("TIMEOUT", "60")))
                self.cfg.set("graceful_timeout", 30)
                self.cfg.set("accesslog", "-")
                self.cfg.set("max_requests", 5000)
                self.cfg.set("max_requests_jitter", 500)

            def load(self):
                return application

        self.stdout.write(f"tinhso serving http://{host}:{port} with {workers} workers")
        Server().run()


def _default_workers() -> int:
    return max(2, (os.cpu_count() or 1) * 2 + 1)
