# ruff: noqa: S608  (table and column names below are this module's own, never input)
"""One record against a few candidates, with the trained model: the match service's
score (`population.matching`).

The record and its candidates go through the same **prepare** stage as a dedup run
(the normalisers of `normalize.py`), and each pair is put in the levels of the
model's own comparisons: the SQL conditions saved in the model (`comparisons.py`),
evaluated by DuckDB in order, first level that holds. The score is the model's
posterior, Fellegi–Sunter: the prior odds (the model's λ) times the Bayes factor m/u
of each comparison's level; a missing value says nothing (factor 1). Unlike the
batch prediction there is no term-frequency adjustment of the name: a common name
scores a little higher here than in the review queue.
"""

from __future__ import annotations

import math

from ..normalize import INPUT_COLUMNS, OPTIONAL_COLUMNS
from .base import connect
from .comparisons import description
from .prepare import prepare

QUERY_ID = "__query__"
COLUMNS = (*INPUT_COLUMNS, *OPTIONAL_COLUMNS)


def _condition(sql: str) -> str:
    return "TRUE" if sql.strip().upper() == "ELSE" else f"({sql})"


def _levels_sql(model: dict, columns: list[str]) -> tuple[str, list[dict]]:
    pairs = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in columns if c != "unique_id")
    comparisons = model["splink"]["comparisons"]
    cases = []
    for i, comparison in enumerate(comparisons):
        whens = " ".join(
            f"WHEN {_condition(level['sql_condition'])} THEN {j}"
            for j, level in enumerate(comparison["comparison_levels"])
        )
        cases.append(f"CASE {whens} ELSE -1 END AS c{i}")
    sql = (
        f"SELECT unique_id_r, {', '.join(cases)} FROM (SELECT r.unique_id AS unique_id_r, "  # nosec B608: conditions from the trained model, ids constants
        f"{pairs} FROM prepared l JOIN prepared r "
        f"ON l.unique_id = '{QUERY_ID}' AND r.unique_id <> '{QUERY_ID}')"
    )
    return sql, comparisons


def _factor(level: dict) -> float | None:
    m, u = level.get("m_probability"), level.get("u_probability")
    if level.get("is_null_level") or not m or not u:
        return None
    return float(m) / max(float(u), 1e-12)


def _evidence(comparison: dict, index: int) -> tuple[float, dict]:
    """The level's Bayes factor, an agreement never more than a fuller agreement's (the
    levels come fullest first): EM can learn a near level ("one digit wrong") rarer among
    strangers than the exact one, and a candidate must not outrank the person whose
    ID is the query's for differing from it."""
    levels = comparison["comparison_levels"]
    level = levels[index] if index >= 0 else {"is_null_level": True}
    bf = _factor(level)
    if bf is None:
        bf, agreement = 1.0, "missing"
    else:
        # (levels that speak against a pair, the twins' one among them, cap nothing)
        fuller = [f for f in map(_factor, levels[:index]) if f is not None and f > 1]
        bf = min([bf, *fuller]) if bf > 1 else bf
        agreement = "agree" if bf > 1 else "disagree"
    return bf, {
        "field": comparison["output_column_name"],
        "comparison": description(comparison),
        "level": "—" if agreement == "missing" else (level.get("label_for_charts") or ""),
        "agreement": agreement,
        "bayes_factor": round(bf, 4),
    }


def score(query: dict[str, str], candidates: dict[str, dict[str, str]], model: dict,
          ) -> dict[str, tuple[float, list[dict], tuple]]:  # fmt: skip
    """`query` and each candidate in the contract's columns (any may be missing);
    returns, per candidate key, (match probability, evidence per comparison, the key
    that orders candidates best first: the match weight, log2 of the posterior odds,
    which still tells them apart where the probability rounds to 1, then the levels)."""
    if not candidates:
        return {}
    con = connect(threads=1, memory_limit="256MB")
    try:
        con.execute(f"CREATE TABLE raw ({', '.join(f'{c} VARCHAR' for c in COLUMNS)})")
        rows = [{**query, "record_id": QUERY_ID}] + [
            {**values, "record_id": key} for key, values in candidates.items()
        ]
        con.executemany(
            f"INSERT INTO raw VALUES ({', '.join('?' for _ in COLUMNS)})",  # nosec B608: column names from code, values bound
            [[(r.get(c) or None) for c in COLUMNS] for r in rows],
        )
        prepare(con)
        columns = [r[0] for r in con.execute("DESCRIBE prepared").fetchall()]
        sql, comparisons = _levels_sql(model, columns)
        found = con.execute(sql).fetchall()
    finally:
        con.close()
    prior = float(model["splink"].get("probability_two_random_records_match") or 1e-6)
    out = {}
    for key, *levels in found:
        weight = math.log2(prior / (1 - prior))
        evidence = []
        for comparison, index in zip(comparisons, levels, strict=True):
            bf, item = _evidence(comparison, int(index))
            weight += math.log2(bf)
            evidence.append(item)
        probability = 1 / (1 + 2 ** (-weight)) if weight > -1000 else 0.0
        # ordered by weight, then by the fuller levels (an exact ID before one a digit
        # off, whose factor is capped at the exact one's)
        out[key] = (probability, evidence, (-weight, tuple(int(i) for i in levels)))
    return out
