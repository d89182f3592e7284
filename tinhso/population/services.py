"""Writes on the population registry: deduplication of the imported records into
people, clerical review, merges and unmerges, golden records.

Every write checks the actor's role, runs in a transaction and leaves an audit
event; personal IDs are masked in events.
"""

from __future__ import annotations

import itertools
from collections import namedtuple
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.audit.services import record_event
from tinhso.core.errors import Conflict
from tinhso.core.identity import mask_id

from . import permissions
from .error_codes import PopulationErrorCode
from .models import (
    DatePrecision,
    Merge,
    Person,
    ReviewPair,
    SourcePriority,
    SourceRecord,
)

# Pairs at or above AUTO_MERGE are one person; between REVIEW_FROM and AUTO_MERGE an
# officer decides.
AUTO_MERGE = 0.99
REVIEW_FROM = 0.5
DEFAULT_PRIORITIES = [
    ("police", "Công an (cơ sở dữ liệu quốc gia về dân cư)"),
    ("justice", "Tư pháp (hộ tịch)"),
    ("social_insurance", "Bảo hiểm xã hội"),
    ("health", "Y tế"),
    ("education", "Giáo dục"),
]


def _require(actor, *people: Person | None) -> None:
    """Only registry keepers decide, and only about people their scope covers: every
    person the decision touches, not just the first."""
    for person in people:
        permissions.require_person(actor, person)


# ---------------------------------------------------------------- golden record


def _ranks() -> dict[str, int]:
    ranks = dict(SourcePriority.objects.values_list("source", "rank"))
    if not ranks:
        ranks = {s: i for i, (s, _label) in enumerate(DEFAULT_PRIORITIES, start=1)}
    return ranks


# what a golden record is drawn from: one source record
_GoldenRow = namedtuple("_GoldenRow", ["pk", "source", "imported_at", "full_name", "name_folded",
                                       "date_of_birth", "dob_precision", "personal_id", "sex",
                                       "phone", "address", "ward_id"])  # fmt: skip
_GOLDEN_FROM = _GoldenRow._fields
_GOLDEN_FIELDS = ("full_name", "name_folded", "date_of_birth", "dob_precision", "personal_id",
                  "sex", "phone", "permanent_address", "current_address", "ward_id")  # fmt: skip


def _golden(records, ranks: dict[str, int]) -> dict:
    """The golden record's fields from a person's records (objects with the attributes
    of `_GOLDEN_FROM`): each field from the most trusted source that has it; within
    one source the newest record. A full date of birth beats a partial one from the
    same rank."""
    records = sorted(
        records, key=lambda r: (ranks.get(r.source, 99), -r.imported_at.timestamp(), -r.pk)
    )

    def first(attr):
        for r in records:
            value = getattr(r, attr)
            if value not in (None, ""):
                return value
        return None

    out = {"full_name": records[0].full_name, "name_folded": records[0].name_folded}
    precision_order = {DatePrecision.FULL: 0, DatePrecision.MONTH: 1, DatePrecision.YEAR: 2}
    dated = [r for r in records if r.date_of_birth]
    if dated:
        best = min(
            dated,
            key=lambda r: (ranks.get(r.source, 99), precision_order.get(r.dob_precision, 3)),
        )
        out["date_of_birth"], out["dob_precision"] = best.date_of_birth, best.dob_precision
    else:
        out["date_of_birth"], out["dob_precision"] = None, DatePrecision.FULL
    out["personal_id"] = next((r.personal_id for r in records if len(r.personal_id) == 12), "") or (
        first("personal_id") or ""
    )
    out["sex"] = first("sex") or ""
    out["phone"] = first("phone") or ""
    out["permanent_address"] = first("address") or ""
    newest = max(records, key=lambda r: (r.imported_at, r.pk))
    out["current_address"] = newest.address or out["permanent_address"]
    out["ward_id"] = newest.ward_id or first("ward_id")
    return out


