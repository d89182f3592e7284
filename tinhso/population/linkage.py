# ruff: noqa: S608  (table and column names below are this module's own, never input)
"""Finding the records of one person: Splink (Fellegi–Sunter, parameters by EM) on
DuckDB, or the same trained model on Apache Spark.

The pipeline, from a CSV in the contract's columns to `record_id,cluster_id`:

1. **prepare** (DuckDB, always): the normalisers of `normalize.py` are mapped over
   the *distinct* values of each column (a province has far fewer distinct names,
   dates and numbers than records) and joined back: folded name turned surname
   first, phonetic keys, the date of birth with its precision, the ID with its kind
   (12-digit personal ID or 9-digit old card), the phone in national form.
2. **train**: u by random sampling, the match prior from the exact-ID rule, m by EM
   on two blockings that each leave some comparisons free. The trained model is JSON
   (`MODEL_VERSION` + Splink's settings with m and u), saved and reused by `--model`.
3. **predict** with blocking rules that never rest on the surname alone, several
   of them so that a duplicate sharing no single key with its twin record is still
   compared (ID, ID tail + year, phone, given name + date, name + year, ward + date…).
4. **cluster**: the pairs at or above the threshold joined strongest first, never
   joining two holders of different personal IDs, in Python (the same code for both
   engines, so they give the same clusters); the cluster id is the smallest
   record_id of the cluster.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .normalize import (
    INPUT_COLUMNS,
    address_key,
    birth_from_personal_id,
    name_keys,
    try_birth_date,
    try_personal_id,
    try_phone,
)

logger = logging.getLogger("tinhso.population")

MODEL_VERSION = "tinhso-population-2"
DEFAULT_THRESHOLD = 0.8


class DedupError(Exception):
    """A problem with the input the person running the command can fix."""


def connect(*, memory_limit: str | None = None, threads: int | None = None):
    import duckdb

    con = duckdb.connect()
    threads = threads or int(os.environ.get("TINHSO_DEDUP_THREADS", "2"))
    con.execute(f"SET threads = {int(threads)}")
    con.execute(
        f"SET memory_limit = '{memory_limit or os.environ.get('TINHSO_DEDUP_MEMORY', '4GB')}'"
    )
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET temp_directory = {_sql_string(f'{tempfile.gettempdir()}/tinhso-duckdb')}")
    return con


# ---------------------------------------------------------------- 1. prepare


def load_csv(con, path: str | Path, *, table: str = "raw") -> int:
    """Read the contract's CSV as text into `table`; refuse wrong columns or a file
    that is not UTF-8 with a sentence saying so."""
    path = Path(path)
    with path.open("rb") as f:
        head = f.readline()
    try:
        header = head.decode("utf-8-sig").strip().split(",")
    except UnicodeDecodeError:
        raise DedupError(
            f"{path}: the file is not UTF-8 (Windows-1258?); save it as UTF-8 and run again."
        ) from None
    header = [h.strip().strip('"') for h in header]
    missing = [c for c in INPUT_COLUMNS if c not in header]
    if missing:
        raise DedupError(
            f"{path}: missing columns {', '.join(missing)} (found: {', '.join(header)})."
        )
    columns = {c: "VARCHAR" for c in header}
    try:
        con.execute(
            f"""CREATE OR REPLACE TABLE {table} AS
            SELECT {", ".join(INPUT_COLUMNS)} FROM read_csv(?, header = true,
                columns = {columns!r}, quote = '"', escape = '"', delim = ',')""",
            [str(path)],
        )
    except Exception as exc:  # duckdb.InvalidInputException and friends
        if "UTF" in str(exc) or "unicode" in str(exc).lower():
            raise DedupError(
                f"{path}: the file is not UTF-8 (Windows-1258?); save it as UTF-8 and run again."
            ) from None
        raise DedupError(f"{path}: {exc}") from None
    dupes = con.execute(
        f"SELECT count(*) - count(DISTINCT record_id), count(*) FILTER (WHERE record_id IS NULL) "
        f"FROM {table}"
    ).fetchall()[0]
    if dupes[0] or dupes[1]:
        raise DedupError(
            f"{path}: record_id must be present and unique ({dupes[0]} repeated, {dupes[1]} empty)."
        )
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def _map_distinct(con, *, source: str, column: str, name: str, fn: Callable, out: dict[str, str]):
    """Apply `fn` (value → tuple) to each distinct value of `column`, as table `name`."""
    import pandas as pd

    values = [
        v
        for (v,) in con.execute(
            f"SELECT DISTINCT {column} FROM {source} WHERE {column} IS NOT NULL"
        ).fetchall()
    ]
    rows = [fn(v) for v in values]
    frame = pd.DataFrame({"value": values, **{k: [r[i] for r in rows] for i, k in enumerate(out)}})
    for k, kind in out.items():
        if kind == "INTEGER":
            frame[k] = frame[k].astype("Int32")
    con.register(f"{name}_df", frame)
    casts = ", ".join(f"CAST({k} AS {kind}) AS {k}" for k, kind in out.items())
    con.execute(
        f"CREATE OR REPLACE TABLE {name} AS SELECT CAST(value AS VARCHAR) AS value, {casts} FROM {name}_df"
    )
    con.unregister(f"{name}_df")


def _name_row(value: str):
    k = name_keys(value)
    given_fold = k.folded.rsplit(" ", 1)[-1] if " " in k.folded else ""
    return tuple(
        (x or None)
        for x in (
            k.folded, k.surname, k.middle, k.given, given_fold, k.ordered, k.unordered,
            k.signature, k.given_signature, k.given_marks, k.unordered_signature,
        )
    )  # fmt: skip


def _dob_row(value: str):
    d = try_birth_date(value)
    if d is None:
        return (None, None, None, None)
    full = f"{d.year:04d}-{d.month:02d}-{d.day:02d}" if d.day else None
    unordered = (
        f"{d.year:04d}-{min(d.day, d.month):02d}-{max(d.day, d.month):02d}" if d.day else None
    )
    return (d.year, d.month, full, unordered)


def _pid_row(value: str):
    number, kind = try_personal_id(value)
    birth = birth_from_personal_id(number) if number else None
    return (
        number,
        kind,
        number[-6:] if number else None,
        birth[0] if birth else None,
        ("m" if birth[1] == "male" else "f") if birth else None,
    )


def _phone_row(value: str):
    return (try_phone(value),)


def _address_row(value: str):
    return (address_key(value) or None,)


def prepare(con, *, source: str = "raw", table: str = "prepared") -> None:
    """The columns the model compares, one row per record (`unique_id` = record_id)."""
    t0 = time.monotonic()
    _map_distinct(con, source=source, column="full_name", name="m_name", fn=_name_row,
                  out={"name_folded": "VARCHAR", "surname_key": "VARCHAR", "middle_key": "VARCHAR",
                       "given_key": "VARCHAR", "given_fold": "VARCHAR", "name_ordered": "VARCHAR", "name_unordered": "VARCHAR",
                       "name_sig": "VARCHAR", "given_sig": "VARCHAR", "given_marks": "VARCHAR",
                       "unordered_sig": "VARCHAR"})  # fmt: skip
    _map_distinct(con, source=source, column="date_of_birth", name="m_dob", fn=_dob_row,
                  out={"yob": "INTEGER", "mob": "INTEGER", "dob_full": "VARCHAR", "dob_unordered": "VARCHAR"})  # fmt: skip
    _map_distinct(con, source=source, column="personal_id", name="m_pid", fn=_pid_row,
                  out={"pid": "VARCHAR", "pid_kind": "VARCHAR", "pid_tail": "VARCHAR",
                       "pid_yob": "INTEGER", "pid_sex": "VARCHAR"})  # fmt: skip
    _map_distinct(con, source=source, column="phone", name="m_phone", fn=_phone_row,
                  out={"phone_norm": "VARCHAR"})  # fmt: skip
    _map_distinct(con, source=source, column="address", name="m_address", fn=_address_row,
                  out={"address_key": "VARCHAR"})  # fmt: skip
    con.execute(
        f"""CREATE OR REPLACE TABLE {table} AS
        SELECT r.record_id AS unique_id,
               n.name_folded, n.surname_key, coalesce(n.middle_key, '') AS middle_key,
               n.given_key, n.given_fold, n.name_ordered, n.name_unordered,
               n.name_sig, n.given_sig, coalesce(n.given_marks, '') AS given_marks,
               n.unordered_sig,
               -- a missing birth year or sex is read from the personal ID (DOMAIN.md §4)
               coalesce(d.yob, p.pid_yob) AS yob, d.mob, d.dob_full, d.dob_unordered,
               p.pid, p.pid_kind, p.pid_tail,
               ph.phone_norm AS phone,
               coalesce(
                   CASE WHEN lower(trim(r.sex)) IN ('male', 'nam', 'm', '1') THEN 'm'
                        WHEN lower(trim(r.sex)) IN ('female', 'nữ', 'nu', 'f', '0', '2') THEN 'f'
                   END, p.pid_sex) AS sex,
               nullif(trim(r.ward_code), '') AS ward,
               a.address_key
        FROM {source} r
        LEFT JOIN m_name n ON n.value = r.full_name
        LEFT JOIN m_dob d ON d.value = r.date_of_birth
        LEFT JOIN m_pid p ON p.value = r.personal_id
        LEFT JOIN m_phone ph ON ph.value = r.phone
        LEFT JOIN m_address a ON a.value = r.address"""
    )
    for t in ("m_name", "m_dob", "m_pid", "m_phone", "m_address"):
        con.execute(f"DROP TABLE {t}")
    logger.info("prepared in %.1f s", time.monotonic() - t0)


# ---------------------------------------------------------------- 2. the model


# A different personal ID of the same kind (not one typo away) is another person,
# but for a rare keying error: fixed, not left to EM, which would learn it from the
# twins and namesakes that the other blockings bring in.
PID_DIFFERS_M = 0.001
SEX_DIFFERS_M = 0.002


def _typo(a: str, b: str) -> str:
    """SQL: a keying slip, two letters swapped, one dropped or doubled. A letter
    *changed* is not one: Hương, Dương, Lương, Cương are different names."""
    return (
        f"((length({a}) <> length({b}) AND levenshtein({a}, {b}) = 1) OR "
        f"(length({a}) = length({b}) AND damerau_levenshtein({a}, {b}) = 1 "
        f"AND levenshtein({a}, {b}) = 2))"
    )


# SQL: the given names can be one. Written with accents on both sides, the tone and
# vowel marks must agree (Thu ≠ Thư, Hoa ≠ Hòa, Long ≠ Lương); otherwise the folded
# phonetic keys are compared. Lengths and distances are on ASCII (folded) text, so
# DuckDB and Spark count the same.
SAME_GIVEN = (
    "(((given_sig_l IS NOT NULL AND given_sig_r IS NOT NULL) AND (given_sig_l = given_sig_r OR ("
    + _typo("given_fold_l", "given_fold_r")
    + " AND given_marks_l = given_marks_r))) OR ((given_sig_l IS NULL OR given_sig_r IS NULL) "
    "AND (given_key_l = given_key_r OR " + _typo("given_fold_l", "given_fold_r") + ")))"
)
# SQL: the same syllables in another order (a given name written first).
SAME_SYLLABLES = (
    "((unordered_sig_l IS NOT NULL AND unordered_sig_r IS NOT NULL AND "
    "unordered_sig_l = unordered_sig_r) OR ((unordered_sig_l IS NULL OR unordered_sig_r IS NULL) "
    "AND name_unordered_l = name_unordered_r))"
)
SAME_NAME = f"({SAME_GIVEN} OR {SAME_SYLLABLES})"
_SAME_WARD = "(ward_l = ward_r OR ward_l IS NULL OR ward_r IS NULL)"
_PHONES_DIFFER = "(phone_l IS NOT NULL AND phone_r IS NOT NULL AND phone_l <> phone_r)"


def _comparisons():
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_description="họ tên",
        comparison_levels=[
            cll.NullLevel("name_folded"),
            cll.ExactMatchLevel("name_sig").configure(
                tf_adjustment_column="name_sig", label_for_charts="same name, accents and all"
            ),
            cll.CustomLevel(
                "name_folded_l = name_folded_r AND (name_sig_l IS NULL OR name_sig_r IS NULL)",
                label_for_charts="same letters, one written without accents",
            ),
            cll.CustomLevel(
                SAME_SYLLABLES,
                label_for_charts="same syllables up to order and phonetic confusions",
            ),
            cll.CustomLevel(
                f"surname_key_l = surname_key_r AND {SAME_GIVEN}",
                label_for_charts="same surname and given name, middle names differ",
            ),
            cll.And(
                cll.CustomLevel(SAME_GIVEN), cll.JaroWinklerLevel("name_folded", 0.88)
            ).configure(label_for_charts="same given name, the rest similar"),
            cll.CustomLevel(SAME_GIVEN, label_for_charts="same given name"),
            cll.ElseLevel(),
        ],
    )
    # Members of one household share a phone and an address, twins a birth date:
    # agreement there with another given name is a level of its own.
    dob = cl.CustomComparison(
        output_column_name="dob",
        comparison_description="ngày sinh",
        comparison_levels=[
            cll.NullLevel("yob"),
            cll.CustomLevel(
                f"dob_full_l = dob_full_r AND NOT {SAME_NAME}",
                label_for_charts="same date, another given name (twins?)",
            ),
            cll.ExactMatchLevel("dob_full").configure(label_for_charts="same date"),
            cll.CustomLevel(
                "yob_l = yob_r AND (dob_full_l IS NULL OR dob_full_r IS NULL) "
                "AND (mob_l IS NULL OR mob_r IS NULL OR mob_l = mob_r)",
                label_for_charts="consistent at the coarser precision (year, month)",
            ),
            cll.ExactMatchLevel("dob_unordered").configure(
                label_for_charts="day and month swapped"
            ),
            cll.DamerauLevenshteinLevel("dob_full", 1).configure(
                label_for_charts="one digit apart"
            ),
            cll.CustomLevel("yob_l = yob_r", label_for_charts="same year"),
            cll.ElseLevel(),
        ],
    )
    # Where and how to reach them: a household shares a phone and an address, so
    # the two are one comparison (counted apart, a household member with the same
    # given name would look like the person twice over). Each agreement with
    # another given name has a level of its own.
    same_address = f"(address_key_l = address_key_r AND {_SAME_WARD})"
    contact = cl.CustomComparison(
        output_column_name="contact",
        comparison_description="điện thoại, nơi ở",
        comparison_levels=[
            cll.CustomLevel(
                "(phone_l IS NULL OR phone_r IS NULL) AND (ward_l IS NULL OR ward_r IS NULL) "
                "AND (address_key_l IS NULL OR address_key_r IS NULL)",
                label_for_charts="missing",
            ).configure(is_null_level=True),
            cll.CustomLevel(
                f"phone_l = phone_r AND {same_address} AND NOT {SAME_NAME}",
                label_for_charts="same phone and address, another given name (household?)",
            ),
            cll.CustomLevel(
                f"phone_l = phone_r AND {same_address}", label_for_charts="same phone and address"
            ),
            cll.CustomLevel(
                f"phone_l = phone_r AND NOT {SAME_NAME}",
                label_for_charts="same phone, another given name (household?)",
            ),
            cll.CustomLevel("phone_l = phone_r", label_for_charts="same phone"),
            cll.CustomLevel(
                f"{same_address} AND NOT {SAME_NAME}",
                label_for_charts="same address, another given name (household?)",
            ),
            cll.CustomLevel(same_address, label_for_charts="same address"),
            # Apart from that, two numbers that differ say much more than a number
            # missing: a person keeps a phone far more often than a stranger shares
            # one, while a record without a number says nothing either way.
            cll.CustomLevel(
                f"ward_l = ward_r AND {_PHONES_DIFFER}", label_for_charts="same ward, another phone"
            ),
            cll.CustomLevel("ward_l = ward_r", label_for_charts="same ward"),
            cll.CustomLevel(_PHONES_DIFFER, label_for_charts="elsewhere, another phone"),
            cll.ElseLevel().configure(label_for_charts="elsewhere, no phone to compare"),
        ],
    )
    pid = cl.CustomComparison(
        output_column_name="pid",
        comparison_description="số định danh",
        comparison_levels=[
            cll.CustomLevel(
                "pid_l IS NULL OR pid_r IS NULL OR pid_kind_l <> pid_kind_r",
                label_for_charts="missing, or one is the old 9-digit card",
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("pid"),
            cll.DamerauLevenshteinLevel("pid", 1).configure(
                label_for_charts="one digit wrong or two swapped"
            ),
            cll.ElseLevel().configure(m_probability=PID_DIFFERS_M, fix_m_probability=True),
        ],
    )
    return [
        name,
        dob,
        pid,
        contact,
        cl.CustomComparison(
            output_column_name="sex",
            comparison_description="giới tính",
            comparison_levels=[
                cll.NullLevel("sex"),
                cll.ExactMatchLevel("sex"),
                # a slip of the pen happens: never let it weigh like proof
                cll.ElseLevel().configure(m_probability=SEX_DIFFERS_M, fix_m_probability=True),
            ],
        ),
    ]


def blocking_rules():
    """Several narrow keys, none of them the surname alone (38% of people are Nguyễn).
    The wide ones (a name in a ward or a year, an address) only bring in the pairs
    the narrow ones cannot: a date missing, partial or one digit apart; a name with a
    slip in it."""
    from splink import block_on
    from splink.blocking_rule_library import CustomRule

    date_unsure = (
        "(l.dob_full IS NULL OR r.dob_full IS NULL "
        "OR damerau_levenshtein(l.dob_full, r.dob_full) <= 1)"
    )
    return [
        block_on("pid"),
        block_on("pid_tail", "yob"),
        block_on("phone"),
        block_on("given_key", "dob_unordered"),
        block_on("ward", "dob_full"),
        block_on("surname_key", "middle_key", "dob_unordered"),
        CustomRule(
            f"l.name_unordered = r.name_unordered AND l.yob = r.yob AND {date_unsure}",
            sql_dialect="duckdb",
        ),
        CustomRule(
            "l.name_unordered = r.name_unordered AND l.ward = r.ward "
            "AND (l.yob IS NULL OR r.yob IS NULL)",
            sql_dialect="duckdb",
        ),
        CustomRule(
            "l.address_key = r.address_key AND l.ward = r.ward "
            f"AND levenshtein(l.given_fold, r.given_fold) <= 2 AND {date_unsure}",
            sql_dialect="duckdb",
        ),
    ]


def settings(*, rules=None):
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=_comparisons(),
        blocking_rules_to_generate_predictions=rules or blocking_rules(),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=15,
        em_convergence=0.001,
    )


def train(linker, *, seed: int = 42, max_pairs: float = 2e6) -> None:
    from splink import block_on

    t0 = time.monotonic()

    linker.training.estimate_probability_two_random_records_match(
        [block_on("pid"), "l.phone = r.phone AND l.dob_full = r.dob_full"], recall=0.8
    )
    logger.info("prior in %.1f s", time.monotonic() - t0)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    logger.info("u in %.1f s", time.monotonic() - t0)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("pid"), fix_u_probabilities=True
    )
    logger.info("EM 1 in %.1f s", time.monotonic() - t0)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_key", "dob_unordered"), fix_u_probabilities=True
    )
    logger.info("EM 2 in %.1f s", time.monotonic() - t0)


def _fill_unobserved(data: dict, *, floor: float) -> None:
    """Levels that training never observed get `floor` rather than Splink's default."""
    for comparison in data["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            for key in ("m_probability", "u_probability"):
                if level.get(key) is None:
                    level[key] = floor


def _unsplit_u(data: dict) -> None:
    """The "same date" and "same phone" levels exclude pairs whose given names differ
    (twins, a household's shared phone), which have levels of their own. Among pairs
    of different people the date or phone says nothing about the name, so the u of
    the name-compatible level is the u of the whole agreement: without this the name
    would be counted twice."""
    for comparison in data["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for split, whole in zip(levels, levels[1:], strict=False):
            if "another given name" in (split.get("label_for_charts") or ""):
                whole["u_probability"] = (whole.get("u_probability") or 0) + (
                    split.get("u_probability") or 0
                )


def model_json(linker, *, floor: float = 1e-7) -> dict:
    data = linker.misc.save_model_to_json(None, overwrite=True)
    _fill_unobserved(data, floor=floor)
    _unsplit_u(data)
    return {
        "version": MODEL_VERSION,
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "splink": data,
    }


def load_model(path: str | Path) -> dict:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("version") != MODEL_VERSION:
        raise DedupError(
            f"{path}: model version {data.get('version')!r}, this code reads {MODEL_VERSION!r}: train again."
        )
    return data


# ---------------------------------------------------------------- 3–4. predict, cluster


def train_duckdb(con, *, table: str = "prepared", seed: int = 42) -> dict:
    from splink import DuckDBAPI, Linker

    n = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    linker = Linker(table, settings(), DuckDBAPI(connection=con))
    train(linker, seed=seed, max_pairs=min(2e6, max(1e4, 20.0 * n)))
    return model_json(linker)


@dataclass
class Result:
    edges: list[tuple[str, str, float]]  # pairs at or above the lowest threshold asked
    model: dict
    timings: dict[str, float] = field(default_factory=dict)
    evidence: dict[tuple[str, str], list[dict]] = field(default_factory=dict)


def link_duckdb(con, *, table: str = "prepared", model: dict | None = None,
                threshold: float = DEFAULT_THRESHOLD, seed: int = 42,
                evidence: bool = False) -> Result:  # fmt: skip
    from splink import DuckDBAPI, Linker

    timings = {}
    t0 = time.monotonic()
    if model is None:
        model = train_duckdb(con, table=table, seed=seed)
        timings["train"] = time.monotonic() - t0
    splink_settings = dict(model["splink"])
    if evidence:
        splink_settings["retain_intermediate_calculation_columns"] = True
        splink_settings["retain_matching_columns"] = True  # the gamma (level) columns
    linker = Linker(table, splink_settings, DuckDBAPI(connection=con))
    t1 = time.monotonic()
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    names = [c["output_column_name"] for c in model["splink"]["comparisons"]]
    extra = "".join(f", gamma_{n}, bf_{n}" for n in names) if evidence else ""
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
                "comparison": comparison.get("comparison_description") or names[i],
                "level": label,
                "bayes_factor": round(float(bf), 4) if bf is not None else 1.0,
            }
        )
    return out


