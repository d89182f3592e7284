"""The demo health facilities (CONTRACT.md): `bacsi`, a doctor of the province's
general hospital, `duocsi`, its pharmacist, and the demo citizen `congdan` as a
patient with a check-in, a diagnosis, vital signs and a few vaccine doses.
Everything goes through the services; idempotent."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tinhso.accounts.models import Role, User
from tinhso.health import services as health
from tinhso.health.identifiers import ChipIdQr, chip_qr_text
from tinhso.health.models import Facility, Immunization

from .accounts import DemoAccount, demo_staff

HOSPITAL = "22001"  # Bệnh viện Đa khoa tỉnh Quảng Ninh (health/data/facilities.csv)
STATION = "22101"  # Trạm Y tế phường Hạ Long
COVID = "840539006"  # SNOMED CT: COVID-19, the disease a COVID-19 vaccine targets
DOSES = [  # vaccine (CVX), dose, date, lot, product, manufacturer, target, series
    ("210", 1, datetime.date(2021, 8, 12), "A1234", "Vaxzevria", "AstraZeneca AB", COVID, 2),
    ("210", 2, datetime.date(2021, 10, 28), "A5678", "Vaxzevria", "AstraZeneca AB", COVID, 2),
    ("208", 3, datetime.date(2022, 3, 15), "FK0112", "Comirnaty", "BioNTech Manufacturing GmbH",
     COVID, 3),
    ("88", 1, datetime.date(2025, 10, 20), "FLU2501", "Vaxigrip Tetra", "Sanofi Pasteur", "", None),
]  # fmt: skip


def _facility(code: str) -> Facility | None:
    return Facility.objects.select_related("agency").filter(code=code).first()


def create_demo_health() -> list[DemoAccount]:
    hospital, station = _facility(HOSPITAL), _facility(STATION)
    if hospital is None or station is None:  # another province's deployment
        return []
    doctor, a1 = demo_staff("bacsi", "Phạm Minh Tuấn", Role.DOCTOR, hospital.agency.code)
    pharmacist, a2 = demo_staff("duocsi", "Lương Thị Mai", Role.PHARMACIST, hospital.agency.code)
    if a1 is not None:
        health.add_practitioner(actor=None, facility=hospital, user=doctor, role=Role.DOCTOR,
                                licence_number="QNI-001234-CCHN", title="BS CKI")  # fmt: skip
        health.add_practitioner(actor=None, facility=station, user=doctor, role=Role.DOCTOR)
    if a2 is not None:
        health.add_practitioner(actor=None, facility=hospital, user=pharmacist,
                                role=Role.PHARMACIST, licence_number="QNI-D-004321-CCHND",
                                title="DS")  # fmt: skip
    _congdan_record(doctor, hospital, station)
    return [a for a in (a1, a2) if a is not None]


def _congdan_record(doctor: User, hospital: Facility, station: Facility) -> None:
    citizen = User.objects.filter(username="congdan").first()
    if citizen is None or not citizen.personal_id or citizen.date_of_birth is None:
        return
    card = ChipIdQr(
        citizen.personal_id, "", citizen.full_name, citizen.date_of_birth, citizen.sex or "female",
        "Phường Hạ Long, tỉnh Quảng Ninh", datetime.date(2021, 6, 1),
    )  # fmt: skip
    visit = health.check_in(actor=doctor, facility=hospital, qr_text=chip_qr_text(card),
                            reason="Khám sức khỏe định kỳ")  # fmt: skip
    patient = visit.patient
    if Immunization.objects.filter(patient=patient).exists():
        return  # the record was made by an earlier bootstrap
    today = timezone.localdate()
    health.set_insurance(
        actor=doctor, facility=hospital, patient=patient, card=f"GD422{22}{citizen.personal_id[-8:]}",
        valid_from=today.replace(month=1, day=1), valid_to=today.replace(month=12, day=31),
        registered_facility=station,
    )  # fmt: skip
    encounter = visit.encounter
    for code, value in [("8480-6", 128), ("8462-4", 82), ("8867-4", 76), ("8310-5", "36.8"),
                        ("29463-7", 54), ("8302-2", 158)]:  # fmt: skip
        health.add_observation(actor=doctor, facility=hospital, patient=patient, code=code,
                               value=value, encounter=encounter)  # fmt: skip
    health.add_condition(actor=doctor, facility=hospital, patient=patient, code="I10",
                         encounter=encounter)  # fmt: skip
    health.add_allergy(actor=doctor, facility=hospital, patient=patient, substance="Penicillin",
                       category="medication", criticality="high", reaction="Nổi mề đay")  # fmt: skip
    health.add_consultation_note(actor=doctor, encounter=encounter,
                                 note="Huyết áp hơi cao, hẹn tái khám sau 1 tháng.")  # fmt: skip
    for vaccine, dose, day, lot, product, maker, target, series in DOSES:
        health.record_immunization(
            actor=doctor, facility=station, patient=patient, vaccine_code=vaccine,
            dose_number=dose, occurred_on=day, lot_number=lot, product_name=product,
            manufacturer=maker, target_disease=target, series_doses=series,
        )  # fmt: skip


def create_demo_certificate():
    """congdan's vaccination certificate (HC1) for the COVID-19 doses above, once: the
    issuer key is generated for this deployment the first time."""
    from tinhso.health import certificates
    from tinhso.health import selectors as health_selectors

    citizen = User.objects.filter(username="congdan").first()
    patient = health_selectors.patient_of_account(citizen) if citizen else None
    if patient is None or patient.vaccination_certificates.exists():
        return None
    if not certificates.covid_doses(patient).exists():
        return None
    return certificates.issue_certificate(actor=None, patient=patient)
