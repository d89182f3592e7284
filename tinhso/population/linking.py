"""The registry's linking runs: the full one and, from the daily module, the writes
they share. The prepared records are exported, linked (`linkage`), and the clusters
applied to people in bulk; decisions officers made are kept; households follow; the
pairs an officer must decide are queued.
"""

from __future__ import annotations

import csv
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tinhso.audit.services import record_event
from tinhso.core import jobs
from tinhso.core.errors import Conflict
from tinhso.core.models import Job

from . import linkage, permissions
from .error_codes import PopulationErrorCode
from .models import (
    Household,
    Merge,
    Person,
    ReviewPair,
    SourceRecord,
)
from .normalize import INPUT_COLUMNS, OPTIONAL_COLUMNS, address_key
from .services import AUTO_MERGE, REVIEW_FROM, _merge, link_accounts, refresh_golden_many


def start_dedup(*, actor, incremental: bool = False) -> Job:
    """The full linking as a background job, or with `incremental` the daily one (the
    records imported since the last run against the registry, `daily.dedup_incremental`).
    One at a time: two runs would write the same prepared file and link the same
    records twice."""
    permissions.require_province_keeper(actor)
    with transaction.atomic():
        if Job.objects.filter(
            kind="population.dedup", state__in=(Job.State.QUEUED, Job.State.RUNNING)
        ).exists():
            raise Conflict(
                _("Đang có một lượt đối sánh chưa xong: chờ lượt đó xong rồi chạy lại."),
                code=PopulationErrorCode.DEDUP_RUNNING,
            )
        job = jobs.enqueue(kind="population.dedup", actor=actor,
                           params={"incremental": incremental}, total=3 if incremental else 4)  # fmt: skip
        record_event(
            actor=actor, action="population.dedup_started", object_type="core.job",
            object_id=job.pk, after={"incremental": incremental},
        )  # fmt: skip
    return job


def last_model_path() -> Path:
    """Where a full training keeps its model: the fallback of a training that cannot
    learn everything from its data (`linkage.training`)."""
    return settings.VAR_DIR / "population" / "last-model.json"


def prepared_path() -> Path:
    """The registry's records as the last run prepared them (`linkage.incremental`)."""
    return settings.VAR_DIR / "population" / "prepared.parquet"


def _export(path: Path, *, where: Q | None = None) -> int:
    n = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(INPUT_COLUMNS + OPTIONAL_COLUMNS)
        rows = SourceRecord.objects.filter(where or Q()).values_list(
            "pk", "full_name", "raw", "sex", "personal_id", "phone", "address", "ward_id", "source",
            *OPTIONAL_COLUMNS,
        )  # fmt: skip
        for pk, name, raw, sex, pid, phone, address, ward, source, *optional in rows.iterator(
            chunk_size=5000
        ):
            dob = (raw or {}).get("date_of_birth", "")
            w.writerow([pk, name, dob, sex, pid, phone, address, ward or "", source, *optional])
            n += 1
    return n


def dedup_registry(*, actor, review_from: float = REVIEW_FROM, auto_merge: float = AUTO_MERGE,
                   model: dict | None = None, step=None) -> dict:  # fmt: skip
    """Link every source record: clusters at `auto_merge` become (or join) people,
    pairs between `review_from` and `auto_merge` go to the review queue with their
    evidence. Officers' "not the same person" decisions are never overruled."""
    permissions.require_province_keeper(actor)
    say = step or (lambda: None)
    with tempfile.TemporaryDirectory(prefix="tinhso-dedup-") as tmp:
        path = Path(tmp) / "records.csv"
        if _export(path) == 0:
            return {"people": 0, "review": 0, "merged": 0}
        say()
        con = linkage.connect()
        linkage.load_csv(con, path)
        linkage.prepare(con)
        linkage.incremental.save_registry(con, prepared_path(), tables=("prepared",))
        fallback, _origin = linkage.training.fallback_model(last_model_path())
        result = linkage.link_duckdb(
            con, model=model, threshold=review_from, evidence=True, fallback=fallback
        )
        holders = linkage.personal_ids(con, result.edges)
        con.close()
    say()
    refused = {
        frozenset((str(a), str(b)))
        for a, b in ReviewPair.objects.filter(state=ReviewPair.State.NON_MATCH).values_list(
            "record_a_id", "record_b_id"
        )
    }
    sure = [
        (a, b, p)
        for a, b, p in result.edges
        if p >= auto_merge and frozenset((a, b)) not in refused
    ]
    mapping = linkage.clusters(sure, threshold=auto_merge, personal_ids=holders,
                               people=_linking_people(sure), apart=_kept_apart())  # fmt: skip
    stats = _apply_clusters(actor=actor, mapping=mapping, refused=refused)
    stats.pop("touched")
    stats["households"] = assign_households()
    say()
    stats["review"] = _queue_reviews(result)
    link_accounts()
    say()
    return stats


