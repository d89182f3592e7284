"""The share of the province's agencies that publish open data (Resolution 09:
"100% cơ quan nhà nước cung cấp dữ liệu mở"), recorded on that goal."""

from decimal import Decimal

from tinhso.monitoring.goals import platform_metric


@platform_metric("open_data_agencies")
def open_data_agencies(year: int) -> Decimal | None:
    from tinhso.accounts.models import Agency, AgencyKind

    from .models import Dataset

    publishers = {AgencyKind.DEPARTMENT, AgencyKind.SERVICE_CENTRE, AgencyKind.PROVINCE_COMMITTEE,
                  AgencyKind.WARD_COMMITTEE, AgencyKind.OTHER}  # fmt: skip
    agencies = Agency.objects.filter(is_active=True, kind__in=publishers)
    total = agencies.count()
    if not total:
        return None
    publishing = agencies.filter(pk__in=Dataset.objects.values("organization")).count()
    return (Decimal(publishing) * 100 / total).quantize(Decimal("0.01"))


# The health figures of the goals tracker (issue 21): counted by the platform itself.


def _count(key: str) -> Decimal | None:
    from tinhso.health.selectors import health_counts

    value = health_counts()[key]
    return Decimal(value) if value else None


@platform_metric("health_records")
def health_records(year: int) -> Decimal | None:
    """People with an electronic health record on the platform."""
    return _count("records")


@platform_metric("vaccine_doses")
def vaccine_doses(year: int) -> Decimal | None:
    """Vaccine doses recorded on the platform."""
    return _count("doses")


@platform_metric("chip_id_checkins")
def chip_id_checkins(year: int) -> Decimal | None:
    """Check-ins by chip ID card at health facilities."""
    return _count("checkins_chip")
