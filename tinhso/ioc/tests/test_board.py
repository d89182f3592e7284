from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tinhso.accounts.models import Role
from tinhso.feedback import services as feedback
from tinhso.feedback.models import Report

WARD = "06688"


@pytest.fixture
def leader_client(second_factor_client, make_staff):
    return second_factor_client(make_staff(Role.LEADER, "STP"))


def _report(citizen, *, late=False):
    report = feedback.submit_report(
        reporter=citizen, category_code="rac-thai", description="Rác tồn đọng",
        latitude=20.95, longitude=107.08, ward_code=WARD,
    )  # fmt: skip
    if late:
        Report.objects.filter(pk=report.pk).update(
            due_date=timezone.localdate() - datetime.timedelta(days=1)
        )
    return report


def test_leaders_see_the_board_and_citizens_do_not(leader_client, citizen):
    from django.test import Client

    feedback.load_feedback_reference(province_code="22")
    response = leader_client.get("/ioc/")
    assert response.status_code == 200
    assert b'hx-trigger="every 30s"' in response.content
    other = Client()
    other.force_login(citizen)
    assert other.get("/ioc/").status_code == 403


def test_the_poll_shows_new_feedback_and_alerts_past_the_threshold(leader_client, citizen):
    feedback.load_feedback_reference(province_code="22")
    before = leader_client.get("/ioc/so-lieu/").content.decode()
    assert 'data-testid="feedback-open">0<' in before and "Cảnh báo" not in before
    for _ in range(3):
        _report(citizen, late=True)
    after = leader_client.get("/ioc/so-lieu/").content.decode()
    assert 'data-testid="feedback-open">3<' in after
    assert 'data-testid="feedback-late">3<' in after
    assert "Cảnh báo" in after and "phường Hạ Long" in after  # threshold 3 (alerts.csv)
    assert "<html" not in after  # the panel alone


def test_the_board_is_a_fixed_number_of_queries(
    leader_client, citizen, django_assert_max_num_queries
):
    feedback.load_feedback_reference(province_code="22")
    _report(citizen)
    leader_client.get("/ioc/so-lieu/")
    with django_assert_max_num_queries(20) as few:
        leader_client.get("/ioc/so-lieu/")
    for _ in range(5):
        _report(citizen)
    with django_assert_max_num_queries(len(few.captured_queries)):
        leader_client.get("/ioc/so-lieu/")


def test_the_board_counts_todays_check_ins_and_doses(leader_client, make_staff):
    """The health figures come from the health app's counts of the day: a chip-ID
    check-in and a dose given today show on the next poll."""
    from tinhso.health import services as health
    from tinhso.health.models import Facility
    from tinhso.health.services import load_facilities

    load_facilities(province_code="22")
    hospital = Facility.objects.order_by("code").first()
    doctor = make_staff(Role.DOCTOR, hospital.agency.code)
    before = leader_client.get("/ioc/so-lieu/").content.decode()
    assert 'data-testid="health-checkins">0 (0)<' in before
    qr = "022090001234|123456789|Trần Văn Bình|15031990|Nam|Phường Hạ Long, Quảng Ninh|01012022"
    encounter = health.check_in(actor=doctor, facility=hospital, qr_text=qr)
    health.record_immunization(
        actor=doctor, facility=hospital, patient=encounter.patient, vaccine_code="88",
        dose_number=1, occurred_on=timezone.localdate(),
    )  # fmt: skip
    after = leader_client.get("/ioc/so-lieu/").content.decode()
    assert 'data-testid="health-checkins">1 (1)<' in after
    assert 'data-testid="health-doses">1<' in after