def for_spark(splink_settings: dict) -> dict:
    """The trained model's SQL, written for DuckDB, in Spark's dialect (Spark reads
    "x" as a string, not a column) with the similarity functions of Splink's jar."""
    import copy

    import sqlglot

    def spark_sql(sql: str) -> str:
        if sql.strip().upper() == "ELSE":
            return sql
        out = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
        return re.sub(r"JARO_?WINKLER_SIMILARITY\(", "jaro_winkler(", out, flags=re.IGNORECASE)

    data = copy.deepcopy(splink_settings)
    data["sql_dialect"] = "spark"
    for comparison in data["comparisons"]:
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = spark_sql(level["sql_condition"])
    rules = data.get("blocking_rules_to_generate_predictions", [])
    for i, rule in enumerate(rules):
        if isinstance(rule, dict):
            rule["blocking_rule"] = spark_sql(rule["blocking_rule"])
            rule["sql_dialect"] = "spark"
        else:
            rules[i] = spark_sql(rule)
    return data


def spark_session(*, cores: int = 2, memory: str = "4g"):
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    logging.getLogger("py4j").setLevel(logging.WARNING)  # it logs from __del__ at exit

    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("tinhso-dedup")
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", str(cores * 4))
        .config("spark.default.parallelism", str(cores * 4))
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )


