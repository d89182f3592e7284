"""Benchmark of daily linking (`tinhso dedup --registry --incremental`): a registry of
N generated records linked by a full run, then `--new` more imported and linked
incrementally; the clusters compared with a full run of the same model on all the
records (pairwise difference).

    .venv/bin/python bench/dedup_daily.py --registry 100000 --new 10000

Runs in a throw-away SQLite database and VAR_DIR (never the project's), with the
documented priors as the model (no training: both runs score alike). Prints numbers.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PRIORS = ROOT / "tinhso" / "population" / "linkage" / "priors.json"


def tinhso(env, *args) -> tuple[float, str]:
    t = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "tinhso.cli", *args], env=env, cwd=ROOT, check=True,
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    return time.monotonic() - t, out


def pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    members = collections.defaultdict(list)
    for record, group in groups.items():
        members[group].append(record)
    return {(a, b) for m in members.values() for a in m for b in m if a < b}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registry", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    a = parser.parse_args()
    from bench.dedup import dataset

    src = dataset(a.registry + a.new, a.seed, 1.0)
    tmp = Path(tempfile.mkdtemp(prefix="tinhso-daily-bench-"))
    env = {**os.environ, "TINHSO_VAR_DIR": str(tmp / "var"),
           "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}"}  # fmt: skip
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp / "day1.csv").write_text("".join(lines[: a.registry + 1]), encoding="utf-8")
    (tmp / "day2.csv").write_text("".join(lines[:1] + lines[a.registry + 1 :]), encoding="utf-8")
    tinhso(env, "bootstrap")  # migrations, the wards
    t, _ = tinhso(env, "import_population", str(tmp / "day1.csv"))
    print(f"import {a.registry}: {t:.0f} s", flush=True)
    t, out = tinhso(env, "dedup", "--registry", "--model", str(PRIORS))
    print(f"full registry run on {a.registry}: {t:.0f} s {out.strip()}", flush=True)
    t, _ = tinhso(env, "import_population", str(tmp / "day2.csv"))
    print(f"import {a.new}: {t:.0f} s", flush=True)
    t, out = tinhso(env, "dedup", "--registry", "--incremental", "--model", str(PRIORS))
    print(f"incremental {a.new} against {a.registry}: {t:.1f} s (process) {out.strip()}",
          flush=True)  # fmt: skip
    t, _ = tinhso(env, "dedup", "--input", str(src), "--output", str(tmp / "full.csv"),
                  "--model", str(PRIORS), "--threshold", "0.99")  # fmt: skip
    print(f"full file run on {a.registry + a.new}: {t:.0f} s", flush=True)
    import sqlite3

    db = sqlite3.connect(tmp / "db.sqlite3")
    mine = dict(db.execute(
        "SELECT r.record_id, coalesce(p.merged_into_id, p.id) FROM population_sourcerecord r "
        "JOIN population_person p ON p.id = r.person_id"
    ).fetchall())  # fmt: skip
    with (tmp / "full.csv").open(encoding="utf-8") as f:
        full = {
            r["record_id"]: r["cluster_id"] for r in csv.DictReader(f) if r["record_id"] in mine
        }
    ours, theirs = pairs({k: str(v) for k, v in mine.items()}), pairs(full)
    print(json.dumps({
        "records": len(mine), "pairs_incremental_plus_registry": len(ours),
        "pairs_full": len(theirs), "only_incremental": len(ours - theirs),
        "only_full": len(theirs - ours),
        "pairwise_difference": round(len(ours ^ theirs) / max(len(ours | theirs), 1), 5),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
