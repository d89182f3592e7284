"""Benchmark of daily linking (`tinhso dedup --registry --incremental`): a registry of
N generated records linked by a full run, then `--new` more imported and linked
incrementally; the clusters compared with a full run of the same model on all the
records (pairwise difference).

    .venv/bin/python bench/dedup_daily.py --registry 200000 --new 10000
    .venv/bin/python bench/dedup_daily.py --registry 1500000 --new 10000 --runs 2

Runs in a throw-away SQLite database and VAR_DIR (never the project's), with the
documented priors as the model (no training: both runs score alike). The registry
(import, full `dedup --registry`, import of the new file) is set up once under
$TMPDIR/tinhso-daily-bench/ and reused; each run links a copy of it. Only the
incremental run is what the target (< 30 s) is about: it runs in its own process,
timed as a whole (wall, peak RSS of that process) and per phase (the command's
`seconds`). Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import shutil
import sqlite3
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
    out = subprocess.run(  # noqa: S603 (our own command, fixed arguments)
        [sys.executable, "-m", "tinhso.cli", *args], env=env, cwd=ROOT, check=True,
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    return time.monotonic() - t, out


def measured(env, *args) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of one command in its own process."""
    with tempfile.TemporaryFile("w+") as out:
        t = time.monotonic()
        proc = subprocess.Popen(  # noqa: S603 (our own command, fixed arguments)
            [sys.executable, "-m", "tinhso.cli", *args], env=env, cwd=ROOT, stdout=out
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise SystemExit(f"{args} failed: {proc.returncode}")
        out.seek(0)
        return wall, usage.ru_maxrss / 1024, out.read()


def pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    members = collections.defaultdict(list)
    for record, group in groups.items():
        members[group].append(record)
    return {(a, b) for m in members.values() for a in m for b in m if a < b}


def env_of(where: Path) -> dict:
    return {**os.environ, "TINHSO_VAR_DIR": str(where / "var"), "TINHSO_DEDUP_THREADS": "2",
            "DATABASE_URL": f"sqlite:///{where / 'db.sqlite3'}"}  # fmt: skip


def setup(a, src: Path) -> Path:
    """The registry as a full run leaves it and the new file imported (once; each
    step done is marked, so an interrupted setup goes on where it stopped)."""
    base = Path(tempfile.gettempdir()) / "tinhso-daily-bench" / f"r{a.registry}-n{a.new}-s{a.seed}"
    if (base / "ready").exists():
        print(f"setup reused: {base}", flush=True)
        return base
    base.mkdir(parents=True, exist_ok=True)
    env = env_of(base)

    def step(name: str) -> bool:
        return not (base / name).exists()

    if step("imported"):
        for f in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm"):
            (base / f).unlink(missing_ok=True)
        shutil.rmtree(base / "var", ignore_errors=True)
        lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
        (base / "day1.csv").write_text("".join(lines[: a.registry + 1]), encoding="utf-8")
        (base / "day2.csv").write_text("".join(lines[:1] + lines[a.registry + 1 :]),
                                       encoding="utf-8")  # fmt: skip
        del lines
        tinhso(env, "bootstrap")  # migrations, the wards
        t, _ = tinhso(env, "import_population", str(base / "day1.csv"))
        print(f"setup: import {a.registry}: {t:.0f} s", flush=True)
        (base / "imported").touch()
    if step("linked"):
        t, rss, out = measured(env, "dedup", "--registry", "--model", str(PRIORS))
        print(f"setup: full registry run on {a.registry}: {t:.0f} s, peak {rss:.0f} MB "
              f"{out.strip()}", flush=True)  # fmt: skip
        (base / "linked").touch()
    if step("imported-new"):
        t, _ = tinhso(env, "import_population", str(base / "day2.csv"))
        print(f"setup: import {a.new}: {t:.0f} s", flush=True)
        (base / "imported-new").touch()
    t, _ = tinhso(env, "dedup", "--input", str(src), "--output", str(base / "full.csv"),
                  "--model", str(PRIORS), "--threshold", "0.99")  # fmt: skip
    print(f"setup: full file run on {a.registry + a.new} (the reference): {t:.0f} s", flush=True)
    (base / "ready").touch()
    return base


def difference(db: Path, full_csv: Path) -> dict:
    con = sqlite3.connect(db)
    mine = dict(con.execute(
        "SELECT r.record_id, coalesce(p.merged_into_id, p.id) FROM population_sourcerecord r "
        "JOIN population_person p ON p.id = r.person_id"
    ).fetchall())  # fmt: skip
    con.close()
    with full_csv.open(encoding="utf-8") as f:
        full = {
            r["record_id"]: r["cluster_id"] for r in csv.DictReader(f) if r["record_id"] in mine
        }
    ours, theirs = pairs({k: str(v) for k, v in mine.items()}), pairs(full)
    return {
        "records": len(mine), "pairs_incremental_plus_registry": len(ours),
        "pairs_full": len(theirs), "only_incremental": len(ours - theirs),
        "only_full": len(theirs - ours),
        "pairwise_difference": round(len(ours ^ theirs) / max(len(ours | theirs), 1), 5),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registry", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=1, help="incremental runs, each on a copy")
    a = parser.parse_args()
    from bench.dedup import dataset

    t = time.monotonic()
    src = dataset(a.registry + a.new, a.seed, 1.0)
    base = setup(a, src)
    print(f"setup: {time.monotonic() - t:.0f} s", flush=True)
    for run in range(1, a.runs + 1):
        work = Path(tempfile.mkdtemp(prefix="tinhso-daily-run-"))
        try:
            for name in ("db.sqlite3", "db.sqlite3-wal"):  # the log too, if left
                if (base / name).exists():
                    shutil.copy(base / name, work / name)
            shutil.copytree(base / "var", work / "var")
            wall, rss, out = measured(env_of(work), "dedup", "--registry", "--incremental",
                                      "--model", str(PRIORS))  # fmt: skip
            stats = json.loads(out)
            print(f"run {run}: incremental {a.new} against {a.registry}: {wall:.1f} s wall "
                  f"(process), peak RSS {rss:.0f} MB", flush=True)  # fmt: skip
            print(f"  phases (s): {json.dumps(stats.pop('seconds'))}", flush=True)
            print(f"  stats: {json.dumps(stats)}", flush=True)
            if run == 1:
                print(f"  vs the full run: {json.dumps(difference(work / 'db.sqlite3', base / 'full.csv'))}",
                      flush=True)  # fmt: skip
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