def refresh_golden(person: Person, *, ranks: dict[str, int] | None = None) -> Person:
    """Draw the person's golden record again from their records (`_golden`)."""
    records = list(person.records.all())
    if not records:
        return person
    for field, value in _golden(records, ranks or _ranks()).items():
        setattr(person, field, value)
    person.save()
    return person


def refresh_golden_many(people: Iterable[int] | None, *,
                        ranks: dict[str, int] | None = None) -> int:  # fmt: skip
    """`refresh_golden` for many people at once (None: everyone), the rows written by
    one prepared UPDATE per 5,000 people (a registry-wide run touches every person;
    saving them one by one took most of it). Everyone: the records read in one pass
    in the order of their person; some people: their records, 5,000 people a query."""
    ranks = ranks or _ranks()
    records = SourceRecord.objects.values_list("person_id", *_GOLDEN_FROM)
    if people is None:
        batches: Iterable = _by_person(
            records.filter(person__isnull=False).order_by("person_id").iterator(chunk_size=5000)
        )
    else:
        ids = sorted(set(people))
        batches = itertools.chain.from_iterable(
            _by_person(records.filter(person_id__in=ids[i : i + 5000]).order_by("person_id"))
            for i in range(0, len(ids), 5000)
        )
    table = connection.ops.quote_name(Person._meta.db_table)
    columns = (*_GOLDEN_FIELDS, "updated_at")  # the attribute names are the column names
    sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    sql = f"UPDATE {table} SET {sets} WHERE id = %s"  # noqa: S608  # nosec B608: the model's own column names, values bound
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    done = 0
    params: list[tuple] = []
    for person_id, mine in batches:
        golden = _golden([_GoldenRow(*r) for r in mine], ranks)
        golden["date_of_birth"] = ops.adapt_datefield_value(golden["date_of_birth"])
        params.append((*(golden[f] for f in _GOLDEN_FIELDS), now, person_id))
        if len(params) == 5000:
            with connection.cursor() as cursor:
                cursor.executemany(sql, params)
            done, params = done + len(params), []
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return done + len(params)


def _by_person(rows):
    """(person, [its rows without the person]) from rows ordered by person."""
    for person_id, group in itertools.groupby(rows, key=lambda r: r[0]):
        yield person_id, [r[1:] for r in group]


# ---------------------------------------------------------------- merges


