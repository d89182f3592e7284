"""A hospital and a commune station, their staff, a patient checked in: built through
the services."""

from __future__ import annotations

import datetime

import pytest

from tinhso.accounts.models import Role
from tinhso.demo.accounts import demo_personal_id
from tinhso.health import services
from tinhso.health.identifiers import ChipIdQr, chip_qr_text
from tinhso.health.models import FacilityKind


@pytest.fixture
def hospital(db):
    return services.create_facility(
        actor=None, code="22001", name="Bệnh viện Đa khoa tỉnh Quảng Ninh",
        kind=FacilityKind.HOSPITAL,
    )  # fmt: skip


@pytest.fixture
def station(db):
    return services.create_facility(
        actor=None, code="22101", name="Trạm Y tế phường Hạ Long",
        kind=FacilityKind.COMMUNE_STATION,
    )  # fmt: skip


@pytest.fixture
def make_practitioner(make_staff):
    def make(role, facility):
        user = make_staff(role, facility.agency.code)
        services.add_practitioner(actor=None, facility=facility, user=user, role=role)
        return user

    return make


@pytest.fixture
def doctor(make_practitioner, hospital):
    return make_practitioner(Role.DOCTOR, hospital)


@pytest.fixture
def station_staff(make_practitioner, station):
    return make_practitioner(Role.HEALTH_STAFF, station)


@pytest.fixture
def card():
    birth = datetime.date(1985, 3, 4)
    return ChipIdQr(
        personal_id=demo_personal_id(birth=birth, sex="male"),
        old_id="123456789",
        full_name="Trần Văn Bình",
        date_of_birth=birth,
        sex="male",
        address="Tổ 5, phường Hạ Long, Quảng Ninh",
        issued_on=datetime.date(2021, 8, 15),
    )


@pytest.fixture
def qr(card):
    return chip_qr_text(card)


@pytest.fixture
def checked_in(doctor, hospital, qr):
    return services.check_in(actor=doctor, facility=hospital, qr_text=qr)


@pytest.fixture
def patient(checked_in):
    return checked_in.patient
