import datetime
from decimal import Decimal

import pytest

from tinhso.monitoring.goals import (
    goals_progress,
    load_goals,
    record_platform_measurements,
    status_counts,
)
from tinhso.monitoring.models import Goal, Measurement, Programme

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def goals():
    load_goals()
    return {p.goal.code: p for p in goals_progress(today=TODAY)}


def test_resolution_09_and_its_plans_are_loaded_with_their_figures_and_sources(goals):
    assert set(Programme.objects.values_list("number", flat=True)) == {
        "09-NQ/TU", "37/KH-UBND", "34/KH-UBND",
    }  # fmt: skip
    met = goals["nq09-muc-tieu-hoan-thanh"]
    assert (met.goal.target, met.latest.value) == (Decimal(20), Decimal(16))
    assert "16/20" in met.goal.quote and met.latest.source
    plan37 = goals["kh37-chi-tieu"]
    assert (plan37.goal.target, plan37.latest.value) == (Decimal(35), Decimal(12))
    assert goals["kh37-nhiem-vu"].goal.target == 51
    assert goals["kh34-nhiem-vu"].goal.target == 39 and goals["kh34-du-an"].goal.target == 14
    economy = goals["kinh-te-so-2025"]
    assert (economy.goal.baseline, economy.latest.value, economy.goal.target) == (
        3,
        Decimal("7.1"),
        20,
    )
    assert goals["kinh-te-so-2030"].goal.target == 30
    assert goals["dti-top5"].latest.value == 3  # 3rd of 63 in 2022
    assert all(g.goal.source for g in goals.values() if g.goal.quote)


def test_status_follows_target_due_date_and_latest_value(goals):
    assert goals["dti-top5"].status == "done"  # a rank: 3 ≤ 5
    assert goals["internet-bang-rong"].status == "done"
    assert goals["kinh-te-so-2025"].status == "late"  # 7.1 % of 20 % at the end of 2025
    assert goals["kinh-te-so-2030"].status == "on_track"
    assert goals["ict-index"].status == "tracked"  # no target in the sources
    assert round(goals["kinh-te-so-2025"].progress, 3) == round((7.1 - 3) / (20 - 3), 3)
    counts = status_counts(list(goals.values()))
    assert sum(counts.values()) == Goal.objects.count()


def test_loading_twice_changes_nothing():
    load_goals()
    before = (Goal.objects.count(), Measurement.objects.count())
    load_goals()
    assert (Goal.objects.count(), Measurement.objects.count()) == before


def test_the_platform_records_its_own_online_and_on_time_rates(returned, submitted):
    load_goals()
    assert record_platform_measurements() >= 2
    online = Measurement.objects.get(goal__code="ty-le-truc-tuyen", automatic=True)
    on_time = Measurement.objects.get(goal__code="ty-le-dung-han", automatic=True)
    assert online.value == Decimal(100)  # both filed online
    assert on_time.value == Decimal(100)  # the returned one was on time
    # a second run the same day updates the same row
    record_platform_measurements()
    assert Measurement.objects.filter(goal__code="ty-le-truc-tuyen", automatic=True).count() == 1