def link_spark(con, *, table: str = "prepared", model: dict, threshold: float = DEFAULT_THRESHOLD,
               spark=None) -> Result:  # fmt: skip
    """The same trained model, predicted on Spark (local here; a cluster's session in
    production). The prepared table goes over as Parquet."""

    t0 = time.monotonic()
    own_session = spark is None
    spark = spark or spark_session()
    try:
        rows = _predict_on_spark(con, spark, table=table, model=model, threshold=threshold)
    finally:
        if own_session:
            spark.stop()
    return Result(
        edges=[(r[0], r[1], float(r[2])) for r in rows],
        model=model,
        timings={"predict": time.monotonic() - t0},
    )


def _predict_on_spark(con, spark, *, table: str, model: dict, threshold: float) -> list:
    from splink import Linker
    from splink.backends.spark import SparkAPI

    with tempfile.TemporaryDirectory(prefix="tinhso-spark-") as tmp:
        parquet = f"{tmp}/prepared.parquet"
        con.execute(f"COPY {table} TO {_sql_string(parquet)} (FORMAT parquet)")
        frame = spark.read.parquet(parquet)
        spark.sparkContext.setCheckpointDir(f"{tmp}/checkpoints")
        db_api = SparkAPI(spark_session=spark, break_lineage_method="persist")
        linker = Linker(frame, for_spark(model["splink"]), db_api)
        predictions = linker.inference.predict(threshold_match_probability=threshold)
        rows = (
            predictions.as_spark_dataframe()
            .select("unique_id_l", "unique_id_r", "match_probability")
            .collect()
        )
    return rows


