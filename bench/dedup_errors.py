"""Where `tinhso dedup` goes wrong on a generated file, by kind: the true pairs it
misses and the pairs of strangers it joins, grouped by the two records' sources and
the columns each holds, with the weight the model gave the pair (its match
probability, or "not compared" when no blocking rule brought it in; "in a chain"
when the pair scored high but the clusters kept it apart, or a false pair joined
only through other records).

    .venv/bin/python bench/dedup_errors.py --rows 100000
    .venv/bin/python bench/dedup_errors.py --rows 500000 --required-only --show 20

Runs the pipeline in this process (prepare, train, predict at a low threshold,
cluster at the default one), then compares with the generator's truth. Prints
numbers and a few examples; asserts nothing. Not timed (see bench/dedup.py).
"""

from __future__ import annotations

import argparse
import collections
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# what a record holds, in a short code: i=ID (12 digits), c=old card, p=phone, w=ward,
# a=address, b=birth place, h=hometown, f=father, m=mother, e=ethnicity, d=full date
_HOLDS = (("d", "dob_full"), ("p", "phone"), ("w", "ward"), ("a", "address_key"),
          ("b", "birth_place"), ("h", "hometown"), ("f", "father_folded"),
          ("m", "mother_folded"), ("e", "ethnicity"))  # fmt: skip


def _holds(row: dict) -> str:
    kind = {"cccd": "i", "cmnd": "c"}.get(row.get("pid_kind") or "", "i" if row.get("pid") else "")
    return kind + "".join(k for k, col in _HOLDS if row.get(col))


def _band(p: float | None) -> str:
    if p is None:
        return "not compared"
    for edge in (0.001, 0.01, 0.1, 0.5, 0.8, 0.95, 0.99):
        if p < edge:
            return f"<{edge}"
    return ">=0.99"


def analyse(src: Path, *, low: float, show: int) -> None:
    from tinhso.demo.population import truth_path_for
    from tinhso.population import linkage
    from tinhso.population.linkage.base import DEFAULT_THRESHOLD

    con = linkage.connect()
    linkage.load_csv(con, src)
    linkage.prepare(con)
    result = linkage.link_duckdb(con, threshold=low, evidence=True)
    ids = linkage.personal_ids(con, result.edges)
    mapping = linkage.clusters(result.edges, threshold=DEFAULT_THRESHOLD, personal_ids=ids)
    cols = [r[0] for r in con.execute("DESCRIBE prepared").fetchall()]
    rows = {
        r[0]: dict(zip(cols, r, strict=True))
        for r in con.execute("SELECT * FROM prepared").fetchall()
    }
    source = dict(con.execute("SELECT record_id, source FROM raw").fetchall())
    raw_cols = [r[0] for r in con.execute("DESCRIBE raw").fetchall()]
    raw = {r[raw_cols.index("record_id")]: r for r in con.execute("SELECT * FROM raw").fetchall()}
    with truth_path_for(src).open(encoding="utf-8") as f:
        person = {r["record_id"]: r["person_id"] for r in csv.DictReader(f)}
    score = {(min(a, b), max(a, b)): p for a, b, p in result.edges}
    cluster = lambda r: mapping.get(r, r)  # noqa: E731
    by_person = collections.defaultdict(list)
    for r, pid in person.items():
        by_person[pid].append(r)
    missed, false = [], []
    for records in by_person.values():
        for i, a in enumerate(records):
            for b in records[i + 1 :]:
                if cluster(a) != cluster(b):
                    missed.append((min(a, b), max(a, b)))
    by_cluster = collections.defaultdict(list)
    for r, c in mapping.items():
        by_cluster[c].append(r)
    for records in by_cluster.values():
        for i, a in enumerate(records):
            for b in records[i + 1 :]:
                if person[a] != person[b]:
                    false.append((min(a, b), max(a, b)))
    true_pairs = sum(len(v) * (len(v) - 1) // 2 for v in by_person.values())
    print(f"{src.name}: {len(person)} records, {true_pairs} true pairs, "
          f"{len(missed)} missed, {len(false)} false")  # fmt: skip

    def kind(pair):
        a, b = pair
        ka = f"{source[a]}[{_holds(rows[a])}]"
        kb = f"{source[b]}[{_holds(rows[b])}]"
        return " ~ ".join(sorted((ka, kb)))

    def sources(pair):
        return " ~ ".join(sorted((source[pair[0]], source[pair[1]])))

    def weakest(pair):
        a, b = pair
        return "".join(sorted(set(_holds(rows[a])) & set(_holds(rows[b])))) or "-"

    for title, pairs, high_means in (("MISSED", missed, "in a chain"),
                                      ("FALSE", false, "direct")):  # fmt: skip
        print(f"\n== {title} pairs: {len(pairs)}")
        for label, key in (("score", lambda p: _band(score.get(p))),
                           ("sources", sources),
                           ("columns both hold", weakest),
                           ("sources[columns]", kind)):  # fmt: skip
            count = collections.Counter(key(p) for p in pairs)
            print(f"  by {label}:")
            for k, n in count.most_common(12):
                print(f"    {n:6}  {k}")
        print(f"  (a score >= {DEFAULT_THRESHOLD}: {high_means})")
        for pair in pairs[:show]:
            a, b = pair
            print(f"  -- {a} {b} p={score.get(pair)}")
            for r in (a, b):
                print("     ", source[r], person[r], [x for x in raw[r][:-1] if x])
            for e in result.evidence.get(pair) or result.evidence.get((b, a)) or []:
                if e["bayes_factor"] != 1.0:
                    print(f"        {e['comparison']:>22}: {e['level']} ×{e['bayes_factor']:g}")
    con.close()


def main() -> None:
    from dedup import dataset

    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--noise", type=float, default=1.0)
    ap.add_argument("--required-only", action="store_true")
    ap.add_argument("--low", type=float, default=0.001, help="lowest score kept")
    ap.add_argument("--show", type=int, default=8, help="examples of each kind")
    ap.add_argument("--input", help="a generated file (its truth beside it) instead")
    a = ap.parse_args()
    src = Path(a.input) if a.input else dataset(a.rows, a.seed, a.noise, not a.required_only)
    analyse(src, low=a.low, show=a.show)


if __name__ == "__main__":
    main()
