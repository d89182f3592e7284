# ruff: noqa: S608  (table and column names below are this module's own, never input)
"""Stage 2, **train**: u by random sampling, the match prior from the exact-ID rule,
m by EM on two blockings that each leave some comparisons free. The trained model is
JSON (`MODEL_VERSION` + Splink's settings with m and u), saved and reused by
`--model`."""

from __future__ import annotations

import json
import time
from pathlib import Path

from .base import MODEL_VERSION, DedupError, logger


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
