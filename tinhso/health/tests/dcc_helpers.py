"""Facilities, patients and encounters for the certificate and prescription tests,
through the accounts service for the facility's agency (plain rows for the clinical
side, whose services the clinical work owns)."""

from __future__ import annotations

import datetime

from tinhso.accounts import services as accounts
from tinhso.accounts.models import Agency
from tinhso.health.models import Encounter, Facility, Patient
from tinhso.testing.factories import StaffFactory


def make_facility(code="22001", *, name="Bệnh viện Thử nghiệm", kind="hospital", unit=None):
    parent = Agency.objects.get(code="SYT")
    agency = accounts.create_agency(
        actor=None, code=f"CS{code}", name=name, kind="other", parent=parent, unit=unit
    )
    return Facility.objects.create(
        agency=agency, code=code, name=name, kind=kind, unit=unit or agency.unit
    )


def make_patient(*, full_name="Nguyễn Văn Đức", birth=datetime.date(1990, 1, 2), **extra):
    return Patient.objects.create(full_name=full_name, date_of_birth=birth, **extra)


def make_encounter(patient, facility):
    return Encounter.objects.create(
        patient=patient, facility=facility, service_date=datetime.date.today()
    )


def staff(role, facility):
    return StaffFactory(role=role, agency_code=facility.agency.code)
