"""Benchmark of population deduplication: quality (pairwise precision, recall, F1
against the generator's truth), wall time and peak memory, for `tinhso dedup` and two
baselines run the same way on the same file:

  exact   exact match on folded name + date of birth
  splink  a straightforward Splink set-up: folded names, blocking on ID / phone /
          name + birth year, default comparisons, EM
  ours    `tinhso dedup --input … --output …` (the real command: prepare, train, predict,
          cluster)

    .venv/bin/python bench/dedup.py                 # 100k records, seed 1
    .venv/bin/python bench/dedup.py --big           # and 1.5 million
    .venv/bin/python bench/dedup.py --other         # and 100k of another seed, noise ×1.5
    .venv/bin/python bench/dedup.py --rows 50000 --seed 9 --noise 2 --only ours
    .venv/bin/python bench/dedup.py --write-priors  # the fallback model, linkage/priors.json

Each method runs in its own process under /usr/bin/time -v (peak RSS of that
process; DuckDB: 2 threads). Generated files are cached in $TMPDIR/tinhso-bench.
Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = sys.executable
CACHE = Path(tempfile.gettempdir()) / "tinhso-bench"


def dataset(rows: int, seed: int, noise: float, optional: bool = True) -> Path:
    from tinhso.demo import population as synthetic

    CACHE.mkdir(exist_ok=True)
    package = sorted(Path(synthetic.__file__).parent.glob("*.py"))
    version = hashlib.sha256(b"".join(p.read_bytes() for p in package)).hexdigest()[:8]
    kind = "" if optional else "-required"
    path = CACHE / f"pop-{rows}-s{seed}-n{noise}{kind}-{version}.csv"  # a new generator, new files
    if not path.exists():
        t = time.monotonic()
        synthetic.write(
            path, rows=rows, seed=seed, rates=synthetic.Rates(noise=noise), optional=optional
        )
        print(f"  generated {rows} records in {time.monotonic() - t:.0f} s: {path}", flush=True)
    return path


def run(method: str, src: Path, out: Path) -> dict:
    if method == "ours":
        cmd = [PY, "-m", "tinhso.cli", "dedup", "--input", str(src), "--output", str(out),
               "--last-model", str(CACHE / "last-model.json")]  # fmt: skip
    else:
        cmd = [PY, __file__, "--method", method, "--input", str(src), "--output", str(out)]
    env = {**os.environ, "TINHSO_DEDUP_THREADS": "2"}
    t = time.monotonic()
    proc = subprocess.run(
        ["/usr/bin/time", "-v", *cmd],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=ROOT,
    )
    wall = time.monotonic() - t
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    if proc.returncode != 0:
        print(proc.stderr[-3000:])
        raise SystemExit(f"{method} failed")
    return {"wall_s": wall, "peak_mb": int(peak.group(1)) / 1024 if peak else None}


def quality(src: Path, out: Path) -> dict:
    import duckdb

    from tinhso.demo.population import truth_path_for

    con = duckdb.connect()
    tp, pred, true = con.execute(
        f"""WITH j AS (SELECT o.cluster_id, t.person_id
                 FROM read_csv('{out}', all_varchar=true) o
                 JOIN read_csv('{truth_path_for(src)}', all_varchar=true) t USING (record_id)),
            tp AS (SELECT sum(c*(c-1)/2) v FROM (SELECT count(*) c FROM j GROUP BY cluster_id, person_id)),
            pp AS (SELECT sum(c*(c-1)/2) v FROM (SELECT count(*) c FROM j GROUP BY cluster_id)),
            ap AS (SELECT sum(c*(c-1)/2) v FROM (SELECT count(*) c FROM j GROUP BY person_id))
            SELECT tp.v, pp.v, ap.v FROM tp, pp, ap"""
    ).fetchall()[0]
    p = tp / pred if pred else 1.0
    r = tp / true if true else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "true_pairs": int(true), "found_pairs": int(pred)}  # fmt: skip


def ceiling(src: Path) -> dict:
    """What hinges on a name and a birth date alone: records that share nothing else
    with any other record of their person (no ID of one kind within a slip, no
    phone, no ward, no address), the true pairs through them, and the pairs of
    strangers that share just as much (same folded name and birth date, nothing
    else). Without guessing among namesakes no method finds more than
    `recall_without` of the true pairs; how far above it one can go depends on how
    few strangers look alike, which grows with the square of the population."""
    from tinhso.demo.population import truth_path_for
    from tinhso.population import linkage

    con = linkage.connect()
    linkage.load_csv(con, src)
    linkage.prepare(con)
    con.execute(
        f"""CREATE TABLE p AS SELECT x.*, t.person_id FROM prepared x
            JOIN read_csv('{truth_path_for(src)}', all_varchar=true) t ON t.record_id = x.unique_id"""
    )
    share = """coalesce(l.pid = r.pid OR l.phone = r.phone OR l.ward = r.ward
        OR l.address_key = r.address_key
        OR (l.pid_kind = r.pid_kind AND damerau_levenshtein(l.pid, r.pid) <= 1), false)"""
    true_pairs = con.execute(
        "SELECT sum(c * (c - 1) / 2) FROM (SELECT count(*) c FROM p GROUP BY person_id)"
    ).fetchall()[0][0]
    con.execute(
        f"""CREATE TABLE alone AS SELECT l.unique_id FROM p l JOIN p r
            ON l.person_id = r.person_id AND l.unique_id <> r.unique_id
            GROUP BY 1 HAVING NOT bool_or({share})"""
    )
    lost, alone = con.execute(
        """SELECT sum(k * (k - 1) / 2 - (k - j) * (k - j - 1) / 2), sum(j) FROM (
               SELECT p.person_id, count(*) k, count(alone.unique_id) j
               FROM p LEFT JOIN alone USING (unique_id) GROUP BY 1 HAVING j > 0)"""
    ).fetchall()[0]
    lookalikes = con.execute(
        f"""SELECT count(*) FROM p l JOIN p r ON l.name_folded = r.name_folded
            AND l.dob_full = r.dob_full AND l.unique_id < r.unique_id
            AND l.person_id <> r.person_id AND coalesce(l.sex = r.sex, true)
            WHERE NOT {share}"""
    ).fetchall()[0][0]
    con.close()
    return {"alone": int(alone or 0), "lost_pairs": int(lost or 0),
            "recall_without": 1 - (lost or 0) / true_pairs, "lookalikes": int(lookalikes)}  # fmt: skip


# ------------------------------------------------------------------ baselines (child side)


def _baseline_prepare(con, src: Path):
    """What anyone would do first: fold names, read dates, keep digits of ID and phone."""
    from tinhso.core.text import fold
    from tinhso.population.linkage.prepare import _map_distinct, load_csv
    from tinhso.population.normalize import try_birth_date, try_phone

    load_csv(con, src)

    def dob(v):
        d = try_birth_date(v)
        if d is None:
            return (None, None)
        return (f"{d.year:04d}-{d.month:02d}-{d.day:02d}" if d.day else None, d.year)

    _map_distinct(con, source="raw", column="full_name", name="m_name",
                  fn=lambda v: (fold(v) or None,), out={"name": "VARCHAR"})  # fmt: skip
    _map_distinct(con, source="raw", column="date_of_birth", name="m_dob", fn=dob,
                  out={"dob": "VARCHAR", "yob": "INTEGER"})  # fmt: skip
    _map_distinct(con, source="raw", column="phone", name="m_phone",
                  fn=lambda v: (try_phone(v),), out={"phone": "VARCHAR"})  # fmt: skip
    con.execute(
        """CREATE TABLE base AS SELECT r.record_id AS unique_id, n.name, d.dob, d.yob,
               nullif(regexp_replace(coalesce(r.personal_id, ''), '[^0-9]', '', 'g'), '') AS pid,
               p.phone, nullif(lower(r.sex), '') AS sex, nullif(r.ward_code, '') AS ward
           FROM raw r LEFT JOIN m_name n ON n.value = r.full_name
           LEFT JOIN m_dob d ON d.value = r.date_of_birth
           LEFT JOIN m_phone p ON p.value = r.phone"""
    )


def baseline_exact(src: Path, out: Path) -> None:
    from tinhso.population import linkage

    con = linkage.connect()
    _baseline_prepare(con, src)
    con.execute(
        f"""COPY (SELECT unique_id AS record_id,
                   CASE WHEN name IS NULL OR dob IS NULL THEN unique_id
                        ELSE min(unique_id) OVER (PARTITION BY name, dob) END AS cluster_id
                 FROM base) TO '{out}' (HEADER, DELIMITER ',')"""
    )


def baseline_splink(src: Path, out: Path) -> None:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from tinhso.population import linkage

    con = linkage.connect()
    _baseline_prepare(con, src)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.95, 0.88]),
            cl.LevenshteinAtThresholds("dob", [1, 2]),
            cl.ExactMatch("pid"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("ward"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("pid"),
            block_on("phone"),
            block_on("name", "yob"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker("base", settings, DuckDBAPI(connection=con))
    linker.training.estimate_probability_two_random_records_match([block_on("pid")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("pid"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name", "yob"))
    predictions = linker.inference.predict(threshold_match_probability=0.8)
    edges = con.execute(
        f"SELECT unique_id_l, unique_id_r, match_probability FROM {predictions.physical_name}"
    ).fetchall()
    mapping = linkage.clusters(edges, threshold=0.8)
    linkage.write_clusters(con, mapping, out)


# ------------------------------------------------------------------ main


def bench(rows: int, seed: int, noise: float, methods: list[str], optional: bool = True) -> None:
    src = dataset(rows, seed, noise, optional)
    print(
        f"\n== {rows:,} records, seed {seed}, noise ×{noise}, "
        f"{'with' if optional else 'without'} the optional columns  (load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"{'method':8} {'precision':>9} {'recall':>8} {'F1':>8} {'time s':>7} {'peak MB':>8}  pairs found/true"
    )
    for method in methods:
        out = CACHE / f"out-{method}-{src.stem}.csv"
        r = run(method, src, out)
        q = quality(src, out)
        print(
            f"{method:8} {q['precision']:9.5f} {q['recall']:8.5f} {q['f1']:8.5f} "
            f"{r['wall_s']:7.1f} {r['peak_mb'] or 0:8.0f}  {q['found_pairs']}/{q['true_pairs']}",
            flush=True,
        )
    c = ceiling(src)
    print(
        f"name and birth date alone: {c['lost_pairs']} true pairs through {c['alone']} records "
        f"(recall without them {c['recall_without']:.5f}) against {c['lookalikes']} "
        "pairs of strangers as alike",
        flush=True,
    )


def write_priors() -> None:
    """The documented priors (`linkage/priors.json`): the model fully trained on 20,000
    generated records, seed 7; the fallback of a training that cannot learn a part."""
    from tinhso.population.linkage import dedup_file
    from tinhso.population.linkage.training import PRIORS_PATH

    src = dataset(20_000, 7, 1.0)
    info = dedup_file(src, CACHE / "priors-out.csv", save_model=PRIORS_PATH)
    assert not info["fallbacks"], info["fallbacks"]
    print(f"wrote {PRIORS_PATH} ({info['records']} records, {info['pairs']} pairs)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--noise", type=float, default=1.0)
    ap.add_argument("--big", action="store_true", help="also 1.5 million records")
    ap.add_argument("--big-only", action="store_true", help="only 1.5 million records")
    ap.add_argument("--other", action="store_true", help="also another seed with noise ×1.5")
    ap.add_argument("--only", choices=["exact", "splink", "ours"], action="append")
    ap.add_argument("--method", choices=["exact", "splink"], help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--output", help=argparse.SUPPRESS)
    ap.add_argument("--required-only", action="store_true", help="without the optional columns")
    ap.add_argument("--write-priors", action="store_true", help="rewrite linkage/priors.json")
    a = ap.parse_args()
    if a.write_priors:
        write_priors()
        return
    if a.method:  # child process of one baseline
        {"exact": baseline_exact, "splink": baseline_splink}[a.method](
            Path(a.input), Path(a.output)
        )
        return
    methods = a.only or ["exact", "splink", "ours"]
    print(f"cores: {os.cpu_count()}, DuckDB threads: 2")
    if not a.big_only:
        bench(a.rows, a.seed, a.noise, methods, not a.required_only)
    if a.other:
        bench(a.rows, a.seed + 1000, a.noise * 1.5, methods, not a.required_only)
    if a.big or a.big_only:
        bench(1_500_000, a.seed, a.noise, methods, not a.required_only)


if __name__ == "__main__":
    main()
