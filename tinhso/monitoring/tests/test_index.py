import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tinhso.core.errors import ValidationFailed
from tinhso.dossiers.tests.conftest import *  # noqa: F403  (the dossier fixtures)
from tinhso.dossiers.tests.conftest import act
from tinhso.monitoring import selectors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2025-02", datetime.date(2025, 2, 1), datetime.date(2025, 2, 28)),
        ("2024-Q1", datetime.date(2024, 1, 1), datetime.date(2024, 3, 31)),
        ("2026", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
    ],
)
def test_periods(text, first, last):
    assert selectors.parse_period(text) == (first, last)


@pytest.mark.parametrize("text", ["2025-13", "25-01", "2025-Q5", "", "tháng 2"])
def test_bad_periods(text):
    with pytest.raises(ValidationFailed):
        selectors.parse_period(text)


def _row(period, code="SXD"):
    return next(r for r in selectors.service_index(period=period, unit=code) if r.agency == code)


def test_the_index_of_an_agency_from_its_dossiers(returned, applicant):
    act(applicant, returned, "rate", rating=5)
    row = _row(f"{timezone.localdate():%Y-%m}")
    c = row.components
    assert (c["on_time"].points, c["on_time"].max) == (Decimal("20.00"), Decimal("20.00"))
    assert c["satisfaction"].points == Decimal("18.00")
    assert c["online"].points == Decimal("11.00") and c["online_payment"].points == Decimal("0.00")
    assert c["digitization"].points == Decimal("11.00") and c["reuse"].points == Decimal("0.00")
    # 9.000001 is complete, 9.000003 has no steps: half of 18
    assert c["publicity"].points == Decimal("9.00")
    assert row.score == Decimal("69.00")


def test_components_with_nothing_to_measure_give_their_points_to_the_group(submitted):
    row = _row(f"{timezone.localdate():%Y-%m}")
    c = row.components
    assert c["on_time"].points is None and c["satisfaction"].points is None
    # online payment is measurable (a fee is owed, unpaid); digitization is not (not received)
    assert c["digitization"].points is None and c["reuse"].points is None
    # groups 2, 4 and 5 are left out; the score is rescaled to 100 over groups 1 and 3
    assert row.score == ((Decimal(9) + Decimal(11)) * 100 / 40).quantize(Decimal("0.01"))


def test_a_late_result_counts_against_on_time(clock_free_late_result):
    row = _row(f"{timezone.localdate():%Y-%m}")
    assert row.components["on_time"].points == Decimal("0.00")


@pytest.fixture
def clock_free_late_result(result_ready):
    from tinhso.dossiers.models import Dossier

    Dossier.objects.filter(pk=result_ready.pk).update(due_date=datetime.date(2000, 1, 1))
    return result_ready


def test_the_api_follows_the_contract(client, returned):
    body = client.get(
        "/api/v1/monitoring/index", {"period": f"{timezone.localdate():%Y-%m}", "unit": "SXD"}
    ).json()
    row = next(r for r in body if r["agency"] == "SXD")
    assert set(row["components"]) >= {
        "publicity", "on_time", "online", "online_payment", "digitization", "reuse", "satisfaction",
    }  # fmt: skip
    assert set(row["components"]["on_time"]) >= {"points", "max", "value"}
    assert client.get("/api/v1/monitoring/index", {"period": "x"}).status_code == 400


def test_the_index_is_a_fixed_number_of_queries(returned, django_assert_num_queries):
    with django_assert_num_queries(4):
        selectors.service_index(period=f"{timezone.localdate():%Y-%m}")
