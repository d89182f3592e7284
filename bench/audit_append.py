"""Audited commits at once on PostgreSQL: THREADS threads (as gunicorn's), each
committing transactions of EVENTS audit events (`core.late.writes_at_the_end`, as a service
does) for SECONDS, on a database of the bench's own; then audit_verify's check.
Prints commits/s and the p50/p99 of a commit; asserts nothing.

    .venv/bin/python bench/audit_append.py
    THREADS=8 SECONDS=10 AUDIT_BENCH_DATABASE_URL=postgres://…/tinhso_audit_bench …

Runs the code of the checkout it is in: copied into a copy of main, it measures
"before" (one head for the whole log) against this checkout's streams.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "load"))

from run import drop_database, ensure_database  # noqa: E402

URL = os.environ.get(
    "AUDIT_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tinhso_audit_bench"
)
THREADS = int(os.environ.get("THREADS", "8"))
SECONDS = float(os.environ.get("SECONDS", "10"))
EVENTS = int(os.environ.get("EVENTS", "2"))

os.environ.update(
    DATABASE_URL=URL,
    DJANGO_SETTINGS_MODULE="tinhso.settings",
    TINHSO_VAR_DIR=os.environ.get(
        "AUDIT_BENCH_VAR_DIR", str(Path(tempfile.gettempdir()) / "tinhso-audit-bench-var")
    ),
)


def main() -> None:
    drop_database(URL)
    ensure_database(URL)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from tinhso.audit.services import record_event
    from tinhso.audit.verify import verify_chain
    from tinhso.core.late import writes_at_the_end

    call_command("migrate", verbosity=0)
    timings: list[float] = []
    stop = time.monotonic() + SECONDS
    start = threading.Barrier(THREADS + 1)

    def work(n: int) -> None:
        mine = []
        start.wait()
        try:
            while time.monotonic() < stop:
                t = time.perf_counter()
                with transaction.atomic(), writes_at_the_end():
                    for k in range(EVENTS):
                        record_event(
                            action="bench.append", object_type="bench", object_id=f"{n}-{k}"
                        )
                mine.append(time.perf_counter() - t)
        finally:
            timings.extend(mine)
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.monotonic()
    for t in threads:
        t.join()
    took = time.monotonic() - t0
    timings.sort()
    report = verify_chain()
    print(
        f"{THREADS} threads, {EVENTS} events a commit, {took:.1f} s: "
        f"{len(timings) / took:.0f} commits/s, p50 {statistics.median(timings) * 1000:.1f} ms, "
        f"p99 {timings[int(len(timings) * 0.99)] * 1000:.1f} ms; "
        f"audit chain {'OK' if report.ok else 'BROKEN'} ({report.checked} events)"
    )
    connection.close()
    drop_database(URL)


if __name__ == "__main__":
    main()
