"""The queues' counts (table `QueueCount`): how many dossiers wait at each agency, by
state, as their one-stop desk and as their processing agency.

Every step of a dossier moves them by its own contribution, in the step's transaction
(the `dossier_changing` / `dossier_changed` signals): what the dossier counted for
before is taken off, what it counts for after is put on, in one statement of
increments (two steps at once both land; no row is rewritten from a stale count).
`reconcile` recomputes them from the dossiers (`manage.py reconcile_queue_counts`,
nightly and after bulk imports) and says what differed. Reading them is a handful of
small rows, whatever the number of dossiers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, F, Sum

from tinhso.core import late

from .models import AT_AGENCY, AT_DESK, Dossier, QueueCount, in_states

# side, the dossier's field naming the agency, the states that wait there
SIDES = (("desk", "desk_id", AT_DESK), ("agency", "agency_id", AT_AGENCY))

Key = tuple[int, str, str]  # (agency id, side, status)


def contribution(dossier: Dossier) -> list[Key]:
    """The counts one dossier is part of (none once it waits nowhere)."""
    return [
        (getattr(dossier, field), side, dossier.status)
        for side, field, states in SIDES
        if dossier.status in states
    ]


def on_dossier_changing(sender, *, dossier, **kwargs) -> None:
    """Before a step: remember what the dossier counted for."""
    dossier._queue_before = contribution(dossier)


def on_dossier_changed(sender, *, dossier, **kwargs) -> None:
    """After the step, in its transaction: the difference, as increments; and every
    row the dossier counted for, before or after, is marked changed (`changes`), even
    when its count did not move (a dossier assigned, its dates moved: what its queues
    show changed)."""
    before = getattr(dossier, "_queue_before", None)
    if before is None:  # no `dossier_changing` seen: nothing known to move from
        return
    after = contribution(dossier)
    delta = Counter(after)
    delta.subtract(before)
    slot = dossier.pk % QueueCount.SLOTS
    rows = {(*key, slot): delta[key] for key in {*before, *after}}
    dossier._queue_before = None
    if rows and not late.note(_MOVED, rows):
        _add([rows])


def _add(noted: list[dict[tuple[int, str, str, int], int]]) -> None:
    """One INSERT … ON CONFLICT of the increments (summed over what the block noted),
    each row marked changed once, in a fixed order: two steps lock the rows they share
    in the same order, so they never deadlock."""
    total: Counter[tuple[int, str, str, int]] = Counter()
    for moved in noted:
        for key, n in moved.items():
            total[key] += n  # a row that moved by 0 is still marked changed
    if not total:
        return
    rows = sorted(total.items())
    table = connection.ops.quote_name(QueueCount._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s, 1)"] * len(rows))
    params = [
        v for (agency, side, status, slot), n in rows for v in (agency, side, status, slot, n)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, side, status, slot, n, changes) VALUES {values} "  # noqa: S608  # nosec B608: our table's name; values are parameters
            "ON CONFLICT (agency_id, side, status, slot) DO UPDATE "
            f"SET n = {table}.n + excluded.n, changes = {table}.changes + 1",
            params,
        )


# Written at the end of the service's block (core.late), before the index's counts.
_MOVED = late.Kind("dossiers.queue_counts", 10, _add)


def stamp(*, desks: Iterable[int], works: Iterable[int]) -> tuple | None:
    """What changes whenever anything a queue over these agencies shows may have
    changed: over the kept rows of the `desks` (desk side) and the `works` (agency
    side), how many rows, the newest row's id (a reconciliation writes them anew), the
    counts' sum and the changes' sum (every step of a dossier waiting there, or that
    did or does, adds one). One small read; None when the officer looks nowhere."""
    desks, works = list(desks), list(works)
    if not desks and not works:
        return None
    table = connection.ops.quote_name(QueueCount._meta.db_table)
    where = []
    for side, ids in (("desk", desks), ("agency", works)):
        if ids:
            marks = ", ".join(["%s"] * len(ids))
            where.append(f"(side = '{side}' AND agency_id IN ({marks}))")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), MAX(id), SUM(n), SUM(changes) FROM {table} "  # noqa: S608  # nosec B608: our table's name and side names; ids are parameters
            f"WHERE {' OR '.join(where)}",
            [*desks, *works],
        )
        return tuple(cursor.fetchone())


def kept(*, desks: Iterable[int], works: Iterable[int], states=None) -> dict[str, int]:
    """The kept counts by state: what waits at the `desks` (agency ids) plus what waits
    at the agencies `works`, optionally only the `states` named."""
    totals: Counter[str] = Counter()
    for side, ids in (("desk", list(desks)), ("agency", list(works))):
        if not ids:
            continue
        rows = QueueCount.objects.filter(side=side, agency_id__in=ids)
        if states is not None:
            rows = rows.filter(in_states(states))
        for row in rows.values("status").annotate(total=Sum("n")).order_by():
            totals[row["status"]] += row["total"]
    return {status: n for status, n in totals.items() if n}


def recounted() -> dict[tuple[int, str, str, int], int]:
    """The counts as the dossiers say now, by slot (two grouped scans of the partial
    indexes on what waits)."""
    out: dict[tuple[int, str, str, int], int] = {}
    for side, field, states in SIDES:
        rows = (
            Dossier.objects.filter(in_states(states))
            .annotate(slot=F("pk") % QueueCount.SLOTS)
            .values(field, "status", "slot")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            out[(row[field], side, row["status"], row["slot"])] = row["n"]
    return out


def reconcile(*, fix: bool = True) -> dict[Key, tuple[int, int]]:
    """Compare the kept counts with the dossiers': {(agency, side, status): (kept,
    recounted)} where they differ; with `fix`, the table is rewritten from the
    dossiers. The table is locked meanwhile (PostgreSQL), so a step under way either
    lands before the recount or adds its difference after it."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(QueueCount._meta.db_table)
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")  # noqa: S608
        now = recounted()
        stored = {(r.agency_id, r.side, r.status, r.slot): r.n for r in QueueCount.objects.all()}
        have, want = _by_key(stored), _by_key(now)
        differ = {
            key: (have.get(key, 0), want.get(key, 0))
            for key in {*have, *want}
            if have.get(key, 0) != want.get(key, 0)
        }
        if fix and (differ or stored.keys() != now.keys()):
            QueueCount.objects.all().delete()
            QueueCount.objects.bulk_create(
                [
                    QueueCount(agency_id=a, side=side, status=status, slot=slot, n=n)
                    for (a, side, status, slot), n in sorted(now.items())
                ],
                batch_size=2000,
            )
    return differ


def _by_key(counts: dict[tuple[int, str, str, int], int]) -> Counter[Key]:
    total: Counter[Key] = Counter()
    for (agency, side, status, _slot), n in counts.items():
        total[(agency, side, status)] += n
    return total
