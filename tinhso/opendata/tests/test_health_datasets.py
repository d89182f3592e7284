"""Open data of the health app: check-ins per facility and month, never a person."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from tinhso.accounts.models import Role
from tinhso.demo.accounts import demo_personal_id
from tinhso.health import services
from tinhso.health.models import FacilityKind
from tinhso.opendata.services import refresh_datasets

NAME = "luot-kham-theo-co-so-y-te"


@pytest.mark.django_db
def test_checkins_are_counted_per_facility_and_month_without_names(make_staff):
    hospital = services.create_facility(
        actor=None, code="22003", name="Bệnh viện Bãi Cháy", kind=FacilityKind.HOSPITAL
    )
    nurse = make_staff(Role.NURSE, hospital.agency.code)
    birth = datetime.date(1979, 9, 9)
    pid = demo_personal_id(birth=birth, sex="female")
    qr = f"{pid}||Đỗ Thị Hoa|09091979|Nữ|Bãi Cháy|01012022"
    services.check_in(actor=nurse, facility=hospital, qr_text=qr)
    (dataset,) = refresh_datasets(names=[NAME])
    rows = [r.data for r in dataset.rows.all()]
    assert rows == [{
        "thang": f"{timezone.localdate():%Y-%m}", "ma_co_so": "22003",
        "ten_co_so": "Bệnh viện Bãi Cháy", "luot_tiep_don": 1, "tiep_don_bang_can_cuoc": 1,
    }]  # fmt: skip
    text = json.dumps(rows, ensure_ascii=False)
    assert "Đỗ Thị Hoa" not in text and pid not in text


@pytest.mark.django_db
def test_the_goals_tracker_counts_health_records_and_doses(make_staff):
    from tinhso.monitoring.goals import load_goals, record_platform_measurements
    from tinhso.monitoring.models import Measurement

    load_goals()
    station = services.create_facility(
        actor=None, code="22102", name="Trạm Y tế phường Hồng Gai",
        kind=FacilityKind.COMMUNE_STATION,
    )  # fmt: skip
    staff = make_staff(Role.HEALTH_STAFF, station.agency.code)
    birth = datetime.date(2020, 2, 2)
    pid = demo_personal_id(birth=birth, sex="male")
    visit = services.check_in(actor=staff, facility=station,
                              qr_text=f"{pid}||Lê Minh An|02022020|Nam|Hồng Gai|")  # fmt: skip
    for dose in (1, 2):
        services.record_immunization(actor=staff, facility=station, patient=visit.patient,
                                     vaccine_code="03", dose_number=dose,
                                     occurred_on=datetime.date(2021, 3 * dose, 1))  # fmt: skip
    record_platform_measurements()
    latest = {
        m.goal.code: m.value
        for m in Measurement.objects.filter(automatic=True).select_related("goal")
    }
    assert latest["ho-so-suc-khoe"] == 1 and latest["tiem-chung"] == 2
