"""Check-in by chip ID: a patient of the registry, BHYT validity, a queue number."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tinhso.accounts.models import Role
from tinhso.audit.models import AuditEvent
from tinhso.core.errors import PermissionDenied, ValidationFailed
from tinhso.health import services
from tinhso.health.models import CheckinMethod, Encounter, Patient
from tinhso.population.models import Person


def test_a_qr_check_in_registers_the_patient_and_gives_number_one(checked_in, card, hospital):
    assert checked_in.patient_created
    assert checked_in.encounter.queue_number == 1
    assert checked_in.encounter.checkin_method == CheckinMethod.CHIP_QR
    patient = Patient.objects.get(personal_id=card.personal_id)
    assert (patient.full_name, patient.date_of_birth, patient.sex) == (
        card.full_name, card.date_of_birth, "male"
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="health.checked_in").count() == 1
    assert AuditEvent.objects.filter(
        action="population.match", after__purpose="health_checkin"
    ).exists()


def test_the_next_patient_gets_the_next_number(checked_in, doctor, hospital, make_citizen):
    other = make_citizen(birth=datetime.date(1970, 1, 2), sex="male")
    second = services.check_in(
        actor=doctor, facility=hospital, personal_id=other.personal_id,
        full_name=other.full_name, date_of_birth=other.date_of_birth,
    )  # fmt: skip
    assert second.encounter.queue_number == 2


def test_checking_in_twice_the_same_day_keeps_the_number(checked_in, doctor, hospital, qr):
    again = services.check_in(actor=doctor, facility=hospital, qr_text=qr)
    assert again.already_checked_in
    assert again.encounter.pk == checked_in.encounter.pk
    assert Encounter.objects.count() == 1


def test_numbers_count_per_facility(checked_in, station, station_staff, qr):
    there = services.check_in(actor=station_staff, facility=station, qr_text=qr)
    assert there.encounter.queue_number == 1


def test_a_registry_person_is_linked(doctor, hospital, card, qr):
    person = Person.objects.create(
        personal_id=card.personal_id, full_name=card.full_name, name_folded="tran van binh",
        date_of_birth=card.date_of_birth, sex="male",
    )  # fmt: skip
    result = services.check_in(actor=doctor, facility=hospital, qr_text=qr)
    assert result.patient.person == person


def test_a_typed_id_unknown_to_the_registry_asks_for_the_qr(doctor, hospital):
    with pytest.raises(ValidationFailed) as exc:
        services.check_in(actor=doctor, facility=hospital, personal_id="022085009999")
    assert "Không tìm thấy" in str(exc.value.message)
    assert not Patient.objects.exists()


def test_foreign_qr_text_changes_nothing(doctor, hospital):
    with pytest.raises(ValidationFailed) as exc:
        services.check_in(actor=doctor, facility=hospital, qr_text="https://vietqr.net/abc")
    assert exc.value.code == "health_bad_qr"
    assert not Encounter.objects.exists()


def test_only_the_facilitys_staff_check_in(make_practitioner, station, hospital, qr):
    elsewhere = make_practitioner(Role.DOCTOR, station)
    with pytest.raises(PermissionDenied):
        services.check_in(actor=elsewhere, facility=hospital, qr_text=qr)


def test_pharmacists_do_not_check_in(make_practitioner, hospital, qr):
    pharmacist = make_practitioner(Role.PHARMACIST, hospital)
    with pytest.raises(PermissionDenied):
        services.check_in(actor=pharmacist, facility=hospital, qr_text=qr)


def test_the_insurance_card_shows_valid_at_check_in(doctor, hospital, qr, card, patient):
    today = timezone.localdate()
    services.set_insurance(
        actor=doctor, facility=hospital, patient=patient, card="DN4222212345678",
        valid_from=today - datetime.timedelta(days=30), valid_to=today + datetime.timedelta(days=300),
    )  # fmt: skip
    services.finish_encounter(actor=doctor, encounter=patient.encounters.get())
    again = services.check_in(actor=doctor, facility=hospital, qr_text=qr)
    assert again.bhyt_valid and again.encounter.queue_number == 2
    patient.refresh_from_db()
    assert patient.social_insurance_number == "2212345678"


def test_an_expired_card_is_not_valid(doctor, hospital, patient):
    services.set_insurance(
        actor=doctor, facility=hospital, patient=patient, card="2212345678",
        valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2020, 12, 31),
    )  # fmt: skip
    assert not patient.bhyt_valid_on(timezone.localdate())


def test_a_bad_card_is_refused(doctor, hospital, patient):
    with pytest.raises(ValidationFailed) as exc:
        services.set_insurance(
            actor=doctor, facility=hospital, patient=patient, card="DN42222",
            valid_from=None, valid_to=None,
        )  # fmt: skip
    assert exc.value.code == "health_bad_bhyt"


@pytest.mark.django_db(transaction=True)
def test_two_desks_at_once_get_different_numbers(hospital):
    """The counter row is locked while incremented (on PostgreSQL, SELECT … FOR UPDATE;
    SQLite serialises writers): threads checking in together never share a number."""
    import threading

    from django.db import connection, transaction

    numbers: list[int] = []
    errors: list[Exception] = []
    day = timezone.localdate()

    def take():
        try:
            with transaction.atomic():
                numbers.append(services.next_queue_number(facility=hospital, day=day))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    if connection.vendor == "sqlite":
        pytest.skip("SQLite in-memory test databases are not shared between threads")
    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == list(range(1, 9))
