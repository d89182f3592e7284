"""The index's counts per agency and month of submission (table `AgencyMonth`).

`recompute` rebuilds them from the dossiers with three grouped queries (the
dossiers themselves; those with papers; those that reused a stored paper, as
semi-joins rather than a sub-query per dossier); `refresh_agency_months` redoes the
rows one dossier's step touched, inside that step's transaction, after locking them
so that two steps at once cannot write stale counts over each other."""

from __future__ import annotations

import calendar
import datetime

from django.db import transaction
from django.db.models import Count, DateField, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import AgencyMonth

RESOLVED = ("returned", "result_ready")
RECEIVED = ("received", "in_progress", "awaiting_supplement", "awaiting_approval", "approved",
            "result_ready", "returned")  # fmt: skip
FIELDS = ("submitted", "online", "received", "digitized", "reused", "resolved", "on_time",
          "with_fee", "paid", "rated", "satisfied")  # fmt: skip


def _bounds(
    first: datetime.date, last: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def count_rows(
    *, first: datetime.date, last: datetime.date, agency_ids=None
) -> dict[tuple[int, datetime.date], dict[str, int]]:
    from tinhso.dossiers.models import Dossier, DossierDocument

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
            online=Count("pk", filter=Q(channel="online")),
            received=Count("pk", filter=Q(status__in=RECEIVED)),
            resolved=Count("pk", filter=Q(status__in=RESOLVED)),
            on_time=Count("pk", filter=Q(status__in=RESOLVED, result_issued_at__date__lte=F("due_date"))),
            with_fee=Count("pk", filter=Q(fee_amount__gt=0)),
            paid=Count("pk", filter=Q(fee_amount__gt=0, fee_paid=True)),
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
        rows = (
            having.filter(status__in=RECEIVED)
            .annotate(m=month)
            .values("agency_id", "m")
            .annotate(n=Count("pk"))
        )
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


def refresh_agency_months(*, agency_ids, month: datetime.date) -> None:
    """Redo the counts of these agencies for one month, rows locked first."""
    month = month.replace(day=1)
    with transaction.atomic():
        for agency_id in sorted(agency_ids):  # one order: no deadlock between two steps
            AgencyMonth.objects.get_or_create(agency_id=agency_id, month=month)
        rows = {
            r.agency_id: r
            for r in AgencyMonth.objects.select_for_update()
            .filter(agency_id__in=list(agency_ids), month=month)
            .order_by("agency_id")
        }
        counts = count_rows(first=month, last=month_end(month), agency_ids=agency_ids)
        for agency_id, row in rows.items():
            values = counts.get((agency_id, month), {})
            for field in FIELDS:
                setattr(row, field, values.get(field, 0))
            row.save()


def on_dossier_changed(sender, *, dossier, agency_ids, **kwargs) -> None:
    if dossier.submitted_at is None:
        return
    month = timezone.localtime(dossier.submitted_at).date()
    refresh_agency_months(agency_ids=agency_ids, month=month)
