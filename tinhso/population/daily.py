"""Daily linking (`tinhso dedup --registry --incremental`): the records imported
since the last run (those with no person yet) against the registry's people, not a
full re-link. Records never change once imported (a record_id sent again is refused),
so "new and changed" is "not yet linked".

The new records are prepared, blocked against the prepared registry kept by the
last run (`linking.prepared_path`, see `linkage.incremental`), and scored with the
last fully trained model (else the documented priors): pairs at `auto_merge` attach
a new record to its person (or make one, or join two people a new record shows to be
one, as a full run would), pairs between `review_from` and `auto_merge` go to the
review queue, only those with a new record. Officers' "not the same person" pairs
are never merged; nothing is ever split: a merge stays, an unmerge stays.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from django.db.models import Q

from . import linkage, permissions
from .linking import (
    _apply_clusters,
    _export,
    _kept_apart,
    _linking_people,
    _queue_reviews,
    assign_households,
    last_model_path,
    prepared_path,
)
from .models import ReviewPair, SourceRecord
from .services import AUTO_MERGE, REVIEW_FROM, link_accounts


def _prepare_old(con, cache: Path, tmp: Path) -> tuple[int, bool, str | None]:
    """The view `prepared_old`: the registry's prepared records, from the Parquet
    cache, and what it lacks (records linked after it was written, or all of them
    the first time, or when the cache is another database's or another model's), as
    the table `prepared_more`. Returns (old records, whether the cache was used, the
    table of what it lacked or None)."""
    files = linkage.incremental.cached_files(con, cache)
    cached, last_pk = linkage.incremental.cache_summary(con, files)
    where = Q(pk__gt=last_pk, person__isnull=False)
    if files and SourceRecord.objects.filter(pk__lte=last_pk).count() != cached:
        files = []  # another database
    if not files:
        where = Q(person__isnull=False)
    path = tmp / "old.csv"
    more = None
    if _export(path, where=where):
        linkage.load_csv(con, path, table="raw_more")
        linkage.prepare(con, source="raw_more", table="prepared_more")
        more = "prepared_more"
    old = linkage.incremental.open_registry(con, files, more=more)
    return old, bool(files), more


def dedup_incremental(*, actor, review_from: float = REVIEW_FROM, auto_merge: float = AUTO_MERGE,
                      model: dict | None = None, step=None) -> dict:  # fmt: skip
    """`step`, if given, is called after each of the three stages (prepare, link,
    apply): the progress of the background job. The stats' `seconds` time each
    phase."""
    permissions.require_province_keeper(actor)
    say = step or (lambda: None)
    seconds: dict[str, float] = {}
    clock = [time.monotonic()]

    def lap(name: str) -> None:
        now = time.monotonic()
        seconds[name] = round(now - clock[0], 2)
        clock[0] = now

    model = model or linkage.training.fallback_model(last_model_path())[0]
    with tempfile.TemporaryDirectory(prefix="tinhso-daily-") as tmp:
        path = Path(tmp) / "new.csv"
        new = _export(path, where=Q(person__isnull=True))
        if new == 0:
            return {"new": 0, "people": 0, "merged": 0, "review": 0}
        con = linkage.connect()
        linkage.load_csv(con, path, table="raw_new")
        linkage.prepare(con, source="raw_new", table="prepared_new")
        lap("prepare_new")
        old, cache_used, more = _prepare_old(con, prepared_path(), Path(tmp))
        lap("read_registry")
        say()
        result = linkage.incremental.link_new(
            con, model=model, threshold=review_from, evidence=True
        )
        seconds["block"] = round(result.timings["block"], 2)
        seconds["frequencies"] = round(result.timings["frequencies"], 2)
        seconds["predict"] = round(result.timings["predict"], 2)
        clock[0] = time.monotonic()
        holders = linkage.personal_ids(con, result.edges)
        say()
        stats = _apply(actor, result, holders, auto_merge=auto_merge, lap=lap)
        # kept once the records are linked: a run that fails before links them again
        if cache_used:
            kept = (more, "prepared_new") if more else ("prepared_new",)
            linkage.incremental.add_to_registry(con, prepared_path(), tables=kept)
        else:
            linkage.incremental.save_registry(
                con, prepared_path(), tables=("prepared_old", "prepared_new")
            )
        con.close()
        lap("save_registry")
    say()
    stats.update(
        new=new,
        registry_records=old,
        compared_records=result.timings.get("compared_records", 0),
        seconds=seconds,
    )
    return stats


def _apply(actor, result, holders, *, auto_merge: float, lap) -> dict:
    """The people, golden records, households and review pairs the new pairs make."""
    refused = {
        frozenset((str(a), str(b)))
        for a, b in ReviewPair.objects.filter(state=ReviewPair.State.NON_MATCH).values_list(
            "record_a_id", "record_b_id"
        )
    }
    sure = [(a, b, p) for a, b, p in result.edges
            if p >= auto_merge and frozenset((a, b)) not in refused]  # fmt: skip
    mapping = linkage.clusters(sure, threshold=auto_merge, personal_ids=holders,
                               people=_linking_people(sure), apart=_kept_apart())  # fmt: skip
    lap("cluster")
    stats = _apply_clusters(actor=actor, mapping=mapping, refused=refused, incremental=True)
    touched = stats.pop("touched")
    lap("people_and_golden")
    stats["households"] = assign_households(touched)
    lap("households")
    stats["review"] = _queue_reviews(result, incremental=True)
    lap("review_pairs")
    link_accounts()
    lap("accounts")
    return stats


def unlinked() -> int:
    return SourceRecord.objects.filter(person__isnull=True).count()