@transaction.atomic
def _apply_clusters(*, actor, mapping: dict[str, str], refused: set,
                    incremental: bool = False) -> dict:  # fmt: skip
    """The clusters become people: a cluster with no person yet makes one, one with a
    person brings its new records to it, one with two people merges them (the
    smallest survives). Writes in bulk: the people a run touches can be all of them."""
    members: dict[str, list[int]] = defaultdict(list)
    for record, cluster in mapping.items():
        members[cluster].append(int(record))
    created = merged = 0
    if incremental:  # only the records of the clusters
        person_of = _people_of([int(r) for r in mapping])
    else:
        person_of = dict(
            SourceRecord.objects.filter(person__isnull=False).values_list("pk", "person_id")
        )
    touched: set[int] = set()
    assign: list[tuple[int, int]] = []  # (person, record) for the records with no person
    fresh: list[list[int]] = []  # clusters with no person yet
    for records in members.values():
        people = sorted({person_of[r] for r in records if r in person_of})
        if not people:
            fresh.append(records)
            continue
        if len(people) > 1:  # rare: a new record shows two people to be one
            survivor = Person.objects.get(pk=people[0])
            for other in Person.objects.filter(pk__in=people[1:]):
                _merge(actor=actor, survivor=survivor, absorbed=other, reason="auto")
                merged += 1
        assign.extend((people[0], r) for r in records if r not in person_of)
        touched.add(people[0])
    for records, person in zip(fresh, _new_people(len(fresh)), strict=True):
        assign.extend((person, r) for r in records)
        touched.add(person)
    created += len(fresh)
    _set_person(assign)
    # the records in no pair at all: a person each
    while singles := list(
        SourceRecord.objects.filter(person__isnull=True).values_list("pk", flat=True)[:5000]
    ):
        people = _new_people(len(singles))
        _set_person(list(zip(people, singles, strict=True)))
        touched.update(people)
        created += len(singles)
    refresh_golden_many(touched if incremental else None)
    record_event(
        actor=actor,
        action="population.dedup",
        object_type="population.person",
        object_id="*",
        after={"created": created, "merged": merged, "incremental": incremental},
    )
    return {"people": created, "merged": merged, "touched": touched}


def _new_people(n: int) -> list[int]:
    """`n` new people (their golden records drawn once their records are theirs)."""
    made = Person.objects.bulk_create(
        [Person(full_name="", name_folded="") for _i in range(n)], batch_size=1000
    )
    return [p.pk for p in made]


def _set_person(assign: list[tuple[int, int]]) -> None:
    """(person, record) pairs: the records that have no person yet get theirs."""
    table = connection.ops.quote_name(SourceRecord._meta.db_table)
    sql = f"UPDATE {table} SET person_id = %s WHERE id = %s AND person_id IS NULL"  # noqa: S608  # nosec B608: the model's own table name, values bound
    with connection.cursor() as cursor:
        for i in range(0, len(assign), 5000):
            cursor.executemany(sql, assign[i : i + 5000])


def _people_of(records: list[int]) -> dict[int, int]:
    """record → person, for these records that have one (queried in chunks)."""
    out: dict[int, int] = {}
    for i in range(0, len(records), 5000):
        out.update(
            SourceRecord.objects.filter(
                pk__in=records[i : i + 5000], person__isnull=False
            ).values_list("pk", "person_id")
        )
    return out


