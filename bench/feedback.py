"""Benchmark of citizen feedback at scale: reports generated in bulk over Quảng Ninh,
then the public map's endpoint (clusters computed in SQL per zoom) and Open311's
requests list timed through Django's test client.

    .venv/bin/python bench/feedback.py                    # 20,000 reports, SQLite in /tmp
    .venv/bin/python bench/feedback.py --size 1000000     # the issue's million
    DATABASE_URL=postgres://postgres@127.0.0.1/tinhso_bench_fb .venv/bin/python bench/feedback.py --size 1000000

Reports are made once (bulk_create, not the services: a million photos and audit
events are not what is measured) and reused by a second run with the same size.
Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["TINHSO_TESTING"] = "1"
os.environ.setdefault("TINHSO_VAR_DIR", "/tmp/tinhso-bench-feedback")
os.environ["DJANGO_SETTINGS_MODULE"] = "tinhso.settings"
os.environ.setdefault("SECURE_HTTPS", "0")

# Quảng Ninh, roughly; most reports fall in the towns (Hạ Long, Cẩm Phả, Móng Cái, Uông Bí).
BOX = (20.70, 106.40, 21.70, 108.10)
TOWNS = [(20.952, 107.080, 0.45), (21.010, 107.290, 0.2), (21.530, 107.965, 0.1),
         (21.035, 106.770, 0.15)]  # fmt: skip


def generate(size: int, seed: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from tinhso.accounts.models import Agency, AgencyKind
    from tinhso.feedback.models import Category, Report, Status

    rnd = random.Random(seed)
    categories = list(Category.objects.all())
    committees = list(Agency.objects.filter(kind=AgencyKind.WARD_COMMITTEE).select_related("unit"))
    now = timezone.now()
    batch: list[Report] = []
    started = time.perf_counter()
    for i in range(size):
        if rnd.random() < 0.9:
            lat0, lon0, _w = rnd.choices(TOWNS, [t[2] for t in TOWNS])[0]
            lat, lon = rnd.gauss(lat0, 0.02), rnd.gauss(lon0, 0.03)
        else:
            lat, lon = rnd.uniform(BOX[0], BOX[2]), rnd.uniform(BOX[1], BOX[3])
        committee = rnd.choice(committees)
        created = now - datetime.timedelta(minutes=rnd.randrange(365 * 24 * 60))
        due = created.date() + datetime.timedelta(days=rnd.choice((5, 7, 14)))
        closed = rnd.random() < 0.8
        answered = created + datetime.timedelta(days=rnd.randrange(1, 20)) if closed else None
        batch.append(
            Report(
                code=f"BN-{i:08d}",
                category=rnd.choice(categories),
                description="Phản ánh sinh cho bench",
                status=Status.CLOSED if closed else Status.OPEN,
                reporter_phone="0912345678",
                latitude=lat,
                longitude=lon,
                ward_id=committee.unit_id,
                agency=committee,
                created_at=created,
                due_date=due,
                answer="Đã xử lý" if closed else "",
                answered_at=answered,
                answered_by_agency=committee if closed else None,
                published_at=created if rnd.random() < 0.7 else None,
            )
        )
        if len(batch) == 10_000:
            with transaction.atomic():
                Report.objects.bulk_create(batch)
            batch.clear()
            if (i + 1) % 100_000 == 0:
                print(f"  … {i + 1} reports ({time.perf_counter() - started:.0f} s)", flush=True)
    if batch:
        Report.objects.bulk_create(batch)
    print(f"generated {size} reports in {time.perf_counter() - started:.1f} s", flush=True)


def timed(client, url: str, repeat: int) -> tuple[float, float, int]:
    """(p50 ms, max ms, clusters in the answer)."""
    times, body = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        body = response.json()
    n = len(body["clusters"]) if isinstance(body, dict) else len(body)
    return statistics.median(times), max(times), n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    o = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from tinhso.accounts.services import load_agencies
    from tinhso.feedback.models import Report
    from tinhso.feedback.services import load_feedback_reference
    from tinhso.geo.services import load_units

    Path(os.environ["TINHSO_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    if not Report.objects.exists():
        load_units()
        load_agencies(province_code="22")
        load_feedback_reference(province_code="22")
    have = Report.objects.filter(code__startswith="BN-").count()
    if have != o.size:
        Report.objects.filter(code__startswith="BN-").delete()
        generate(o.size, o.seed)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE feedback_report")
    print(f"database: {connection.vendor}, reports: {Report.objects.count()} "
          f"(public: {Report.objects.filter(published_at__isnull=False).count()})")  # fmt: skip
    client = Client()
    views = [
        ("province, zoom 9", 9, BOX),
        ("Hạ Long, zoom 13", 13, (20.90, 107.00, 21.00, 107.16)),
        ("Hạ Long, zoom 16", 16, (20.945, 107.070, 20.960, 107.090)),
        ("world box, zoom 18 (abuse)", 18, (-90, -180, 90, 180)),
        ("province, zoom 9, lighting only", 9, BOX),
    ]
    print(f"{'map view':<34} {'p50 ms':>8} {'max ms':>8} {'clusters':>9}")
    for label, zoom, (s, w, n, e) in views:
        extra = "&category=chieu-sang" if "lighting" in label else ""
        url = f"/phan-anh/ban-do.json?zoom={zoom}&bbox={s},{w},{n},{e}{extra}"
        p50, worst, clusters = timed(client, url, o.repeat)
        print(f"{label:<34} {p50:8.1f} {worst:8.1f} {clusters:9d}")
    p50, worst, n = timed(client, "/open311/v2/requests.json?status=closed", o.repeat)
    print(f"{'Open311 requests.json (1000 max)':<34} {p50:8.1f} {worst:8.1f} {n:9d}")


if __name__ == "__main__":
    main()
