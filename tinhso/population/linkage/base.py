# ruff: noqa: S608  (table and column names below are this module's own, never input)
"""What every stage of the linkage shares: the model's version, the default
threshold, the error a person can fix, what a prediction returns, and the DuckDB
connection the pipeline runs in."""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass, field

logger = logging.getLogger("tinhso.population")

MODEL_VERSION = "tinhso-population-4"
DEFAULT_THRESHOLD = 0.8


class DedupError(Exception):
    """A problem with the input the person running the command can fix."""


@dataclass
class Result:
    edges: list[tuple[str, str, float]]  # pairs at or above the lowest threshold asked
    model: dict
    timings: dict[str, float] = field(default_factory=dict)
    evidence: dict[tuple[str, str], list[dict]] = field(default_factory=dict)


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


def _sql_string(value) -> str:
    """A file path as a DuckDB string literal (COPY … TO and SET take no parameters):
    a quote in the path is doubled, so any path works and none can end the literal."""
    return "'" + str(value).replace("'", "''") + "'"
