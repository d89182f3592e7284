# ruff: noqa: S608  (table and column names below are this module's own, never input)
"""Stage 3, **predict**, on Apache Spark: the model trained on DuckDB, its SQL
rewritten in Spark's dialect; local here, a cluster's session in production."""

from __future__ import annotations

import logging
import re
import tempfile
import time

from .base import DEFAULT_THRESHOLD, Result, _sql_string


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
        linker = Linker(db_api.register(frame), for_spark(model["splink"]))
        predictions = linker.inference.predict(threshold_match_probability=threshold)
        rows = (
            predictions.as_spark_dataframe()
            .select("unique_id_l", "unique_id_r", "match_probability")
            .collect()
        )
    return rows
