"""Benchmark of the monitoring module on a million dossiers: the index counts
recomputed from every dossier, one dossier's contribution moved as each step does,
the index read (province, every agency, every agency × month for the open-data
table, the trend), the open-data refresh, and the dashboard pages.

    DATABASE_URL=postgres://postgres@127.0.0.1/tinhso_bench_mon .venv/bin/python bench/monitoring.py

BENCH_DOSSIERS (default 1,000,000) past dossiers over 12 months are generated once
(bulk, with one control-slip step each and digitized papers) into an empty database;
a second run reuses them. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["TINHSO_TESTING"] = "1"
os.environ.setdefault("TINHSO_VAR_DIR", "/tmp/tinhso-bench-monitoring")
os.environ["DJANGO_SETTINGS_MODULE"] = "tinhso.settings"
os.environ.setdefault("SECURE_HTTPS", "0")  # plain http on loopback

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from tinhso.dossiers.models import Dossier  # noqa: E402

N = int(os.environ.get("BENCH_DOSSIERS", "1000000"))
SEED_ROWS = 100_000  # generated in Python; on PostgreSQL the rest are copies made in SQL


def _columns(table: str, skip: set[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "ORDER BY ordinal_position",
            [table],
        )
        return [r[0] for r in cursor.fetchall() if r[0] not in skip]


def replicate(k: int, *, limit: int) -> None:
    """Copy the generated dossiers (with their step and papers) once more, k days
    earlier, with codes suffixed -R<k>: ten times faster than generating them."""
    cols = _columns("dossiers_dossier", {"id"})
    shifted = {
        c: f"{c} - interval '{k} days'"
        for c in ("submitted_at", "received_at", "result_issued_at", "returned_at", "created_at")
    }
    shifted.update({c: f"{c} - {k}" for c in ("due_date", "expected_date")})
    shifted["code"] = f"code || '-R{k}'"
    select = ", ".join(shifted.get(c, c) for c in cols)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO dossiers_dossier ({', '.join(cols)}) SELECT {select} FROM dossiers_dossier "
            f"WHERE code LIKE 'LS-%%' AND code NOT LIKE '%%-R%%' ORDER BY id LIMIT {int(limit)}"
        )
        for table in ("dossiers_dossierstep", "dossiers_dossierdocument"):
            cols = _columns(table, {"id", "dossier_id"})
            src = ", ".join(f"s.{c}" for c in cols)
            cursor.execute(
                f"INSERT INTO {table} (dossier_id, {', '.join(cols)}) SELECT n.id, {src} "
                f"FROM {table} s JOIN dossiers_dossier o ON s.dossier_id = o.id "
                f"JOIN dossiers_dossier n ON n.code = o.code || '-R{k}' "
                f"WHERE o.code LIKE 'LS-%%' AND o.code NOT LIKE '%%-R%%'"
            )
    print(f"  … {Dossier.objects.count()} dossiers (copy {k})", flush=True)


def timed(label, fn, repeat=3):
    times = []
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    print(f"{label:<58} best {min(times):7.2f} s   median {statistics.median(times):7.2f} s")
    return result


def main() -> None:
    from tinhso.demo.dossier_history import create_history
    from tinhso.monitoring import selectors

    Path(os.environ["TINHSO_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    call_command("bootstrap", verbosity=0, stdout=open(os.devnull, "w"))
    have = Dossier.objects.count()
    if have < N:
        t = time.perf_counter()
        last = [0]

        def progress(done):
            if done - last[0] >= 100000:
                last[0] = done
                print(f"  … {done} dossiers", flush=True)

        base = min(N - have, SEED_ROWS) if connection.vendor == "postgresql" else N - have
        create_history(count=base, seed=have + 1, progress=progress, batch=10000, with_open=True)
        copies = 0
        while Dossier.objects.count() < N:
            copies += 1
            replicate(copies, limit=N - Dossier.objects.count())
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"generated {N - have} dossiers in {time.perf_counter() - t:.0f} s")
    total = Dossier.objects.count()
    today = timezone.localdate()
    year = str(today.year)
    month = f"{today:%Y-%m}"
    print(f"database: {connection.vendor}; {total} dossiers")
    from tinhso.monitoring.counts import recompute

    rows = timed("recompute the index counts from every dossier (nightly)", recompute, repeat=3)
    print(f"  ({rows} agency-months)")
    from tinhso.monitoring.counts import on_dossier_changed, on_dossier_changing

    one = Dossier.objects.order_by("-submitted_at").first()

    def step():
        on_dossier_changing(Dossier, dossier=one)
        on_dossier_changed(Dossier, dossier=one)

    timed("move one dossier's contribution (what each step adds)", step, repeat=5)
    timed(f"province index, year {year} (one aggregate)", lambda: selectors.unit_index(period=year))
    rows = timed(f"every agency's index, year {year}", lambda: selectors.service_index(period=year))
    print(f"  ({len(rows)} agencies)")
    start = f"{today.year - 1}-{today.month:02d}" if today.month < 12 else f"{today.year}-01"
    start = f"{(today.replace(day=1) - timezone.timedelta(days=335)):%Y-%m}"
    cells = timed(
        f"every agency × month, {start}..{month} (open data)",
        lambda: selectors.index_by_agency_month(start=start, end=month),
        repeat=1,
    )
    print(f"  ({len(cells)} agency-months)")
    timed("12-month trend of the province", lambda: selectors.index_trend(start=start, end=month))
    timed("late steps, year", lambda: selectors.late_steps(period=year))
    from tinhso.opendata.services import refresh_datasets

    timed("open data: refresh all datasets", lambda: refresh_datasets(), repeat=1)

    from tinhso.accounts import services as accounts
    from tinhso.accounts.models import Agency, Role, User

    watcher = User.objects.filter(username="bench-watcher").first()
    if watcher is None:
        watcher = accounts.create_staff_user(
            actor=None, username="bench-watcher", full_name="Giám sát", email="w@example.vn",
            role=Role.MONITORING, agency=Agency.objects.get(code="UBND"),
        )  # fmt: skip
    from django_otp import DEVICE_ID_SESSION_KEY

    device = accounts.create_confirmed_totp(user=watcher)
    client = Client()
    client.force_login(watcher)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    public = Client()
    for label, c, url in [
        ("page: public index /chi-so/ (year)", public, "/chi-so/"),
        ("page: steering board, province, year", client, "/lam-viec/dieu-hanh/"),
        ("page: steering board, one agency (SXD), year", client, "/lam-viec/dieu-hanh/?unit=SXD"),
        ("page: goals tracker", public, "/chi-so/muc-tieu/"),
        (
            "API: /api/v1/monitoring/index?period=<month>",
            public,
            f"/api/v1/monitoring/index?period={month}",
        ),
    ]:

        def get(c=c, url=url):
            r = c.get(url)
            assert r.status_code == 200, (url, r.status_code, r.get("Location"))

        timed(label, get)


if __name__ == "__main__":
    main()
