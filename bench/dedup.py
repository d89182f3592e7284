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
    .venv/bin/python bench/dedup.py --curve         # the scale curve (README: national scale)
    .venv/bin/python bench/dedup.py --curve --sizes 100000 --engines spark

Each method runs in its own process under /usr/bin/time -v (peak RSS of that
process; DuckDB: 2 threads). The curve also samples, every second, the summed RSS of
the run's whole process tree (with Spark the JVM is a child of the Python process). Generated files are cached in $TMPDIR/tinhso-bench.
Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
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


def run(method: str, src: Path, out: Path, engine: str = "duckdb") -> dict:
    if method == "ours":
        cmd = [PY, "-m", "tinhso.cli", "dedup", "--input", str(src), "--output", str(out),
               "--engine", engine, "--last-model", str(CACHE / "last-model.json")]  # fmt: skip
    else:
        cmd = [PY, __file__, "--method", method, "--input", str(src), "--output", str(out)]
    env = {**os.environ, "TINHSO_DEDUP_THREADS": "2"}
    t = time.monotonic()
    proc = subprocess.Popen(
        ["/usr/bin/time", "-v", *cmd],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    tree_peak = [0.0]
    ticks: dict[int, int] = {}  # CPU ticks seen per process of the tree (the JVM is not waited for)
    done = threading.Event()

    def sample() -> None:
        while not done.wait(1.0):
            rss, seen = _tree_usage(proc.pid)
            tree_peak[0] = max(tree_peak[0], rss)
            for pid, t in seen.items():
                ticks[pid] = max(ticks.get(pid, 0), t)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    done.set()
    sampler.join()
    wall = time.monotonic() - t
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    if proc.returncode != 0:
        print(stderr[-3000:])
        raise SystemExit(f"{method} failed")
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", stderr))
    # a child that is not waited for (Spark's JVM) is not in time's count: the samples are
    cpu = max(cpu, sum(ticks.values()) / os.sysconf("SC_CLK_TCK"))
    info = {}
    if method == "ours" and stdout.strip():
        info = json.loads(stdout.strip().splitlines()[-1])
    return {"wall_s": wall, "peak_mb": int(peak.group(1)) / 1024 if peak else None,
            "tree_peak_mb": tree_peak[0], "cpu_s": cpu, "info": info}  # fmt: skip


def _tree_usage(root: int) -> tuple[float, dict[int, int]]:
    """The summed resident memory (MB) of `root` and all its descendants, and the
    CPU ticks (user + system) of each, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total_kb, todo, ticks = 0, [root], {}
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks[pid] = int(fields[11]) + int(fields[12])
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total_kb += int(line.split()[1])
                        break
        except (OSError, IndexError, ValueError):
            continue
    return total_kb / 1024, ticks


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
    linker = Linker(DuckDBAPI(connection=con).register("base"), settings)
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


def candidate_pairs(src: Path) -> tuple[int, float]:
    """The pairs the blocking rules hand to the model (exact count, Splink's blocking
    analysis on the prepared records) and the seconds it took; outside the timed run."""
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    from tinhso.population import linkage
    from tinhso.population.linkage.comparisons import blocking_rules

    t = time.monotonic()
    con = linkage.connect()
    linkage.load_csv(con, src)
    linkage.prepare(con)
    frame = DuckDBAPI(connection=con).register("prepared")
    counts = count_comparisons_from_blocking_rules(
        frame, blocking_rules=blocking_rules(), link_type="dedupe_only",
        record_sample_proportion=1.0,
    )  # fmt: skip
    con.close()
    return int(counts[-1]["cumulative_comparison_count"]), time.monotonic() - t


CURVE = {"duckdb": (100_000, 500_000, 1_500_000, 5_000_000), "spark": (100_000, 1_500_000)}


def curve(engines: list[str], sizes: list[int] | None, seed: int, noise: float) -> None:
    """`tinhso dedup` (train on DuckDB, predict on the engine, cluster) at growing
    sizes: wall time, CPU time (user + system, all processes: on a shared machine the
    steadier measure), peak memory of the process tree, quality, the candidate pairs
    and the load average when the run started."""
    import splink

    print(f"cores: {os.cpu_count()}, DuckDB threads: 2, Spark local[2] (driver 4g), "
          f"Splink {splink.__version__}", flush=True)  # fmt: skip
    print(
        f"{'engine':6} {'records':>9} {'time s':>7} {'cpu s':>7} {'train':>6} {'predict':>7} {'cluster':>7} "
        f"{'peak MB':>8} {'tree MB':>8} {'P':>7} {'R':>7} {'F1':>7} {'pairs≥0.8':>10} "
        f"{'candidates':>11} load",
        flush=True,
    )
    for engine in engines:
        for rows in sizes or CURVE[engine]:
            src = dataset(rows, seed, noise)
            out = CACHE / f"out-curve-{engine}-{src.stem}.csv"
            load = os.getloadavg()[0]
            r = run("ours", src, out, engine)
            q = quality(src, out)
            cand = candidate_pairs(src)[0] if engine == "duckdb" else 0
            tm = r["info"].get("timings", {})
            print(
                f"{engine:6} {rows:9,} {r['wall_s']:7.1f} {r['cpu_s']:7.1f} {tm.get('train', 0):6.1f} "
                f"{tm.get('predict', 0):7.1f} {tm.get('cluster', 0):7.1f} "
                f"{r['peak_mb'] or 0:8.0f} {r['tree_peak_mb']:8.0f} {q['precision']:7.4f} "
                f"{q['recall']:7.4f} {q['f1']:7.4f} {r['info'].get('pairs', 0):10,} "
                f"{cand:11,} {load:.1f}",
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
    ap.add_argument("--curve", action="store_true", help="the scale curve (README)")
    ap.add_argument("--sizes", help="with --curve: record counts, comma-separated")
    ap.add_argument("--engines", default="duckdb,spark", help="with --curve: duckdb,spark")
    a = ap.parse_args()
    if a.curve:
        sizes = [int(x) for x in a.sizes.split(",")] if a.sizes else None
        curve(a.engines.split(","), sizes, a.seed, a.noise)
        return
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
