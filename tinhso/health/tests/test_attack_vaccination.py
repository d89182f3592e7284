"""Attacks on the vaccination pages: opening a person's doses by changing the id."""

from __future__ import annotations

import pytest

from tinhso.accounts.models import Role
from tinhso.audit.models import AuditEvent
from tinhso.health.selectors import READ_ACTION

from .dcc_helpers import make_facility, make_patient, staff

pytestmark = pytest.mark.django_db


def test_opening_someones_doses_by_their_id_is_an_audited_read(second_factor_client):
    """A worker of any station may type another patient id into the address; the
    person's vaccination history is a read of their record and leaves its trace."""
    station = make_facility("22T09", name="Trạm Y tế khác", kind="commune_station")
    patient = make_patient(personal_id="022090009999")
    nurse = staff(Role.NURSE, station)
    client = second_factor_client(nurse)
    page = client.get(f"/y-te/tiem-chung/{station.code}/nguoi-benh/{patient.pk}/")
    assert page.status_code == 200
    read = AuditEvent.objects.filter(
        action=READ_ACTION, object_type="health.Patient", object_id=str(patient.pk)
    )
    assert read.count() == 1
    event = read.get()
    assert event.actor_id == nurse.pk
    assert event.after["purpose"] == "vaccination" and event.after["facility"] == station.code
