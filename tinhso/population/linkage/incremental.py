# ruff: noqa: S608  (table and column names below are this module's own, never input)
"""Daily linking: the new records against the registry, not a full re-link.

The registry's records stay prepared between runs, as Parquet: the file a full run
writes (`prepared` of that run, one row per record) and, beside it, one part per
daily run with the records that run prepared (`parts_of`); many parts are folded
back into the file. A daily run prepares only the new records and reads the
registry straight from the Parquet (never loaded whole into a table): of the old
records it keeps those that share a blocking key with a new record (the only old
records a full run would compare with them: the keys are the equalities every
blocking rule of the model requires, `blocking_keys`), and predicts on that small
table with the saved model, the name's term frequencies taken from the whole
registry as a full run takes them. Only pairs with a new record are scored: two
old records were decided before.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from .base import DEFAULT_THRESHOLD, Result, _sql_string
from .comparisons import TF_COLUMNS
from .duckdb_engine import _evidence
from .prepare import mark_common_given

# Daily parts kept beside the full run's file before they are folded into it.
MAX_PARTS = 30
_EQUALITY = re.compile(r'^\(?\s*l\."?(\w+)"?\s*=\s*r\."?(\w+)"?\s*\)?$')


def _conjuncts(rule: str) -> list[str] | None:
    """The rule's top-level AND terms; None if it has a top-level OR."""
    terms, depth, start = [], 0, 0
    upper = rule.upper()
    i = 0
    while i < len(rule):
        ch = rule[i]
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and upper.startswith(" AND ", i):
            terms.append(rule[start:i])
            start = i = i + 5
            continue
        if depth == 0 and upper.startswith(" OR ", i):
            return None
        i += 1
    terms.append(rule[start:])
    return [t.strip() for t in terms]


def blocking_keys(model: dict) -> list[tuple[str, ...]] | None:
    """Per blocking rule of the model, the columns it requires equal (`l.x = r.x`
    among its top-level AND terms): every pair the rule makes shares them. None
    when a rule requires no equality (then every old record is a candidate)."""
    out = []
    for rule in model["splink"]["blocking_rules_to_generate_predictions"]:
        text = rule["blocking_rule"] if isinstance(rule, dict) else str(rule)
        terms = _conjuncts(text) or []
        keys = tuple(
            m[1] for t in terms if (m := _EQUALITY.match(t)) and m[1] == m[2]
        )  # fmt: skip
        if not keys:
            return None
        out.append(keys)
    return out


def parts_of(path: str | Path) -> Path:
    """The folder of the daily parts kept beside the full run's file."""
    return Path(path).with_suffix(".parts")


def registry_files(path: str | Path) -> list[Path]:
    """The file and its parts, oldest first ([] when there is no file)."""
    path = Path(path)
    if not path.is_file():
        return []
    return [path, *sorted(parts_of(path).glob("part-*.parquet"))]


def _scan(files: list[Path]) -> str:
    listed = ", ".join(_sql_string(f) for f in files)
    return f"read_parquet([{listed}], union_by_name = true)"


def cached_files(con, path: str | Path, *, new: str = "prepared_new") -> list[Path]:
    """The registry's Parquet files if they hold the columns `new` was prepared with
    ([] when missing or prepared another way: then the registry is prepared again)."""
    files = registry_files(path)
    if not files:
        return []
    columns = [r[0] for r in con.execute(f"DESCRIBE {new}").fetchall()]
    cached = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {_scan(files)}").fetchall()]
    return files if cached == columns else []


def cache_summary(con, files: list[Path]) -> tuple[int, int]:
    """(records, largest record id) of the Parquet files (one column read)."""
    if not files:
        return 0, 0
    n, last = con.execute(
        f"SELECT count(*), max(CAST(unique_id AS BIGINT)) FROM {_scan(files)}"
    ).fetchall()[0]
    return n, int(last or 0)


def open_registry(con, files: list[Path], *, new: str = "prepared_new",
                  view: str = "prepared_old", more: str | None = None) -> int:  # fmt: skip
    """`view`: the registry's prepared records read from the Parquet `files` (and
    `more`, a table of records prepared now), without the records of `new`, never
    loaded into a table. Returns how many records it has."""
    sources = [f"SELECT * FROM {_scan(files)}"] if files else []
    if more:
        sources.append(f"SELECT * FROM {more}")
    if not sources:
        sources.append(f"SELECT * FROM {new} LIMIT 0")
    con.execute(
        f"""CREATE OR REPLACE VIEW {view} AS SELECT * FROM ({" UNION ALL ".join(sources)})
        WHERE unique_id NOT IN (SELECT unique_id FROM {new})"""
    )
    return con.execute(f"SELECT count(*) FROM {view}").fetchall()[0][0]