def _kept_apart() -> set[frozenset[int]]:
    """Pairs of people (as they are now) an officer kept apart: a "not the same
    person" decision on two of their records, or a merge of them undone. No linking
    joins them again, not even through a third record like both."""
    living = dict(Person.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into"))

    def now(pk: int | None) -> int | None:
        seen = set()
        while pk in living and pk not in seen:
            seen.add(pk)
            pk = living[pk]
        return pk

    pairs = list(
        ReviewPair.objects.filter(state=ReviewPair.State.NON_MATCH).values_list(
            "record_a__person_id", "record_b__person_id"
        )
    )
    pairs += Merge.objects.filter(undone_at__isnull=False).values_list("survivor_id", "absorbed_id")
    return {
        frozenset((x, y))
        for a, b in pairs
        if (x := now(a)) is not None and (y := now(b)) is not None and x != y
    }


def _linking_people(edges) -> dict[str, int]:
    """record_id → person, for the records of `edges` that have one."""
    return {
        str(record): person
        for record, person in _people_of(
            sorted({int(x) for a, b, _p in edges for x in (a, b)})
        ).items()
    }


def household_code(ward_id: str, key: str) -> str:
    """A household's code: its ward and the numbers of its address (`06688-151-22-2`)."""
    import hashlib

    code = f"{ward_id}-{key}"
    return code if len(code) <= 40 else f"{ward_id}-{hashlib.sha256(key.encode()).hexdigest()[:24]}"


@transaction.atomic
def assign_households(people: set[int] | None = None) -> int:
    """Hộ gia đình from the golden records: the people whose permanent address names
    one house (its numbers, in one ward) are one household. Run after each dedup, so
    a merge or an unmerge moves people with their address. Returns how many
    households have members."""
    house_of: dict[int, str | None] = {}  # person → household code
    current: dict[int, int | None] = {}  # person → household now
    addresses: dict[str, tuple[str, str]] = {}
    living = Person.objects.filter(merged_into__isnull=True).values_list(
        "pk", "ward_id", "permanent_address", "household_id"
    )
    if people is None:
        rows: Iterable[tuple] = living.iterator(chunk_size=5000)
    else:  # a daily run: the people it touched
        ids = sorted(people)
        rows = [
            r for i in range(0, len(ids), 5000) for r in living.filter(pk__in=ids[i : i + 5000])
        ]
    for pk, ward_id, address, household_id in rows:
        current[pk] = household_id
        key = address_key(address)
        code = household_code(ward_id, key) if ward_id and key else None
        house_of[pk] = code
        if code:
            addresses.setdefault(code, (ward_id, address))
    known = _households(list(addresses), everything=people is None)
    Household.objects.bulk_create(
        [
            Household(code=code, ward_id=ward_id, address=address[:300])
            for code, (ward_id, address) in addresses.items()
            if code not in known
        ],
        batch_size=1000,
    )
    known.update(_households([c for c in addresses if c not in known], everything=False))
    changed = [
        (known[code] if code else None, pk)
        for pk, code in house_of.items()
        if current[pk] != (known[code] if code else None)
    ]
    table = connection.ops.quote_name(Person._meta.db_table)
    sql = f"UPDATE {table} SET household_id = %s WHERE id = %s"  # noqa: S608  # nosec B608: the model's own table name, values bound
    with connection.cursor() as cursor:
        for i in range(0, len(changed), 5000):
            cursor.executemany(sql, changed[i : i + 5000])
    return len(addresses)


def _households(codes: list[str], *, everything: bool) -> dict[str, int]:
    """code → household for these codes (`everything`: all households, one query)."""
    if everything:
        return dict(Household.objects.values_list("code", "pk"))
    return {
        code: pk
        for i in range(0, len(codes), 5000)
        for code, pk in Household.objects.filter(code__in=codes[i : i + 5000]).values_list(
            "code", "pk"
        )
    }


def _queue_reviews(result, *, incremental: bool = False) -> int:
    """Every pair whose records are still two people: the uncertain band, and the
    likely pairs that the personal IDs kept apart (a person decides those too)."""
    if incremental:
        ids = sorted({int(x) for a, b, _p in result.edges for x in (a, b)})
        person_of = _people_of(ids)
        existing = {
            pair
            for i in range(0, len(ids), 5000)
            for pair in ReviewPair.objects.filter(record_a_id__in=ids[i : i + 5000]).values_list(
                "record_a_id", "record_b_id"
            )
        }
    else:
        person_of = dict(SourceRecord.objects.values_list("pk", "person_id"))
        existing = set(ReviewPair.objects.values_list("record_a_id", "record_b_id"))
    new = []
    for a, b, p in result.edges:
        ia, ib = sorted((int(a), int(b)))
        if (ia, ib) in existing or person_of.get(ia) == person_of.get(ib):
            continue
        new.append(
            ReviewPair(
                record_a_id=ia,
                record_b_id=ib,
                match_probability=p,
                evidence=result.evidence.get((a, b)) or result.evidence.get((b, a)) or [],
            )
        )
    ReviewPair.objects.bulk_create(new, batch_size=1000)
    return len(new)