def _merge(*, actor, survivor: Person, absorbed: Person, reason: str, pair=None) -> Merge:
    moved = list(absorbed.records.values_list("pk", flat=True))
    SourceRecord.objects.filter(pk__in=moved).update(person=survivor)
    absorbed.merged_into = survivor
    absorbed.save(update_fields=["merged_into", "updated_at"])
    merge = Merge.objects.create(
        survivor=survivor,
        absorbed=absorbed,
        records=moved,
        pair=pair,
        reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    refresh_golden(survivor)
    record_event(
        actor=actor,
        action="population.merge",
        object_type="population.person",
        object_id=survivor.pk,
        before={"absorbed": absorbed.pk},
        after={"merge": merge.pk, "records": len(moved), "reason": reason},
    )
    return merge


@transaction.atomic
def merge_people(*, actor, survivor: Person, absorbed: Person, pair=None) -> Merge:
    _require(actor, survivor, absorbed)
    if survivor.pk == absorbed.pk:
        raise Conflict(
            _("Hai bản ghi đã thuộc cùng một người."), code=PopulationErrorCode.SAME_PERSON
        )
    return _merge(actor=actor, survivor=survivor, absorbed=absorbed, reason="review", pair=pair)


@transaction.atomic
def unmerge(*, actor, merge: Merge) -> tuple[Person, Person]:
    """Undo a merge: the absorbed person comes back with exactly the records it
    brought, and both golden records are drawn again. A later merge that moved
    those records on must be undone first."""
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    survivor, absorbed = merge.survivor, merge.absorbed
    _require(actor, survivor, absorbed)
    if merge.undone_at:
        raise Conflict(_("Lần gộp này đã được tách."), code=PopulationErrorCode.MERGE_UNDONE)
    if SourceRecord.objects.filter(pk__in=merge.records).exclude(person=survivor).exists():
        raise Conflict(
            _("Các bản ghi đã được gộp tiếp sang người khác; hãy tách lần gộp sau trước."),
            code=PopulationErrorCode.MERGE_NOT_LAST,
        )
    SourceRecord.objects.filter(pk__in=merge.records).update(person=absorbed)
    absorbed.merged_into = None
    absorbed.save(update_fields=["merged_into", "updated_at"])
    merge.undone_at = timezone.now()
    merge.undone_by = actor if getattr(actor, "pk", None) else None
    merge.save(update_fields=["undone_at", "undone_by"])
    if merge.pair_id:
        ReviewPair.objects.filter(pk=merge.pair_id).update(state=ReviewPair.State.NON_MATCH)
    refresh_golden(survivor)
    refresh_golden(absorbed)
    record_event(
        actor=actor,
        action="population.unmerge",
        object_type="population.person",
        object_id=survivor.pk,
        before={"merge": merge.pk},
        after={"restored": absorbed.pk, "records": len(merge.records)},
    )
    return survivor, absorbed


@transaction.atomic
def decide_pair(*, actor, pair: ReviewPair, same_person: bool, note: str = "") -> ReviewPair:
    """An officer's decision on an uncertain pair: the same person (their people are
    merged) or not (the pair is never merged automatically again)."""
    pair = (
        ReviewPair.objects.select_for_update()
        .select_related("record_a", "record_b")
        .get(pk=pair.pk)
    )
    a, b = pair.record_a.person, pair.record_b.person
    _require(actor, a, b)
    if pair.state != ReviewPair.State.PENDING:
        raise Conflict(_("Cặp này đã được quyết định."), code=PopulationErrorCode.ALREADY_DECIDED)
    pair.state = ReviewPair.State.MATCH if same_person else ReviewPair.State.NON_MATCH
    pair.decided_by, pair.decided_at, pair.note = actor, timezone.now(), note[:500]
    pair.save(update_fields=["state", "decided_by", "decided_at", "note"])
    record_event(
        actor=actor,
        action="population.review",
        object_type="population.reviewpair",
        object_id=pair.pk,
        after={"decision": pair.state, "probability": round(pair.match_probability, 4)},
    )
    if same_person and a and b and a.pk != b.pk:
        survivor, absorbed = (a, b) if a.pk < b.pk else (b, a)
        _merge(actor=actor, survivor=survivor, absorbed=absorbed, reason="review", pair=pair)
    return pair


# ---------------------------------------------------------------- registry dedup


def link_accounts() -> int:
    """Citizens' accounts point at their person through the personal ID (the link is
    kept here: `accounts` never imports `population`)."""
    from django.contrib.auth import get_user_model

    users = dict(
        get_user_model()
        .objects.filter(personal_id__isnull=False, population_person__isnull=True)
        .values_list("personal_id", "pk")
    )
    linked = 0
    if not users:
        return 0
    ids = sorted(str(i) for i in users)
    # (in slices: PostgreSQL takes at most 65,535 parameters in one statement)
    found = (
        person
        for start in range(0, len(ids), 5_000)
        for person in Person.objects.filter(
            Q(personal_id__in=ids[start : start + 5_000]),
            account__isnull=True,
            merged_into__isnull=True,
        ).order_by("pk")
    )
    for person in found:
        user_id = users.pop(person.personal_id, None)
        if user_id is None:  # two people with one ID: left for review
            continue
        person.account_id = user_id
        person.save(update_fields=["account", "updated_at"])
        record_event(
            action="population.account_linked",
            object_type="population.person",
            object_id=person.pk,
            after={"personal_id": mask_id(person.personal_id)},
        )
        linked += 1
    return linked
