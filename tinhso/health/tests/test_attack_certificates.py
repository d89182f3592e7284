"""Attacks on vaccination certificates by health workers of another facility."""

from __future__ import annotations

import datetime

import pytest

from tinhso.accounts.models import Role
from tinhso.core.errors import NotFound, PermissionDenied
from tinhso.health import certificates, vaccination
from tinhso.health.models import VaccinationCertificate

from .dcc_helpers import make_facility, make_patient, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def hospital():
    return make_facility()


@pytest.fixture
def elsewhere():
    return make_facility("22002", name="Bệnh viện huyện khác")


@pytest.fixture
def certificate(hospital):
    nurse = staff(Role.NURSE, hospital)
    patient = make_patient()
    vaccination.record_dose(
        actor=nurse, patient=patient, facility=hospital, vaccine_code="208",
        dose_number=1, occurred_on=datetime.date(2021, 8, 1), lot_number="FF1", series_doses=2,
    )  # fmt: skip
    return certificates.issue_certificate(actor=nurse, patient=patient)


def test_a_doctor_of_another_facility_cannot_revoke_a_citizens_certificate(certificate, elsewhere):
    stranger = staff(Role.DOCTOR, elsewhere)
    with pytest.raises(PermissionDenied):
        certificates.revoke_certificate(actor=stranger, certificate=certificate, reason="phá")
    assert VaccinationCertificate.objects.get(pk=certificate.pk).revoked_at is None


def test_the_vaccinating_facilitys_doctor_still_revokes(certificate, hospital):
    doctor = staff(Role.DOCTOR, hospital)
    revoked = certificates.revoke_certificate(
        actor=doctor, certificate=certificate, reason="Nhập nhầm lô"
    )
    assert revoked.revoked_at is not None


def test_workers_of_another_facility_cannot_open_a_certificate_by_its_number(
    certificate, elsewhere
):
    for role in (Role.NURSE, Role.PHARMACIST):
        with pytest.raises(NotFound):
            certificates.certificate_for(staff(role, elsewhere), certificate.pk)


def test_the_certificate_page_of_another_facility_is_not_found(
    certificate, elsewhere, second_factor_client
):
    client = second_factor_client(staff(Role.NURSE, elsewhere))
    assert client.get(f"/y-te/chung-nhan/{certificate.pk}/").status_code == 404
    assert client.get(f"/y-te/chung-nhan/{certificate.pk}/pdf/").status_code == 404
