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
