# ruff: noqa: S608  (table and column names below are this module's own, never input)
"""Stage 2, **train**: u by random sampling, the match prior from the exact-ID rule,
m by EM on two blockings that each leave some comparisons free. The trained model is
JSON (`MODEL_VERSION` + Splink's settings with m and u), saved and reused by
`--model`.

Training never makes the run fail. Each step runs only when the data can teach it
(enough records for u and the prior, enough pairs in an EM blocking) and a step that
cannot, or that Splink refuses, is skipped with a note; what it would have taught
comes from the *fallback*: the last model saved by a full training
(`last_model_path`), else the documented priors in `priors.json` (trained on the
synthetic generator, see README). The notes go to stderr.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from .base import MODEL_VERSION, DedupError, logger

PRIORS_PATH = Path(__file__).with_name("priors.json")
# Below this many records random pairs teach nothing about u, nor rules about the prior.
MIN_RECORDS = 200
# An EM blocking with fewer pairs than this is skipped: Splink asks for hundreds, and
# a few dozen (a small municipal file) still teach m with u fixed.
MIN_EM_PAIRS = 25
PRIOR_RULES = ("pid", "phone AND dob_full")
EM_BLOCKINGS = (("pid",), ("given_key", "dob_unordered"))


def train(linker, *, seed: int = 42, max_pairs: float = 2e6, records: int | None = None,
          pairs: Callable[[tuple[str, ...]], int] | None = None) -> dict:  # fmt: skip
    """Train what the data can teach. Returns what was taught:
    `{"prior": bool, "u": bool, "em": [blocking columns…], "notes": [str…]}`."""
    from splink import block_on

    t0 = time.monotonic()
    taught: dict = {"prior": False, "u": False, "em": [], "notes": []}
    note = taught["notes"].append
    if records is not None and records < MIN_RECORDS:
        note(f"{records} records: too few to learn u and the prior (need {MIN_RECORDS})")
    else:
        if pairs and not any(pairs(tuple(rule.split(" AND "))) for rule in PRIOR_RULES):
            # Splink 5 would estimate the prior as 0, and log2(0) fails every later step
            note(f"prior: no pair shares {' or '.join(PRIOR_RULES)}")
        else:
            taught["prior"] = _step(note, "prior", lambda: linker.training.estimate_probability_two_random_records_match(
                [block_on("pid"), "l.phone = r.phone AND l.dob_full = r.dob_full"], recall=0.8))  # fmt: skip
        taught["u"] = _step(note, "u", lambda: linker.training.estimate_u_using_random_sampling(
            max_pairs=max_pairs, seed=seed))  # fmt: skip
    logger.info("prior and u in %.1f s", time.monotonic() - t0)
    for columns in EM_BLOCKINGS:
        count = pairs(columns) if pairs else MIN_EM_PAIRS
        if count < MIN_EM_PAIRS:
            note(f"EM on {'+'.join(columns)}: {count} pairs, too few (need {MIN_EM_PAIRS})")
            continue
        rule = block_on(*columns)
        if _step(note, f"EM on {'+'.join(columns)}", lambda r=rule: linker.training.estimate_parameters_using_expectation_maximisation(
                r, fix_u_probabilities=True)):  # fmt: skip
            taught["em"].append(list(columns))
        logger.info("EM on %s in %.1f s", columns, time.monotonic() - t0)
    return taught


def _step(note, name: str, fn) -> bool:
    try:
        fn()
    except Exception as exc:  # Splink's EMTrainingException, ValueError, ZeroDivisionError…
        note(f"{name}: skipped ({type(exc).__name__}: {str(exc).splitlines()[0][:160]})")
        return False
    return True


def _fill_unobserved(data: dict, *, floor: float) -> None:
    """Levels that training never observed get `floor` rather than Splink's default."""
    for comparison in data["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            for key in ("m_probability", "u_probability"):
                if level.get(key) is None:
                    level[key] = floor


def _floor_differences(data: dict) -> None:
    """A place or ethnicity that differs weighs against a pair, never as proof: its m
    is at least `PLACE_DIFFERS_M` (comparisons.py)."""
    from .comparisons import PLACE_DIFFERS_M

    for comparison in data["comparisons"]:
        least = PLACE_DIFFERS_M.get(comparison["output_column_name"])
        if least is None:
            continue
        for level in comparison["comparison_levels"]:
            if level.get("label_for_charts") == "different":
                level["m_probability"] = max(level.get("m_probability") or 0, least)


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


def _bound_split(data: dict) -> None:
    """An agreement with another given name (twins' date, a household's phone, the
    parents and places of a family) weighs between nothing and the whole agreement:
    EM's m for it is small because true pairs rarely differ in name, but the name
    comparison already counts that; here it would count again, against the pair,
    for each column a family shares. So its Bayes factor is held in [1, the whole
    agreement's]."""
    for comparison in data["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for split, whole in zip(levels, levels[1:], strict=False):
            if "another given name" not in (split.get("label_for_charts") or ""):
                continue
            m, u = split.get("m_probability"), split.get("u_probability")
            wm, wu = whole.get("m_probability"), whole.get("u_probability")
            if not (m and u and wm and wu):
                continue
            bf = min(max(m / u, 1.0), max(wm / wu, 1.0))
            split["m_probability"] = min(u * bf, 1.0)


def _level_key(level: dict) -> str:
    return level.get("label_for_charts") or level["sql_condition"]


def _em_taught(comparison: dict, em: list[list[str]]) -> bool:
    """An EM run teaches the m of every comparison not using its blocking columns."""
    sql = " ".join(lv["sql_condition"] for lv in comparison["comparison_levels"])
    return any(not any(f"{c}_l" in sql for c in columns) for columns in em)


def _overlay(data: dict, fallback: dict, taught: dict, records: int) -> None:
    """What training could not teach, from the fallback model."""
    fb = fallback["splink"]
    if not taught["prior"]:
        # a fixed expected number of duplicates per record: λ scales as 1/(n-1)
        fb_n = max(int(fallback.get("records") or 2), 2)
        data["probability_two_random_records_match"] = min(
            0.5, fb["probability_two_random_records_match"] * (fb_n - 1) / max(records - 1, 1)
        )
    fb_levels = {
        (c["output_column_name"], _level_key(lv)): lv
        for c in fb["comparisons"]
        for lv in c["comparison_levels"]
    }
    for comparison in data["comparisons"]:
        m_taught = _em_taught(comparison, taught["em"])
        for level in comparison["comparison_levels"]:
            old = fb_levels.get((comparison["output_column_name"], _level_key(level)))
            if level.get("is_null_level") or old is None:
                continue
            if not taught["u"] and old.get("u_probability") is not None:
                level["u_probability"] = old["u_probability"]
            if not m_taught and old.get("m_probability") is not None:
                level["m_probability"] = old["m_probability"]


def fully_taught(taught: dict) -> bool:
    return taught["prior"] and taught["u"] and len(taught["em"]) == len(EM_BLOCKINGS)


def fully_trained(model: dict) -> bool:
    """A model that training learned wholly from its data (worth keeping as fallback)."""
    return not model.get("fallbacks") and int(model.get("records") or 0) >= MIN_RECORDS


def model_json(linker, *, floor: float = 1e-7, taught: dict | None = None,
               fallback: dict | None = None, records: int = 0) -> dict:  # fmt: skip
    data = linker.misc.save_model_to_json(None, overwrite=True)
    _fill_unobserved(data, floor=floor)
    _floor_differences(data)
    if taught is None or taught["u"]:
        _unsplit_u(data)
    if taught is not None and not fully_taught(taught):
        _overlay(data, fallback or priors(), taught, records)
    _bound_split(data)
    return {
        "version": MODEL_VERSION,
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "records": records,
        "fallbacks": list(taught["notes"]) if taught else [],
        "splink": data,
    }


def priors() -> dict:
    """The documented priors: a model trained on the synthetic generator (README)."""
    if not PRIORS_PATH.is_file():  # only while `bench/dedup.py --write-priors` makes them
        return {"splink": {"comparisons": [], "probability_two_random_records_match": 1e-4}}
    return json.loads(PRIORS_PATH.read_text(encoding="utf-8"))


def fallback_model(last_model: str | Path | None) -> tuple[dict, str]:
    """The last fully trained model if there is one of this version, else the priors."""
    if last_model and Path(last_model).is_file():
        try:
            data = load_model(last_model)
        except (DedupError, ValueError):
            pass
        else:
            return data, str(last_model)
    return priors(), "priors.json"


def load_model(path: str | Path) -> dict:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("version") != MODEL_VERSION:
        raise DedupError(
            f"{path}: model version {data.get('version')!r}, this code reads {MODEL_VERSION!r}: train again."
        )
    return data
