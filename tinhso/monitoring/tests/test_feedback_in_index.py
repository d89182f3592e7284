"""Feedback answered on time counts in the 766 index's satisfaction group
(component `feedback_on_time`, inferred: see its source), per answering agency."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from tinhso.accounts.models import Role
from tinhso.feedback import services as feedback
from tinhso.feedback.models import Report
from tinhso.monitoring import selectors

WARD = "06688"  # Phường Hạ Long


def _answered(citizen, officer, *, late: bool) -> Report:
    report = feedback.submit_report(
        reporter=citizen, category_code="chieu-sang", description="Đèn hỏng",
        latitude=20.95, longitude=107.08, ward_code=WARD,
    )  # fmt: skip
    if late:
        Report.objects.filter(pk=report.pk).update(
            due_date=timezone.localdate() - datetime.timedelta(days=3)
        )
        report.refresh_from_db()
    return feedback.answer_report(actor=officer, report=report, answer="Đã sửa")


def test_feedback_answered_on_time_counts_in_the_satisfaction_group(citizen, make_staff):
    feedback.load_feedback_reference(province_code="22")
    officer = make_staff(Role.SPECIALIST, f"UBND{WARD}")
    _answered(citizen, officer, late=False)
    _answered(citizen, officer, late=True)
    period = f"{timezone.localdate():%Y-%m}"
    row = next(r for r in selectors.service_index(period=period, unit=f"UBND{WARD}"))
    c = row.components["feedback_on_time"]
    assert (c.numerator, c.denominator) == (1, 2)
    # the only measurable component of its group: the group's 18 points are its own
    assert c.max == Decimal("18.00") and c.points == Decimal("9.00")
    assert "Suy ra" in _component("feedback_on_time").source
    by_month = selectors.index_by_agency_month(start=period, end=period)
    assert any(r.agency == f"UBND{WARD}" for r in by_month)


def _component(code):
    from tinhso.monitoring.models import IndicatorComponent

    return IndicatorComponent.objects.get(code=code)


def test_open_data_counts_feedback_per_category_ward_and_month(citizen, make_staff):
    from tinhso.opendata import builders

    feedback.load_feedback_reference(province_code="22")
    officer = make_staff(Role.SPECIALIST, f"UBND{WARD}")
    _answered(citizen, officer, late=False)
    definition = next(
        d for d in builders.definitions() if d.name == "phan-anh-kien-nghi-theo-thang"
    )
    rows = list(definition.rows())
    assert rows == [
        {
            "thang": f"{timezone.localdate():%Y-%m}",
            "linh_vuc": "chieu-sang",
            "ma_phuong_xa": WARD,
            "tiep_nhan": 1,
            "da_tra_loi": 1,
            "tra_loi_dung_han": 1,
        }
    ]
    assert "full_name" not in str(rows)
