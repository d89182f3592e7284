"""Quality of the catalogue search on its evaluation set
(`tinhso/procedures/data/search_eval.csv`: query → expected procedure code, or
`elsewhere:<key>` for a service the province does not handle): recall@3 and MRR, then
the misses. A "handled elsewhere" answer counts at rank 1 (it is shown above the
results).

    .venv/bin/python bench/search_eval.py              # the shipped catalogue, SQLite
    .venv/bin/python bench/search_eval.py --quiet      # the figures only
    .venv/bin/python bench/search_eval.py --timing 5   # and the time per query (5 rounds)
    .venv/bin/python bench/search_eval.py --size 1832  # and the index at a province's size

Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TINHSO_VAR_DIR", tempfile.mkdtemp(prefix="tinhso-bench-"))
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["DJANGO_SETTINGS_MODULE"] = "tinhso.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

EVAL_FILE = ROOT / "tinhso" / "procedures" / "data" / "search_eval.csv"


def prepare() -> None:
    from tinhso.accounts.services import load_agencies
    from tinhso.geo.services import load_units
    from tinhso.procedures.services import load_catalogue

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    load_units()
    load_agencies(province_code=settings.TINHSO_PROVINCE)
    load_catalogue()


def answers(query: str) -> list[str]:
    """What the citizen sees, top to bottom: the "handled elsewhere" answers, then the
    procedures' codes."""
    from tinhso.procedures import selectors

    elsewhere = getattr(selectors, "elsewhere", None)  # absent before the ranking work
    shown = [f"elsewhere:{e.key}" for e in elsewhere(query)] if elsewhere else []
    return shown + [p.code for p in selectors.procedures(q=query)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quiet", action="store_true", help="no list of misses")
    parser.add_argument("--timing", type=int, default=0, help="rounds of timed queries")
    parser.add_argument("--size", type=int, default=0, help="index build/query time at N entries")
    o = parser.parse_args()
    prepare()
    rows = list(csv.DictReader(EVAL_FILE.open(encoding="utf-8")))
    hits = 0
    reciprocal = 0.0
    misses = []
    for row in rows:
        shown = answers(row["query"])
        expected = row["expected_code"]
        if expected.startswith("elsewhere:"):
            rank = 1 if expected in shown else 0
        else:
            procedures = [c for c in shown if not c.startswith("elsewhere:")]
            rank = procedures.index(expected) + 1 if expected in procedures else 0
        hits += 0 < rank <= 3
        reciprocal += 1 / rank if rank else 0.0
        if not 0 < rank <= 3:
            misses.append((row["query"], expected, rank, shown[:3], len(shown)))
    n = len(rows)
    print(f"search evaluation: {n} queries  recall@3 {hits / n:.3f}  MRR {reciprocal / n:.3f}")
    if not o.quiet:
        for query, expected, rank, top, total in misses:
            print(
                f"  miss {query!r}: expected {expected} (rank {rank or '-'}), top {top} of {total}"
            )
    if o.size:
        index_at_size(o.size, rows)
    if o.timing:
        from django.core.cache import cache

        timings = []
        for _ in range(o.timing):
            cache.clear()  # the answers themselves, not the shared cache, are timed
            for row in rows:
                start = time.perf_counter()
                answers(row["query"])
                timings.append(time.perf_counter() - start)
        timings.sort()
        print(
            f"time per query (uncached answer, warm index): p50 {timings[len(timings) // 2] * 1000:.2f} ms"
            f"  p99 {timings[int(len(timings) * 0.99)] * 1000:.2f} ms"
        )


def index_at_size(size: int, rows: list[dict[str, str]]) -> None:
    """The shipped entries copied up to `size` (Quảng Ninh publishes 1,832): the time to
    build the index once, and a query's time on it (no database, no cache)."""
    from tinhso.procedures import search, selectors

    base = selectors._index(selectors._catalogue_stamp())
    from tinhso.procedures.models import Procedure, ProcedureVersion

    papers = {
        v.procedure_id: " ".join(d["label"] for d in v.data["documents"])
        for v in ProcedureVersion.objects.all()
    }
    english = search.english_names()
    shipped = [
        {
            "name": p.name,
            "name_en": english.get(p.code, ""),
            "body": f"{p.code} {p.result_type} {p.sector.name}",
            "papers": papers.get(p.pk, ""),
        }
        for p in Procedure.objects.select_related("sector")
    ]
    records = [
        (i, {**shipped[i % len(shipped)], "name": f"{shipped[i % len(shipped)]['name']} {i}"})
        for i in range(size)
    ]
    start = time.perf_counter()
    index = search.Index(records)
    built = time.perf_counter() - start
    start = time.perf_counter()
    for row in rows:
        index.search(index.parse(row["query"]))
    each = (time.perf_counter() - start) / len(rows)
    print(
        f"index of {size} entries: built in {built * 1000:.0f} ms, "
        f"{len(index.vocabulary)} words; a query {each * 1000:.2f} ms "
        f"(shipped catalogue: {len(base.keys)} entries)"
    )


if __name__ == "__main__":
    main()
