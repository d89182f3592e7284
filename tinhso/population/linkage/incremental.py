# ruff: noqa: S608  (table and column names below are this module's own, never input)
"""Daily linking: the new records against the registry, not a full re-link.

The registry's records stay prepared between runs (a Parquet file next to the last
model: `prepared` of the last run, one row per record). A daily run prepares only
the new records, keeps of the old ones those that share a blocking key with a new
record (the only old records a full run would compare with them: every blocking
rule of `comparisons.blocking_rules` is an equality on one of `BLOCKING_KEYS`, plus
conditions), and predicts on that small table with the saved model, the name's term
frequencies taken from the whole registry as a full run takes them. Pairs of two old
records are dropped: they were decided before.
"""

from __future__ import annotations

import time
from pathlib import Path

from .base import DEFAULT_THRESHOLD, Result, _sql_string
from .comparisons import TF_COLUMNS
from .duckdb_engine import _evidence
from .prepare import mark_common_given

# The equalities the blocking rules rest on (a superset of each rule's pairs).
BLOCKING_KEYS = (
    ("pid",),
    ("pid_tail", "yob"),
    ("phone",),
    ("given_key", "dob_unordered"),
    ("ward", "dob_full"),
    ("surname_key", "middle_key", "dob_unordered"),
    ("name_unordered", "father_unordered"),
    ("name_unordered", "mother_unordered"),
    ("name_unordered", "yob"),
    ("name_unordered", "ward"),
    ("address_key", "ward"),
)


def load_registry(con, path: str | Path, *, table: str = "prepared_old") -> int:
    con.execute(
        f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_parquet({_sql_string(path)})"
    )
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def save_registry(con, path: str | Path, *, tables: tuple[str, ...]) -> None:
    """Write the prepared records of `tables` (a record in several: the last wins)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    union = " UNION ALL ".join(f"SELECT * FROM {t}" for t in tables)
    con.execute(f"COPY ({union}) TO {_sql_string(tmp)} (FORMAT parquet)")
    tmp.replace(path)


def block_against(con, *, new: str = "prepared_new", old: str = "prepared_old",
                  table: str = "prepared") -> int:  # fmt: skip
    """`table`: the new records and the old ones sharing a blocking key with one."""
    selects = []
    for keys in BLOCKING_KEYS:
        present = " AND ".join(f"{k} IS NOT NULL" for k in keys)
        on = " AND ".join(f"o.{k} = n.{k}" for k in keys)
        selects.append(
            f"SELECT o.unique_id FROM {old} o JOIN (SELECT DISTINCT {', '.join(keys)} "
            f"FROM {new} WHERE {present}) n ON {on}"
        )
    con.execute(
        f"""CREATE OR REPLACE TABLE {table} AS
        SELECT * FROM {new}
        UNION ALL
        SELECT * FROM {old} WHERE unique_id IN ({" UNION ".join(selects)})
          AND unique_id NOT IN (SELECT unique_id FROM {new})"""
    )
    # common given names as a full run counts them: over the whole registry
    mark_common_given(
        con,
        table=table,
        counted=f"(SELECT given_fold FROM {old} WHERE unique_id NOT IN "
        f"(SELECT unique_id FROM {new}) UNION ALL SELECT given_fold FROM {new})",
    )
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def link_new(con, *, model: dict, new: str = "prepared_new", old: str = "prepared_old",
             threshold: float = DEFAULT_THRESHOLD, evidence: bool = False) -> Result:  # fmt: skip
    """The pairs at or above `threshold` with at least one new record."""
    from splink import DuckDBAPI, Linker

    timings = {}
    t0 = time.monotonic()
    compared = block_against(con, new=new, old=old)
    timings["block"] = time.monotonic() - t0
    splink_settings = dict(model["splink"])
    if evidence:
        splink_settings["retain_intermediate_calculation_columns"] = True
        splink_settings["retain_matching_columns"] = True
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register("prepared"), splink_settings)
    for column in TF_COLUMNS:  # the frequencies of the whole registry, not the batch's
        tf = con.execute(
            f"""SELECT {column}, count(*) / sum(count(*)) OVER () AS tf_{column} FROM
            (SELECT {column} FROM {old} WHERE unique_id NOT IN (SELECT unique_id FROM {new})
             UNION ALL SELECT {column} FROM {new}) WHERE {column} IS NOT NULL GROUP BY {column}"""
        ).df()
        linker.table_management.register_term_frequency_lookup(db_api.register(tf), column)
    t1 = time.monotonic()
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    names = [c["output_column_name"] for c in model["splink"]["comparisons"]]
    extra = "".join(f", p.gamma_{n}, pow(2.0, p.mw_{n})" for n in names) if evidence else ""
    rows = con.execute(
        f"""SELECT p.unique_id_l, p.unique_id_r, p.match_probability{extra}
        FROM {predictions.physical_name} p
        WHERE p.unique_id_l IN (SELECT unique_id FROM {new})
           OR p.unique_id_r IN (SELECT unique_id FROM {new})"""
    ).fetchall()
    predictions.drop_table_from_database_and_remove_from_cache()
    timings["predict"] = time.monotonic() - t1
    result = Result(edges=[(r[0], r[1], float(r[2])) for r in rows], model=model, timings=timings)
    result.timings["compared_records"] = compared
    if evidence:
        result.evidence = {(r[0], r[1]): _evidence(model, names, r[3:]) for r in rows}
    return result
