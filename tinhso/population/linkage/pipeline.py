"""The whole batch, file to file: what `tinhso dedup` runs."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from .base import DEFAULT_THRESHOLD, DedupError, connect
from .clustering import clusters, personal_ids, write_clusters
from .duckdb_engine import link_duckdb, train_duckdb
from .prepare import load_csv, prepare
from .spark_engine import link_spark
from .training import fallback_model, fully_trained, load_model


def dedup_file(input_path: str | Path, output_path: str | Path, *, engine: str = "duckdb",
               threshold: float = DEFAULT_THRESHOLD, model_path: str | Path | None = None,
               save_model: str | Path | None = None, memory_limit: str | None = None,
               spark=None, progress: Callable[[str], None] | None = None,
               last_model: str | Path | None = None) -> dict:  # fmt: skip
    """The whole batch, file to file. Returns what happened (counts, timings).

    Whatever the data, the output has one row per input row: what training cannot
    learn from it comes from the model last saved at `last_model` by a full
    training, else from the documented priors, and `progress` says so."""
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
    if engine not in ("duckdb", "spark"):
        raise DedupError(f"unknown engine {engine!r}: duckdb or spark")
    model = load_model(model_path) if model_path else None
    if model is None:  # train on DuckDB (one machine), predict on either engine
        t = time.monotonic()
        fallback, origin = fallback_model(last_model)
        model = train_duckdb(con, fallback=fallback)
        timings["train"] = time.monotonic() - t
        for note in model["fallbacks"]:
            say(f"training: {note}; taken from {origin}")
        if last_model and fully_trained(model):
            Path(last_model).parent.mkdir(parents=True, exist_ok=True)
            Path(last_model).write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
    if engine == "spark" and n >= 2:
        result = link_spark(con, model=model, threshold=threshold, spark=spark)
    else:
        result = link_duckdb(con, model=model, threshold=threshold)
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
        "fallbacks": result.model.get("fallbacks", []),
    }
