from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Tiến trình chạy công việc nền trên Celery (cần BROKER_URL) / a Celery worker for "
        "background jobs; --beat also runs the periodic commands (PERIODIC_COMMANDS)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--beat", action="store_true", help="also run the schedule (once)")
        parser.add_argument("--concurrency", type=int, default=None)
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args, beat, concurrency, loglevel, **options):
        if not settings.BROKER_URL:
            raise CommandError(
                "BROKER_URL (or REDIS_URL) is not set: jobs run in-process, no worker needed."
            )
        from tinhso.core.celery_app import default_app

        app = default_app()
        argv = ["worker", f"--loglevel={loglevel}", f"--queues={settings.JOBS_QUEUE}"]
        if beat:
            argv.append("--beat")
        if concurrency:
            argv.append(f"--concurrency={concurrency}")
        app.worker_main(argv)
