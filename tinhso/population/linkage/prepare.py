# ruff: noqa: S608  (table and column names below are this module's own, never input)
"""Stage 1, **prepare** (DuckDB, always): read the contract's CSV, then map the
normalisers of `normalize.py` over the *distinct* values of each column (a province
has far fewer distinct names, dates and numbers than records) and join them back:
folded name turned surname first, phonetic keys, the date of birth with its
precision, the ID with its kind (12-digit personal ID or 9-digit old card), the
phone in national form. The birth place, when a record has none, is the province
that registered the birth as its 12-digit ID says (its first three digits); the
birth year and sex likewise (DOMAIN.md §4)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from ..normalize import (
    INPUT_COLUMNS,
    OPTIONAL_COLUMNS,
    address_key,
    birth_from_personal_id,
    name_keys,
    place_key,
    try_birth_date,
    try_personal_id,
    try_phone,
)
from .base import DedupError, logger


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
    # the optional columns: NULL when the file has none
    optional = [c if c in header else f"CAST(NULL AS VARCHAR) AS {c}" for c in OPTIONAL_COLUMNS]
    try:
        con.execute(
            f"""CREATE OR REPLACE TABLE {table} AS
            SELECT {", ".join((*INPUT_COLUMNS, *optional))} FROM read_csv(?, header = true,
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


def _parent_row(value: str):
    """A parent's name, read as the person's own: signature (accents), folded, the
    order-free phonetic key, the surname's and given name's keys."""
    k = name_keys(value)
    return tuple((x or None) for x in (k.signature, k.folded, k.unordered, k.surname, k.given))


def _place_row(value: str):
    return (place_key(value) or None,)


def _ethnicity_row(value: str):
    return (place_key(value) or None,)


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
        # the province that registered the birth (TT 07/2016/TT-BCA), as `place_key`
        f"c:{int(number[:3])}" if birth and number else None,
    )


def _phone_row(value: str):
    return (try_phone(value),)


def _address_row(value: str):
    return (address_key(value) or None,)


def _prepare_optional(con, *, source: str) -> None:
    parent = {"sig": "VARCHAR", "folded": "VARCHAR", "unordered": "VARCHAR",
              "surname": "VARCHAR", "given": "VARCHAR"}  # fmt: skip
    for column, name in (("father_name", "m_father"), ("mother_name", "m_mother")):
        _map_distinct(con, source=source, column=column, name=name, fn=_parent_row, out=parent)
    for column in ("birth_place", "hometown"):
        _map_distinct(con, source=source, column=column, name=f"m_{column}", fn=_place_row,
                      out={"place": "VARCHAR"})  # fmt: skip
    _map_distinct(con, source=source, column="ethnicity", name="m_ethnicity", fn=_ethnicity_row,
                  out={"place": "VARCHAR"})  # fmt: skip


# A given name is *common* when at least this share of the records carry it (and at
# least `COMMON_GIVEN_MIN` of them): a name people are given, not a keying slip. Two
# common given names one letter apart (Lan and Loan, Tâm and Trâm, Hà and Hòa, Anh
# and Hạnh) are two names, twins' or siblings' more often than a slip; a slip makes a
# string few records share ("Lghĩa", "Ah").
COMMON_GIVEN_SHARE = 2e-4
COMMON_GIVEN_MIN = 10


def mark_common_given(con, *, table: str = "prepared", counted: str | None = None) -> None:
    """Set `given_common` of `table` from the given names' counts in `counted` (a
    table or a query in parentheses; default `table` itself): a full run counts the
    whole file, a daily run the whole registry."""
    counted = counted or table
    n = con.execute(f"SELECT count(*) FROM {counted}").fetchall()[0][0]
    least = max(COMMON_GIVEN_MIN, COMMON_GIVEN_SHARE * n)
    con.execute(
        f"""UPDATE {table} SET given_common = given_fold IN (
            SELECT given_fold FROM {counted} WHERE given_fold IS NOT NULL
            GROUP BY given_fold HAVING count(*) >= {float(least)})"""
    )


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
                       "pid_yob": "INTEGER", "pid_sex": "VARCHAR", "pid_province": "VARCHAR"})  # fmt: skip
    _prepare_optional(con, source=source)
    _map_distinct(con, source=source, column="phone", name="m_phone", fn=_phone_row,
                  out={"phone_norm": "VARCHAR"})  # fmt: skip
    _map_distinct(con, source=source, column="address", name="m_address", fn=_address_row,
                  out={"address_key": "VARCHAR"})  # fmt: skip
    con.execute(
        f"""CREATE OR REPLACE TABLE {table} AS
        SELECT r.record_id AS unique_id,
               n.name_folded, n.surname_key, coalesce(n.middle_key, '') AS middle_key,
               n.given_key, n.given_fold, CAST(NULL AS BOOLEAN) AS given_common,
               n.name_ordered, n.name_unordered,
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
               a.address_key,
               fa.sig AS father_sig, fa.folded AS father_folded, fa.unordered AS father_unordered,
               fa.surname AS father_surname, fa.given AS father_given,
               mo.sig AS mother_sig, mo.folded AS mother_folded, mo.unordered AS mother_unordered,
               mo.surname AS mother_surname, mo.given AS mother_given,
               -- the place of birth registration, else the one the personal ID names
               coalesce(bp.place, p.pid_province) AS birth_place, ht.place AS hometown, et.place AS ethnicity
        FROM {source} r
        LEFT JOIN m_name n ON n.value = r.full_name
        LEFT JOIN m_dob d ON d.value = r.date_of_birth
        LEFT JOIN m_pid p ON p.value = r.personal_id
        LEFT JOIN m_phone ph ON ph.value = r.phone
        LEFT JOIN m_address a ON a.value = r.address
        LEFT JOIN m_father fa ON fa.value = r.father_name
        LEFT JOIN m_mother mo ON mo.value = r.mother_name
        LEFT JOIN m_birth_place bp ON bp.value = r.birth_place
        LEFT JOIN m_hometown ht ON ht.value = r.hometown
        LEFT JOIN m_ethnicity et ON et.value = r.ethnicity"""
    )
    for t in ("m_name", "m_dob", "m_pid", "m_phone", "m_address", "m_father", "m_mother",
              "m_birth_place", "m_hometown", "m_ethnicity"):  # fmt: skip
        con.execute(f"DROP TABLE {t}")
    mark_common_given(con, table=table)
    logger.info("prepared in %.1f s", time.monotonic() - t0)
