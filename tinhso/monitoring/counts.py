"""The index's counts per agency and month of submission (table `AgencyMonth`).

`recompute` rebuilds them from the dossiers with three grouped queries (the
dossiers themselves; those with papers; those that reused a stored paper, as
semi-joins rather than a sub-query per dossier), nightly and after bulk imports.
Between two recomputes every step of a dossier moves the counts by its own
contribution: what the dossier counted for before the step is taken off, what it
counts for after is put on, as increments in the step's transaction."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, DateField, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tinhso.core import late
from tinhso.core.compiled import Compiled
from tinhso.core.dates import month_end

from .models import AgencyMonth

FIELDS = ("submitted", "online", "received", "digitized", "reused", "resolved", "on_time",
          "with_fee", "paid", "rated", "satisfied", "e_results")  # fmt: skip


def _bounds(
    first: datetime.date, last: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def _paid_online_payments():
    """The payments made without coming to the desk (Decision 766's "online
    payment"): a transfer matched on a statement or a gateway's payment."""
    from tinhso.payments.models import ONLINE_METHODS, Payment, PaymentStatus

    return Payment.objects.filter(status=PaymentStatus.PAID, method__in=ONLINE_METHODS)


def _paid_online():
    """The dossiers whose fee was paid online."""
    return _paid_online_payments().values("dossier_id")


def count_rows(
    *, first: datetime.date, last: datetime.date, agency_ids=None
) -> dict[tuple[int, datetime.date], dict[str, int]]:
    from tinhso.dossiers.models import (
        Channel,
        Dossier,
        DossierDocument,
        on_time_q,
        received_q,
        resolved_q,
    )

    start, end = _bounds(first, last)
    base = Dossier.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    if agency_ids is not None:
        base = base.filter(agency_id__in=list(agency_ids))
    month = TruncMonth("submitted_at", output_field=DateField())
    out: dict[tuple[int, datetime.date], dict[str, int]] = {}
    main = (
        base.annotate(m=month)
        .values("agency_id", "m")
        .annotate(
            submitted=Count("pk"),
            online=Count("pk", filter=Q(channel=Channel.ONLINE)),
            received=Count("pk", filter=received_q()),
            resolved=Count("pk", filter=resolved_q()),
            on_time=Count("pk", filter=on_time_q()),
            e_results=Count("pk", filter=resolved_q() & ~Q(result_file="")),
            with_fee=Count("pk", filter=Q(fee_amount__gt=0)),
            paid=Count("pk", filter=Q(fee_amount__gt=0, pk__in=_paid_online())),
            rated=Count("pk", filter=Q(rating__isnull=False)),
            satisfied=Count("pk", filter=Q(rating__gte=4)),
        )
    )  # fmt: skip
    for row in main:
        key = (row.pop("agency_id"), row.pop("m"))
        out[key] = {**row, "digitized": 0, "reused": 0}
    for field, documents in (
        ("digitized", DossierDocument.objects.all()),
        ("reused", DossierDocument.objects.filter(stored_document__isnull=False)),
    ):
        if agency_ids is None:  # everything: one hashed semi-join over the papers
            having = base.filter(pk__in=documents.values("dossier_id"))
        else:  # a few agencies: look up each of their dossiers' papers by index
            having = base.filter(Exists(documents.filter(dossier_id=OuterRef("pk"))))
        rows = having.received().annotate(m=month).values("agency_id", "m").annotate(n=Count("pk"))
        for row in rows:
            out[(row["agency_id"], row["m"])][field] = row["n"]
    return out


def recompute(
    *, first: datetime.date | None = None, last: datetime.date | None = None, agency_ids=None
) -> int:
    """Rebuild the rows of the range (all time by default) in one transaction."""
    from tinhso.dossiers.models import Dossier

    if first is None or last is None:
        span = Dossier.objects.exclude(submitted_at=None).order_by("submitted_at")
        earliest, latest = span.first(), span.last()
        if earliest is None:
            AgencyMonth.objects.all().delete()
            return 0
        first = first or timezone.localtime(earliest.submitted_at).date().replace(day=1)
        last = last or timezone.localtime(latest.submitted_at).date()
    first = first.replace(day=1)
    rows = count_rows(first=first, last=month_end(last), agency_ids=agency_ids)
    with transaction.atomic():
        stale = AgencyMonth.objects.filter(month__gte=first, month__lte=month_end(last))
        if agency_ids is not None:
            stale = stale.filter(agency_id__in=list(agency_ids))
        stale.delete()
        AgencyMonth.objects.bulk_create(
            [AgencyMonth(agency_id=a, month=m, **counts) for (a, m), counts in rows.items()],
            batch_size=2000,
        )
    return len(rows)


def _one_of(build) -> Compiled:
    return Compiled(lambda dossier_id: build(dossier_id).only("pk").order_by()[:1], [2_147_000_006])


# Asked at every step of every dossier: compiled once per process (core.compiled).
_A_PAPER = _one_of(lambda d: _documents().filter(dossier_id=d))
_A_REUSED_PAPER = _one_of(
    lambda d: _documents().filter(dossier_id=d, stored_document__isnull=False)
)
_PAID_ONLINE = _one_of(lambda d: _paid_online_payments().filter(dossier_id=d))


def _documents():
    from tinhso.dossiers.models import DossierDocument

    return DossierDocument.objects


def contribution(dossier) -> dict[str, int]:
    """What one dossier adds to its agency-month row: the same rules as `count_rows`."""
    from tinhso.dossiers.models import Channel

    digitized = dossier.is_received and _A_PAPER.first(dossier.pk) is not None
    return {
        "submitted": 1,
        "online": int(dossier.channel == Channel.ONLINE),
        "received": int(dossier.is_received),
        "digitized": int(digitized),
        "reused": int(digitized and _A_REUSED_PAPER.first(dossier.pk) is not None),
        "resolved": int(dossier.is_resolved),
        "on_time": int(dossier.is_on_time),
        "e_results": int(dossier.is_resolved and bool(dossier.result_file)),
        "with_fee": int(dossier.fee_amount > 0),
        "paid": int(dossier.fee_amount > 0 and _PAID_ONLINE.first(dossier.pk) is not None),
        "rated": int(dossier.rating is not None),
        "satisfied": int(dossier.rating is not None and dossier.rating >= 4),
    }


def _place(dossier) -> tuple[int, datetime.date] | None:
    if dossier.submitted_at is None:
        return None
    return dossier.agency_id, timezone.localtime(dossier.submitted_at).date().replace(day=1)


def _add(place: tuple[int, datetime.date], vector: dict[str, int]) -> None:
    """One plain UPDATE of the row (never below 0), as a rule; the month's first
    dossier of the agency makes the row."""
    changes = {f: v for f, v in vector.items() if v}
    if not changes:
        return
    agency_id, month = place
    if not _update(agency_id, month, changes):
        AgencyMonth.objects.get_or_create(agency_id=agency_id, month=month)
        _update(agency_id, month, changes)


_FIELDS = {f.name: f for f in AgencyMonth._meta.concrete_fields}


def _update(agency_id: int, month: datetime.date, changes: dict[str, int]) -> int:
    columns = [_FIELDS[f].column for f in changes]  # ours, or a KeyError
    sets = ", ".join(
        f'"{c}" = CASE WHEN "{c}" + %s < 0 THEN 0 ELSE "{c}" + %s END' for c in columns
    )
    prep = {
        f: _FIELDS[f].get_db_prep_value(v, connection)
        for f, v in (("computed_at", timezone.now()), ("month", month))
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{AgencyMonth._meta.db_table}" SET {sets}, "computed_at" = %s '  # noqa: S608  # nosec B608: our columns
            'WHERE "agency_id" = %s AND "month" = %s',
            [
                *(x for v in changes.values() for x in (v, v)),
                prep["computed_at"],
                agency_id,
                prep["month"],
            ],
        )
        return cursor.rowcount


def on_dossier_changing(sender, *, dossier, **kwargs) -> None:
    """Before a step: remember what the dossier counted for."""
    place = _place(dossier)
    dossier._index_before = (place, contribution(dossier)) if place else None


def on_dossier_changed(sender, *, dossier, **kwargs) -> None:
    """After a step, in its transaction: take the old contribution off and put the new
    one on, as increments (two steps at once both land; no row is rewritten from a
    stale count), at the end of the service's block (`core.late`): the agency's row
    of the month is shared by all its dossiers, so it is locked for the last few
    statements only."""
    before = getattr(dossier, "_index_before", None)
    place = _place(dossier)
    after = contribution(dossier) if place is not None else None
    moves: list[tuple[tuple[int, datetime.date], dict[str, int]]] = []
    if before is not None and place is not None and after is not None and before[0] == place:
        # the same month of the same agency: one update of the difference
        moves.append(
            (place, {f: after.get(f, 0) - before[1].get(f, 0) for f in {*before[1], *after}})
        )
    else:
        if before is not None:
            moves.append((before[0], {f: -v for f, v in before[1].items()}))
        if place is not None and after is not None:
            moves.append((place, after))
    dossier._index_before = None
    if moves and not late.note(_COUNTED, moves):
        _apply([moves])


def _apply(noted: list[list[tuple[tuple[int, datetime.date], dict[str, int]]]]) -> None:
    """The increments of the block, summed per row, each row updated once, in a fixed
    order (two steps lock the rows they share in the same order)."""
    total: dict[tuple[int, datetime.date], Counter[str]] = {}
    for moves in noted:
        for place, vector in moves:
            total.setdefault(place, Counter()).update(vector)
    for place in sorted(total):
        _add(place, dict(total[place]))


_COUNTED = late.Kind("monitoring.counts", 20, _apply)
