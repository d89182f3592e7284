"""Daily linking (`tinhso dedup --registry --incremental`): the records imported
since the last run (those with no person yet) against the registry's people, not a
full re-link. Records never change once imported (a record_id sent again is refused),
so "new and changed" is "not yet linked".

The new records are prepared, blocked against the prepared registry kept by the
last run (`services.prepared_path`, see `linkage.incremental`), and scored with the
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
from .models import ReviewPair, SourceRecord
from .services import (
    AUTO_MERGE,
    REVIEW_FROM,
    _apply_clusters,
    _export,
    _queue_reviews,
    assign_households,
    last_model_path,
    link_accounts,
    prepared_path,
)


def _prepare_old(con, cache: Path, tmp: Path) -> int:
    """The registry's prepared records: the cache, and what it lacks (records linked
    after it was written, or all of them the first time)."""
    if cache.is_file():
        cached = linkage.incremental.load_registry(con, cache)
        last = con.execute("SELECT max(CAST(unique_id AS BIGINT)) FROM prepared_old").fetchall()
        last_pk = int(last[0][0] or 0)
        where = Q(pk__gt=last_pk, person__isnull=False)
        if SourceRecord.objects.filter(pk__lte=last_pk).count() != cached:  # another database
            con.execute("DELETE FROM prepared_old")
            where = Q(person__isnull=False)
    else:
        con.execute("CREATE TABLE prepared_old AS SELECT * FROM prepared_new LIMIT 0")
        where = Q(person__isnull=False)
    path = tmp / "old.csv"
    if _export(path, where=where):
        linkage.load_csv(con, path, table="raw_more")
        linkage.prepare(con, source="raw_more", table="prepared_more")
        con.execute("INSERT INTO prepared_old SELECT * FROM prepared_more")
    con.execute("DELETE FROM prepared_old WHERE unique_id IN (SELECT unique_id FROM prepared_new)")
    return con.execute("SELECT count(*) FROM prepared_old").fetchall()[0][0]


def dedup_incremental(*, actor, review_from: float = REVIEW_FROM, auto_merge: float = AUTO_MERGE,
                      model: dict | None = None, step=None) -> dict:  # fmt: skip
    """`step`, if given, is called after each of the three stages (prepare, link,
    apply): the progress of the background job."""
    permissions.require_province_keeper(actor)
    say = step or (lambda: None)
    t0 = time.monotonic()
    model = model or linkage.training.fallback_model(last_model_path())[0]
    with tempfile.TemporaryDirectory(prefix="tinhso-daily-") as tmp:
        path = Path(tmp) / "new.csv"
        new = _export(path, where=Q(person__isnull=True))
        if new == 0:
            return {"new": 0, "people": 0, "merged": 0, "review": 0}
        con = linkage.connect()
        linkage.load_csv(con, path, table="raw_new")
        linkage.prepare(con, source="raw_new", table="prepared_new")
        old = _prepare_old(con, prepared_path(), Path(tmp))
        t_prepare = time.monotonic() - t0
        say()
        result = linkage.incremental.link_new(
            con, model=model, threshold=review_from, evidence=True
        )
        holders = linkage.personal_ids(con, result.edges)
        linkage.incremental.save_registry(
            con, prepared_path(), tables=("prepared_old", "prepared_new")
        )
        con.close()
    t_link = time.monotonic() - t0
    say()
    refused = {
        frozenset((str(a), str(b)))
        for a, b in ReviewPair.objects.filter(state=ReviewPair.State.NON_MATCH).values_list(
            "record_a_id", "record_b_id"
        )
    }
    sure = [(a, b, p) for a, b, p in result.edges
            if p >= auto_merge and frozenset((a, b)) not in refused]  # fmt: skip
    mapping = linkage.clusters(sure, threshold=auto_merge, personal_ids=holders)
    stats = _apply_clusters(actor=actor, mapping=mapping, refused=refused, incremental=True)
    touched = stats.pop("touched")
    stats["households"] = assign_households(touched)
    stats["review"] = _queue_reviews(result, incremental=True)
    link_accounts()
    say()
    stats.update(
        new=new,
        registry_records=old,
        compared_records=result.timings.get("compared_records", 0),
        seconds={
            "prepare": round(t_prepare, 2),
            "link": round(t_link - t_prepare, 2),
            "apply": round(time.monotonic() - t0 - t_link, 2),
        },  # fmt: skip
    )
    return stats


def unlinked() -> int:
    return SourceRecord.objects.filter(person__isnull=True).count()
