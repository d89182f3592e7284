"""E-prescriptions: issued with the national code, dispensed once (the API's 200 then
409, and two pharmacies at once), controlled kinds under stricter rules."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from tinhso.accounts.models import Role
from tinhso.core.errors import Conflict, PermissionDenied, ValidationFailed
from tinhso.health import prescribing, prescription_code
from tinhso.health.dcc_error_codes import PrescriptionErrorCode
from tinhso.health.models import Prescription

from .dcc_helpers import make_encounter, make_facility, make_patient, staff

ITEMS = [
    prescribing.Item("Paracetamol 500mg", "Uống 1 viên khi sốt, cách 6 giờ", "10", "viên", 5),
    prescribing.Item("Amoxicillin 500mg", "Uống 1 viên x 3 lần/ngày", "21", "viên", 7),
]


@pytest.fixture
def hospital(db):
    return make_facility()


@pytest.fixture
def doctor(hospital):
    return staff(Role.DOCTOR, hospital)


@pytest.fixture
def pharmacist(hospital):
    return staff(Role.PHARMACIST, make_facility("NT001", name="Nhà thuốc Thử", kind="pharmacy"))


@pytest.fixture
def encounter(hospital):
    return make_encounter(make_patient(), hospital)


@pytest.fixture
def prescription(doctor, encounter):
    return prescribing.issue_prescription(
        actor=doctor, encounter=encounter, kind="c", items=ITEMS, diagnosis="J06.9"
    )


def test_an_issued_prescription_carries_the_national_code(prescription, hospital):
    assert prescription_code.parse(prescription.code) == (
        hospital.code,
        prescription.code[5:12],
        "c",
    )
    assert prescription.items.count() == 2
    assert prescription.status == "active" and prescription.issued_at is not None


def test_the_api_dispenses_once_then_answers_409(prescription, pharmacist, api_as):
    client = api_as(pharmacist)
    url = f"/api/v1/health/prescriptions/{prescription.code}/dispense"
    first = client.post(url, content_type="application/json")
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "completed"
    second = client.post(url, content_type="application/json")
    assert second.status_code == 409
    assert second.json()["code"] == PrescriptionErrorCode.ALREADY_DISPENSED
    assert "đã được cấp phát" in second.json()["detail"]
    prescription.refresh_from_db()
    assert prescription.dispensed_by == pharmacist


def test_only_pharmacists_dispense_and_unknown_codes_are_404(
    prescription, doctor, pharmacist, api_as
):
    def post(user, code):
        url = f"/api/v1/health/prescriptions/{code}/dispense"
        return api_as(user).post(url, content_type="application/json")

    assert post(doctor, prescription.code).status_code == 403
    assert post(pharmacist, prescription.code[:5] + "zzzzzzz-c").status_code == 404
    assert post(pharmacist, "abc").status_code == 400
    assert post(pharmacist, prescription.code).status_code == 200


def test_a_prescription_older_than_five_days_is_not_filled(prescription, pharmacist):
    later = prescription.issued_at + datetime.timedelta(days=5, minutes=1)
    with pytest.raises(Conflict) as caught:
        prescribing.dispense(actor=pharmacist, code=prescription.code, now=later)
    assert caught.value.code == PrescriptionErrorCode.EXPIRED


def test_a_pharmacy_cannot_be_scoped_out_but_a_doctor_elsewhere_cannot_prescribe(encounter):
    other = staff(Role.DOCTOR, make_facility("22009", name="Bệnh viện khác"))
    with pytest.raises(PermissionDenied):
        prescribing.issue_prescription(actor=other, encounter=encounter, kind="c", items=ITEMS)


def _narcotic(doctor, encounter, **kw):
    values = {
        "actor": doctor,
        "encounter": encounter,
        "kind": "n",
        "items": [prescribing.Item("Morphin 10mg", "Tiêm dưới da 1 ống khi đau", "5", "ống", 5)],
        "diagnosis": "C34.9 Ung thư phổi",
        "confirmed": True,
    }
    values.update(kw)
    return prescribing.issue_prescription(**values)


def test_narcotic_prescriptions_need_a_diagnosis_a_second_confirmation_and_at_most_30_days(
    doctor, encounter
):
    with pytest.raises(ValidationFailed) as caught:
        _narcotic(doctor, encounter, confirmed=False)
    assert caught.value.code == PrescriptionErrorCode.CONFIRMATION_REQUIRED
    with pytest.raises(ValidationFailed) as caught:
        _narcotic(doctor, encounter, diagnosis="")
    assert "diagnosis" in caught.value.fields
    with pytest.raises(ValidationFailed) as caught:
        _narcotic(doctor, encounter, items=[prescribing.Item("Morphin", "x", "60", "ống", 31)])
    assert caught.value.code == PrescriptionErrorCode.TOO_LONG
    # an ordinary prescription may run longer
    assert prescribing.issue_prescription(
        actor=doctor, encounter=encounter, kind="c",
        items=[prescribing.Item("Metformin 500mg", "Uống 1 viên sáng", "60", "viên", 60)],
    ).code.endswith("-c")  # fmt: skip
    assert Prescription.objects.filter(type_letter="n").count() == 0


def test_no_repeat_narcotic_while_one_is_not_dispensed(doctor, encounter, pharmacist):
    first = _narcotic(doctor, encounter)
    assert first.code.endswith("-n")
    with pytest.raises(Conflict) as caught:
        _narcotic(doctor, encounter)
    assert caught.value.code == PrescriptionErrorCode.CONTROLLED_OPEN
    # a psychotropic one is another kind; after dispensing, a new narcotic is allowed
    with pytest.raises(ValidationFailed):
        prescribing.dispense(actor=pharmacist, code=first.code)  # ID not confirmed
    prescribing.dispense(actor=pharmacist, code=first.code, confirmed=True)
    assert _narcotic(doctor, encounter).code != first.code


@pytest.mark.django_db(transaction=True)
def test_two_pharmacies_at_once_one_wins_the_other_gets_409(hospital, doctor, encounter):
    prescription = prescribing.issue_prescription(
        actor=doctor, encounter=encounter, kind="c", items=ITEMS
    )
    pharmacists = [
        staff(Role.PHARMACIST, make_facility(f"NT00{n}", name=f"Nhà thuốc {n}", kind="pharmacy"))
        for n in (1, 2)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(user):
        try:
            barrier.wait(timeout=10)
            prescribing.dispense(actor=user, code=prescription.code)
            outcomes.append("dispensed")
        except Conflict:
            outcomes.append("conflict")
        except Exception as exc:  # noqa: BLE001 - reported in the assertion below
            outcomes.append(f"error: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in pharmacists]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    if connection.vendor == "sqlite" and any(o.startswith("error") for o in outcomes):
        pytest.skip(f"SQLite refused the concurrent writers: {outcomes}")
    assert sorted(outcomes) == ["conflict", "dispensed"]
    prescription.refresh_from_db()
    assert prescription.dispensed_at is not None
    assert prescription.dispensed_at <= timezone.now()
