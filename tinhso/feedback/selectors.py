"""Reads of citizen feedback: the public list and map (grid clustering in SQL), an
agency's queue, duplicates, lateness per agency, and the counts the index and open
data read (monitoring and opendata sit above this app and import these)."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, F, FloatField, IntegerField, Max, Min, Q, QuerySet
from django.db.models.functions import Cast, Floor, TruncMonth
from django.utils import timezone

from tinhso.accounts import authz
from tinhso.accounts.models import Agency

from .models import Category, Report, Status
from .services.handling import FEEDBACK_ROLES

UNANSWERED = "unanswered"  # a status filter: open or in progress
MAX_MAP_CELLS = 4000  # no client gets more points than this, at any zoom
EARTH_METRES = 6_371_000


def categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("order", "code")


def report_by_code(code: str) -> Report | None:
    return (
        Report.objects.select_related("category", "agency", "ward", "assignee", "duplicate_of")
        .filter(code=code)
        .first()
    )


# ---------------------------------------------------------------- public


def public_reports(
    *, category: str = "", ward: str = "", status: str = "", since=None, until=None
) -> QuerySet[Report]:
    """Published reports, newest first; never the reporter."""
    qs = Report.objects.filter(published_at__isnull=False, duplicate_of__isnull=True)
    if category:
        qs = qs.filter(category__code=category)
    if ward:
        qs = qs.filter(ward_id=ward)
    if status in Status.values:
        qs = qs.filter(status=status)
    elif status == UNANSWERED:
        qs = qs.exclude(status=Status.CLOSED)
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lte=until)
    return qs.select_related("category", "ward", "agency").order_by("-created_at")


@dataclass(frozen=True)
class Cluster:
    latitude: float
    longitude: float
    count: int
    code: str | None  # the report's code when the cell holds one


def cell_size(zoom: int, bbox: tuple[float, float, float, float]) -> float:
    """Degrees per grid cell: about 64 screen pixels at this zoom, made coarser until
    the box holds at most MAX_MAP_CELLS cells."""
    zoom = max(0, min(int(zoom), 20))
    size = 360.0 / (2**zoom) / 4
    south, west, north, east = bbox
    while ((north - south) / size + 1) * ((east - west) / size + 1) > MAX_MAP_CELLS:
        size *= 2
    return size


def clustered_map(
    *, zoom: int, bbox: tuple[float, float, float, float], category: str = "", ward: str = "",
    status: str = "",
) -> list[Cluster]:  # fmt: skip
    """Public reports in the box, grouped per grid cell in one SQL query: a count and
    the mean position per cell (the report's code when the cell holds one)."""
    south, west, north, east = bbox
    size = cell_size(zoom, bbox)
    rows = (
        public_reports(category=category, ward=ward, status=status)
        .order_by()
        .filter(latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east)
        .annotate(
            cy=Cast(Floor((F("latitude") + 90.0) / size), IntegerField()),
            cx=Cast(Floor((F("longitude") + 180.0) / size), IntegerField()),
        )
        .values("cy", "cx")
        .annotate(
            n=Count("pk"),
            lat=Avg("latitude", output_field=FloatField()),
            lon=Avg("longitude", output_field=FloatField()),
            first=Min("code"),
            last=Max("code"),
        )[: MAX_MAP_CELLS + 1]
    )
    return [Cluster(r["lat"], r["lon"], r["n"], r["first"] if r["n"] == 1 else None) for r in rows]


def geojson(reports) -> dict:
    """Public reports as a GeoJSON FeatureCollection (those with a pin)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r.longitude, r.latitude]},
                "properties": {
                    "code": r.code,
                    "category": r.category.code,
                    "category_name": r.category.name,
                    "status": r.status,
                    "ward": r.ward_id or "",
                    "address": r.address,
                    "agency": r.agency.code,
                    "created_at": r.created_at.isoformat(),
                    "answer": r.answer if r.status == Status.CLOSED else "",
                },
            }
            for r in reports
            if r.latitude is not None
        ],
    }


# ---------------------------------------------------------------- officers


def agencies_of_officer(user) -> list[Agency]:
    return [
        a.agency
        for a in authz.assignments(user)
        if a.agency_id and a.role in FEEDBACK_ROLES and a.agency is not None
    ]


def queue(user, *, status: str = "", late_only: bool = False) -> QuerySet[Report]:
    """Reports of the agencies (and those below them) the officer works for."""
    agencies = agencies_of_officer(user)
    if not agencies:
        return Report.objects.none()
    scope = Q()
    for agency in agencies:
        scope |= Q(agency__path__startswith=agency.path)
    qs = Report.objects.filter(scope)
    qs = qs.filter(status=status) if status in Status.values else qs.exclude(status=Status.CLOSED)
    if late_only:
        qs = qs.filter(due_date__lt=timezone.localdate()).exclude(status=Status.CLOSED)
    return qs.select_related("category", "ward", "agency", "assignee").order_by("due_date", "pk")


def _distance_metres(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_METRES * math.asin(math.sqrt(a))


def duplicate_candidates(report: Report) -> list[tuple[Report, int | None]]:
    """Reports of the same category within FEEDBACK_DUPLICATE_METRES and
    FEEDBACK_DUPLICATE_DAYS of this one (or at the same address in the same ward when
    there is no pin), not merged themselves: (report, metres apart)."""
    metres = settings.FEEDBACK_DUPLICATE_METRES
    days = datetime.timedelta(days=settings.FEEDBACK_DUPLICATE_DAYS)
    qs = (
        Report.objects.filter(
            category_id=report.category_id,
            duplicate_of__isnull=True,
            created_at__gte=report.created_at - days,
            created_at__lte=report.created_at + days,
        )
        .exclude(pk=report.pk)
        .select_related("agency")
    )
    out: list[tuple[Report, int | None]] = []
    if report.latitude is not None and report.longitude is not None:
        dlat = metres / 111_320
        dlon = metres / (111_320 * max(0.01, math.cos(math.radians(report.latitude))))
        near = qs.filter(
            latitude__range=(report.latitude - dlat, report.latitude + dlat),
            longitude__range=(report.longitude - dlon, report.longitude + dlon),
        )
        for other in near[:50]:
            assert other.latitude is not None and other.longitude is not None
            d = _distance_metres(report.latitude, report.longitude, other.latitude, other.longitude)
            if d <= metres:
                out.append((other, round(d)))
    elif report.ward_id and report.address:
        for other in qs.filter(ward_id=report.ward_id, address__iexact=report.address)[:50]:
            out.append((other, None))
    return sorted(out, key=lambda pair: (pair[1] or 0, pair[0].created_at))


@dataclass
class AgencyLateness:
    agency: str
    agency_name: str
    received: int
    answered: int
    answered_on_time: int
    open_late: int


def lateness_by_agency(*, first: datetime.date, last: datetime.date) -> list[AgencyLateness]:
    """Per agency, for reports received in the period: answered, answered on time, and
    still open past the deadline. Lateness falls on the agency holding the report
    (or that answered it) when the deadline passed."""
    today = timezone.localdate()
    rows = (
        Report.objects.filter(created_at__date__gte=first, created_at__date__lte=last)
        .values("agency__code", "agency__name")
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            on_time=Count("pk", filter=Q(answered_at__date__lte=F("due_date"))),
            open_late=Count("pk", filter=~Q(status=Status.CLOSED) & Q(due_date__lt=today)),
        )
        .order_by("-open_late", "agency__code")
    )
    return [
        AgencyLateness(
            r["agency__code"],
            r["agency__name"],
            r["received"],
            r["answered"],
            r["on_time"],
            r["open_late"],
        )  # fmt: skip
        for r in rows
    ]


# ---------------------------------------------------------------- index and open data


def answered_counts_by_agency_month(*, first: datetime.date, last: datetime.date) -> list[dict]:
    """For the 766 index's satisfaction group: per agency (id) and month of the answer,
    reports answered and answered within their deadline (merged duplicates excluded)."""
    rows = (
        Report.objects.filter(
            answered_at__date__gte=first,
            answered_at__date__lte=last,
            duplicate_of__isnull=True,
            answered_by_agency__isnull=False,
        )
        .annotate(month=TruncMonth("answered_at"))
        .values("answered_by_agency", "month")
        .annotate(
            feedback_answered=Count("pk"),
            feedback_on_time=Count("pk", filter=Q(answered_at__date__lte=F("due_date"))),
        )
        .order_by("answered_by_agency", "month")
    )
    return [dict(row) for row in rows]


def counts_by_category_ward_month(*, first: datetime.date, last: datetime.date):
    """Open data: reports received per month, category and ward, with how many were
    answered and answered on time. Counts only."""
    return (
        Report.objects.filter(
            created_at__date__gte=first, created_at__date__lte=last, duplicate_of__isnull=True
        )
        .annotate(month=TruncMonth("created_at"))
        .values("month", "category__code", "ward_id")
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            on_time=Count("pk", filter=Q(answered_at__date__lte=F("due_date"))),
        )
        .order_by("month", "category__code", "ward_id")
    )


def open_by_agency(*, today: datetime.date | None = None) -> list[dict]:
    """For the operations centre: per agency, reports not yet answered and those of them
    past their deadline (the index on agency, status, due date serves it)."""
    today = today or timezone.localdate()
    rows = (
        Report.objects.exclude(status=Status.CLOSED)
        .filter(duplicate_of__isnull=True)
        .values("agency__code", "agency__name")
        .annotate(open=Count("pk"), late=Count("pk", filter=Q(due_date__lt=today)))
        .order_by("-late", "-open", "agency__code")
    )
    return [dict(r) for r in rows]


def received_since(moment: datetime.datetime) -> int:
    return Report.objects.filter(created_at__gte=moment).count()
