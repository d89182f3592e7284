from django.core.management.base import BaseCommand

from tinhso.monitoring.goals import record_platform_measurements
from tinhso.opendata.services import refresh_datasets


class Command(BaseCommand):
    help = (
        "Rebuild the open-data datasets and record the goals the platform measures itself; "
        "run it daily (cron or Celery beat)."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="only these datasets")

    def handle(self, *args, names=None, **options):
        def progress(name, changed):
            self.stdout.write(f"dataset {name}: {'refreshed' if changed else 'unchanged'}")

        refresh_datasets(names=names or None, progress=progress)
        recorded = record_platform_measurements()
        self.stdout.write(f"goals: {recorded} values measured by the platform recorded")
        if not names:  # the goals dataset again, with today's measured values
            refresh_datasets(names=["tien-do-chuyen-doi-so"], progress=progress)