def _sql_string(value) -> str:
    """A file path as a DuckDB string literal (COPY … TO and SET take no parameters):
    a quote in the path is doubled, so any path works and none can end the literal."""
    return "'" + str(value).replace("'", "''") + "'"


def personal_ids(
    con, edges: Iterable[tuple[str, str, float]], *, table: str = "prepared"
) -> dict[str, tuple[str, str]]:
    """record_id → its personal ID as (kind, number), for the records in `edges` that
    have one (what `clusters` needs to keep two ID holders apart)."""
    import pandas as pd

    ids = sorted({x for a, b, _p in edges for x in (a, b)})
    con.register("edge_ids", pd.DataFrame({"unique_id": ids}, dtype="object"))
    rows = con.execute(
        f"SELECT unique_id, pid_kind, pid FROM {table} JOIN edge_ids USING (unique_id) "
        "WHERE pid IS NOT NULL"
    ).fetchall()
    con.unregister("edge_ids")
    return {record: (kind, number) for record, kind, number in rows}


def _one_slip(a: str, b: str) -> bool:
    """Two IDs of one kind a keying slip apart: one digit wrong or two neighbours swapped."""
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diff) == 1 or (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def _ids_conflict(left: set[tuple[str, str]], right: set[tuple[str, str]]) -> bool:
    """Two groups hold different people's IDs: for a kind of ID both hold, no ID of
    one is the other's or a keying slip away from it. (A group may hold an ID and
    its slips; two slips of one ID can be two slips apart.)"""
    for kind in {k for k, _n in left} & {k for k, _n in right}:
        if not any(
            a == b or (len(a) == len(b) and _one_slip(a, b))
            for ka, a in left
            if ka == kind
            for kb, b in right
            if kb == kind
        ):
            return True
    return False


def clusters(edges: Iterable[tuple[str, str, float]], *, threshold: float,
             personal_ids: dict[str, tuple[str, str]] | None = None) -> dict[str, str]:  # fmt: skip
    """record_id → cluster_id (the smallest record_id of its group), for the records
    in at least one pair at or above `threshold`.

    Pairs are joined strongest first. With `personal_ids`, two groups whose records
    carry personal IDs of one kind that differ by more than a keying slip are never
    joined: a chain of likely pairs (a namesake born the same day, a record without
    an ID between them) must not make two ID holders one person."""
    ids = personal_ids or {}
    parent: dict[str, str] = {}
    held: dict[str, set[tuple[str, str]]] = {}  # root → the personal IDs in its group

    def find(x: str) -> str:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    for a, b, _p in sorted(
        (e for e in edges if e[2] >= threshold), key=lambda e: (-e[2], e[0], e[1])
    ):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        left = held.get(ra) or ({ids[ra]} if ra in ids else set())
        right = held.get(rb) or ({ids[rb]} if rb in ids else set())
        if left and right and _ids_conflict(left, right):
            continue
        if rb < ra:
            ra, rb = rb, ra
        parent[rb] = ra
        parent.setdefault(ra, ra)
        held[ra] = left | right
        held.pop(rb, None)
    return {x: find(x) for x in list(parent)}


def write_clusters(
    con, mapping: dict[str, str], output: str | Path, *, source: str = "raw"
) -> None:
    import pandas as pd

    frame = pd.DataFrame({"record_id": list(mapping), "cluster_id": list(mapping.values())})
    con.register("cluster_map", frame)
    con.execute(
        f"""COPY (SELECT r.record_id, coalesce(c.cluster_id, r.record_id) AS cluster_id
                  FROM {source} r LEFT JOIN cluster_map c USING (record_id))
            TO {_sql_string(Path(output))} (HEADER, DELIMITER ',')"""
    )
    con.unregister("cluster_map")


def dedup_file(input_path: str | Path, output_path: str | Path, *, engine: str = "duckdb",
               threshold: float = DEFAULT_THRESHOLD, model_path: str | Path | None = None,
               save_model: str | Path | None = None, memory_limit: str | None = None,
               spark=None, progress: Callable[[str], None] | None = None) -> dict:  # fmt: skip
    """The whole batch, file to file. Returns what happened (counts, timings)."""
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    t0 = time.monotonic()
    con = connect(memory_limit=memory_limit)
    n = load_csv(con, input_path)
    timings["load"] = time.monotonic() - t0
    say(f"read {n} records")
    t = time.monotonic()
    prepare(con)
    timings["prepare"] = time.monotonic() - t
    say("prepared")
    model = load_model(model_path) if model_path else None
    if engine == "spark":
        if model is None:  # train on DuckDB (one machine), predict on Spark
            t = time.monotonic()
            model = train_duckdb(con)
            timings["train"] = time.monotonic() - t
        result = link_spark(con, model=model, threshold=threshold, spark=spark)
    elif engine == "duckdb":
        result = link_duckdb(con, model=model, threshold=threshold)
    else:
        raise DedupError(f"unknown engine {engine!r}: duckdb or spark")
    timings.update(result.timings)
    say(f"{len(result.edges)} pairs at or above {threshold}")
    t = time.monotonic()
    mapping = clusters(
        result.edges, threshold=threshold, personal_ids=personal_ids(con, result.edges)
    )
    write_clusters(con, mapping, output_path)
    timings["cluster"] = time.monotonic() - t
    if save_model:
        Path(save_model).write_text(
            json.dumps(result.model, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    con.close()
    return {
        "records": n,
        "pairs": len(result.edges),
        "clustered_records": len(mapping),
        "clusters": len(set(mapping.values())),
        "timings": timings,
        "model_version": result.model["version"],
    }


def read_clusters(path: str | Path) -> dict[str, str]:
    with Path(path).open(newline="", encoding="utf-8") as f:
        return {row["record_id"]: row["cluster_id"] for row in csv.DictReader(f)}