def save_registry(con, path: str | Path, *, tables: tuple[str, ...]) -> None:
    """Write the prepared records of `tables` as the registry's file (a full run):
    the daily parts go."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    union = " UNION ALL ".join(f"SELECT * FROM {t}" for t in tables)
    con.execute(f"COPY ({union}) TO {_sql_string(tmp)} (FORMAT parquet)")
    for part in sorted(parts_of(path).glob("part-*.parquet")):
        part.unlink()
    tmp.replace(path)


def add_to_registry(con, path: str | Path, *, tables: tuple[str, ...]) -> None:
    """Keep the records of `tables` with the registry's (a daily run): a new part, or,
    past `MAX_PARTS` parts, the file and its parts written again as one file."""
    path = Path(path)
    parts = sorted(parts_of(path).glob("part-*.parquet"))
    union = " UNION ALL ".join(f"SELECT * FROM {t}" for t in tables)
    if len(parts) >= MAX_PARTS:
        files = registry_files(path)
        con.execute(f"CREATE OR REPLACE TEMP VIEW registry_all AS SELECT * FROM {_scan(files)}")
        save_registry(con, path, tables=("registry_all", f"({union})"))
        return
    folder = parts_of(path)
    folder.mkdir(parents=True, exist_ok=True)
    number = int(parts[-1].stem.split("-")[1]) + 1 if parts else 1
    target = folder / f"part-{number:06d}.parquet"
    tmp = target.with_suffix(".tmp")
    con.execute(f"COPY ({union}) TO {_sql_string(tmp)} (FORMAT parquet)")
    tmp.replace(target)


def block_against(con, *, new: str = "prepared_new", old: str = "prepared_old",
                  table: str = "prepared", keys: list[tuple[str, ...]] | None = None) -> int:  # fmt: skip
    """`table`: the new records and the old ones sharing a blocking key with one
    (`keys`; None: every old record), with `is_new` telling them apart."""
    if keys is None:
        candidates = f"SELECT unique_id FROM {old}"
    else:
        selects = []
        for group in dict.fromkeys(keys):
            present = " AND ".join(f"{k} IS NOT NULL" for k in group)
            on = " AND ".join(f"o.{k} = n.{k}" for k in group)
            selects.append(
                f"SELECT o.unique_id FROM {old} o JOIN (SELECT DISTINCT {', '.join(group)} "
                f"FROM {new} WHERE {present}) n ON {on}"
            )
        candidates = " UNION ".join(selects)
    con.execute(
        f"""CREATE OR REPLACE TABLE {table} AS
        SELECT *, true AS is_new FROM {new}
        UNION ALL
        SELECT *, false AS is_new FROM {old} WHERE unique_id IN ({candidates})"""
    )
    # common given names as a full run counts them: over the whole registry
    mark_common_given(
        con,
        table=table,
        counted=f"(SELECT given_fold FROM {old} UNION ALL SELECT given_fold FROM {new})",
    )
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def _new_pairs_only(splink_settings: dict) -> dict:
    """The model's blocking rules, each also requiring a new record in the pair."""
    rules = []
    for rule in splink_settings["blocking_rules_to_generate_predictions"]:
        rule = dict(rule) if isinstance(rule, dict) else {"blocking_rule": str(rule)}
        rule["blocking_rule"] = f"({rule['blocking_rule']}) AND (l.is_new OR r.is_new)"
        rules.append(rule)
    return {**splink_settings, "blocking_rules_to_generate_predictions": rules}


def link_new(con, *, model: dict, new: str = "prepared_new", old: str = "prepared_old",
             threshold: float = DEFAULT_THRESHOLD, evidence: bool = False) -> Result:  # fmt: skip
    """The pairs at or above `threshold` with at least one new record."""
    from splink import DuckDBAPI, Linker

    timings = {}
    t0 = time.monotonic()
    compared = block_against(con, new=new, old=old, keys=blocking_keys(model))
    timings["block"] = time.monotonic() - t0
    splink_settings = _new_pairs_only(dict(model["splink"]))
    if evidence:
        splink_settings["retain_intermediate_calculation_columns"] = True
        splink_settings["retain_matching_columns"] = True
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register("prepared"), splink_settings)
    for column in TF_COLUMNS:  # the frequencies of the whole registry, not the batch's
        tf = con.execute(
            f"""SELECT {column}, count(*) / sum(count(*)) OVER () AS tf_{column} FROM
            (SELECT {column} FROM {old} UNION ALL SELECT {column} FROM {new})
            WHERE {column} IS NOT NULL GROUP BY {column}"""
        ).df()
        linker.table_management.register_term_frequency_lookup(db_api.register(tf), column)
    t1 = time.monotonic()
    timings["frequencies"] = t1 - t0 - timings["block"]
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    names = [c["output_column_name"] for c in model["splink"]["comparisons"]]
    extra = "".join(f", p.gamma_{n}, pow(2.0, p.mw_{n})" for n in names) if evidence else ""
    rows = con.execute(
        f"SELECT p.unique_id_l, p.unique_id_r, p.match_probability{extra} "
        f"FROM {predictions.physical_name} p"
    ).fetchall()
    predictions.drop_table_from_database_and_remove_from_cache()
    timings["predict"] = time.monotonic() - t1
    result = Result(edges=[(r[0], r[1], float(r[2])) for r in rows], model=model, timings=timings)
    result.timings["compared_records"] = compared
    if evidence:
        result.evidence = {(r[0], r[1]): _evidence(model, names, r[3:]) for r in rows}
    return result
