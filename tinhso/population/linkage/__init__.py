"""Finding the records of one person: Splink (Fellegi–Sunter, parameters by EM) on
DuckDB, or the same trained model on Apache Spark.

The pipeline (`pipeline.dedup_file`), from a CSV in the contract's columns to
`record_id,cluster_id`, one module a stage:

1. **prepare** (`prepare`, DuckDB, always): the normalisers of `normalize.py` are
   mapped over the *distinct* values of each column (a province has far fewer
   distinct names, dates and numbers than records) and joined back: folded name
   turned surname first, phonetic keys, the date of birth with its precision, the ID
   with its kind (12-digit personal ID or 9-digit old card), the phone in national
   form.
2. **train** (`training`, on the comparisons and blocking rules of `comparisons`): u
   by random sampling, the match prior from the exact-ID rule, m by EM on two
   blockings that each leave some comparisons free. The trained model is JSON
   (`MODEL_VERSION` + Splink's settings with m and u), saved and reused by `--model`.
3. **predict** (`duckdb_engine` or `spark_engine`) with blocking rules that never
   rest on the surname alone, several of them so that a duplicate sharing no single
   key with its twin record is still compared (ID, ID tail + year, phone, given name
   + date, name + year, ward + date…).
4. **cluster** (`clustering`): the pairs at or above the threshold joined strongest
   first, never joining two holders of different personal IDs, in Python (the same
   code for both engines, so they give the same clusters); the cluster id is the
   smallest record_id of the cluster.

The names below are re-exported so that `linkage.<name>` keeps working.
"""

from ..normalize import INPUT_COLUMNS
from . import incremental, scoring
from .base import DEFAULT_THRESHOLD, MODEL_VERSION, DedupError, Result, connect
from .clustering import clusters, personal_ids, read_clusters, write_clusters
from .comparisons import (
    PID_DIFFERS_M,
    SAME_GIVEN,
    SAME_NAME,
    SAME_SYLLABLES,
    SEX_DIFFERS_M,
    blocking_rules,
    settings,
)
from .duckdb_engine import link_duckdb, train_duckdb
from .pipeline import dedup_file
from .prepare import load_csv, prepare
from .spark_engine import for_spark, link_spark, spark_session
from .training import load_model, model_json, train

__all__ = [
    "DEFAULT_THRESHOLD",
    "INPUT_COLUMNS",
    "MODEL_VERSION",
    "PID_DIFFERS_M",
    "SAME_GIVEN",
    "SAME_NAME",
    "SAME_SYLLABLES",
    "SEX_DIFFERS_M",
    "DedupError",
    "Result",
    "blocking_rules",
    "clusters",
    "connect",
    "dedup_file",
    "for_spark",
    "incremental",
    "link_duckdb",
    "link_spark",
    "load_csv",
    "load_model",
    "model_json",
    "personal_ids",
    "prepare",
    "read_clusters",
    "scoring",
    "settings",
    "spark_session",
    "train",
    "train_duckdb",
    "write_clusters",
]
