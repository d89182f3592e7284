import time

from django.core.management.base import BaseCommand

from tinhso.monitoring.counts import recompute


class Command(BaseCommand):
    help = (
        "Recompute the service index's counts per agency and month from all dossiers "
        "(every step keeps them current; run nightly to take in bulk imports)."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = recompute()
        self.stdout.write(
            f"index counts: {rows} agency-months in {time.perf_counter() - started:.1f} s"
        )
