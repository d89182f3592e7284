"""Benchmark of the service index (Decision 766) over the dossiers already in the
database (fill it with bench/back_office.py and BENCH_QUEUE_ROWS=1000000).

    DATABASE_URL=postgres://postgres@127.0.0.1/tinhso_bench .venv/bin/python bench/index.py

Prints numbers; asserts nothing.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["TINHSO_TESTING"] = "1"
os.environ["DJANGO_SETTINGS_MODULE"] = "tinhso.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402


def main() -> None:
    from tinhso.dossiers.models import Dossier
    from tinhso.monitoring import selectors
    from tinhso.monitoring.services import load_index_definition

    call_command("migrate", verbosity=0)
    load_index_definition()
    period = os.environ.get("BENCH_PERIOD", f"{timezone.localdate():%Y-%m}")
    first, last = selectors.parse_period(period)
    n = Dossier.objects.filter(submitted_at__date__gte=first, submitted_at__date__lte=last).count()
    print(f"database: {connection.vendor}; {n} dossiers submitted in {period}")
    for label, unit in [("whole province", None), ("one agency (STP)", "STP")]:
        timings = []
        for _ in range(3):
            t = time.perf_counter()
            rows = selectors.service_index(period=period, unit=unit)
            timings.append(time.perf_counter() - t)
        print(f"{label:<20} {len(rows):>3} agencies   best {min(timings):6.2f} s   worst {max(timings):6.2f} s")


if __name__ == "__main__":
    main()
