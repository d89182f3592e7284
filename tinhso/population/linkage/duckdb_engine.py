# ruff: noqa: S608  (table and column names below are this module's own, never input)
"""Stage 3, **predict**, on DuckDB: training on one machine, then the pairs at or
above a threshold, with each comparison's evidence when asked."""

from __future__ import annotations

import time

from .base import DEFAULT_THRESHOLD, Result
from .comparisons import description, settings
from .training import model_json, train


def train_duckdb(con, *, table: str = "prepared", seed: int = 42,
                 fallback: dict | None = None) -> dict:  # fmt: skip
    """Train on what the data can teach; the rest from `fallback` (default: the
    documented priors). The model's "fallbacks" lists what was skipped."""
    from splink import DuckDBAPI, Linker

    n = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]

    def pairs(columns: tuple[str, ...]) -> int:
        keys = ", ".join(columns)
        present = " AND ".join(f"{c} IS NOT NULL" for c in columns)
        return con.execute(
            f"SELECT coalesce(sum(c * (c - 1) // 2), 0) FROM "
            f"(SELECT count(*) AS c FROM {table} WHERE {present} GROUP BY {keys})"
        ).fetchall()[0][0]

    linker = Linker(DuckDBAPI(connection=con).register(table), settings())
    taught = train(linker, seed=seed, max_pairs=min(2e6, max(1e4, 20.0 * n)), records=n,
                   pairs=pairs)  # fmt: skip
    return model_json(linker, taught=taught, fallback=fallback, records=n)


def link_duckdb(con, *, table: str = "prepared", model: dict | None = None,
                threshold: float = DEFAULT_THRESHOLD, seed: int = 42,
                evidence: bool = False, fallback: dict | None = None) -> Result:  # fmt: skip
    from splink import DuckDBAPI, Linker

    timings = {}
    t0 = time.monotonic()
    if model is None:
        model = train_duckdb(con, table=table, seed=seed, fallback=fallback)
        timings["train"] = time.monotonic() - t0
    if con.execute(f"SELECT count(*) < 2 FROM {table}").fetchall()[0][0]:
        return Result(edges=[], model=model, timings=timings)  # no pair to compare
    splink_settings = dict(model["splink"])
    if evidence:
        splink_settings["retain_intermediate_calculation_columns"] = True
        splink_settings["retain_matching_columns"] = True  # the gamma (level) columns
    linker = Linker(DuckDBAPI(connection=con).register(table), splink_settings)
    t1 = time.monotonic()
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    names = [c["output_column_name"] for c in model["splink"]["comparisons"]]
    # Splink 5 keeps each comparison's match weight (mw_, log2 of the Bayes factor)
    extra = "".join(f", gamma_{n}, pow(2.0, mw_{n})" for n in names) if evidence else ""
    rows = con.execute(
        f"SELECT unique_id_l, unique_id_r, match_probability{extra} FROM {predictions.physical_name}"
    ).fetchall()
    timings["predict"] = time.monotonic() - t1
    predictions.drop_table_from_database_and_remove_from_cache()
    result = Result(edges=[(r[0], r[1], float(r[2])) for r in rows], model=model, timings=timings)
    if evidence:
        result.evidence = {(r[0], r[1]): _evidence(model, names, r[3:]) for r in rows}
    return result


def _evidence(model: dict, names: list[str], values) -> list[dict]:
    """Per comparison: the level the pair fell in and its Bayes factor."""
    out = []
    for i, comparison in enumerate(model["splink"]["comparisons"]):
        gamma, bf = values[2 * i], values[2 * i + 1]
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        if gamma is None or gamma < 0:
            label = "—"
        else:
            level = levels[len(levels) - 1 - int(gamma)]
            label = level.get("label_for_charts") or level["sql_condition"]
        out.append(
            {
                "comparison": description(comparison),
                "level": label,
                "bayes_factor": round(float(bf), 4) if bf is not None else 1.0,
            }
        )
    return out
