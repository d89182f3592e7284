"""The record, who may read it, break-glass, and what the citizen sees."""

from __future__ import annotations

import datetime

import pytest

from tinhso.accounts.models import Role
from tinhso.core.errors import ValidationFailed
from tinhso.health import selectors, services
from tinhso.health.selectors import BreakGlassRequired


def test_the_record_gathers_what_was_written(doctor, hospital, patient, checked_in):
    services.add_condition(actor=doctor, facility=hospital, patient=patient, code="i10",
                           encounter=checked_in.encounter)  # fmt: skip
    services.add_observation(actor=doctor, facility=hospital, patient=patient, code="8480-6",
                             value="135")  # fmt: skip
    services.add_allergy(actor=doctor, facility=hospital, patient=patient, substance="Penicillin",
                         category="medication", criticality="high")  # fmt: skip
    services.record_immunization(
        actor=doctor, facility=hospital, patient=patient, vaccine_code="208", dose_number=1,
        occurred_on=datetime.date(2021, 9, 1), lot_number="FK1234",
    )  # fmt: skip
    record = selectors.record_of(patient)
    assert record.conditions[0].text == "Bệnh lý tăng huyết áp vô căn (nguyên phát)"
    assert (record.observations[0].unit, str(record.observations[0].value)) == ("mm[Hg]", "135.000")
    assert record.allergies[0].substance == "Penicillin"
    assert record.immunizations[0].vaccine_name.startswith("COVID-19")


@pytest.mark.parametrize(("code", "value"), [("8310-5", "60"), ("8310-5", "abc"), ("1234-5", "1")])
def test_implausible_or_unknown_observations_are_refused(doctor, hospital, patient, code, value):
    with pytest.raises(ValidationFailed):
        services.add_observation(actor=doctor, facility=hospital, patient=patient, code=code,
                                 value=value)  # fmt: skip


def test_an_icd10_code_not_in_the_list_is_refused(doctor, hospital, patient):
    with pytest.raises(ValidationFailed) as exc:
        services.add_condition(actor=doctor, facility=hospital, patient=patient, code="XX9")
    assert exc.value.code == "health_unknown_code"


def test_a_read_at_the_patients_facility_is_audited(doctor, hospital, patient):
    selectors.read_patient(viewer=doctor, patient=patient, facility=hospital)
    reads = selectors.reads_of(patient)
    assert len(reads) == 1
    assert reads[0].facility == hospital.name and reads[0].break_glass == ""


def test_a_patient_never_seen_needs_a_reason_first(make_practitioner, station, patient):
    elsewhere = make_practitioner(Role.DOCTOR, station)
    with pytest.raises(BreakGlassRequired):
        selectors.read_patient(viewer=elsewhere, patient=patient, facility=station)
    with pytest.raises(ValidationFailed):
        services.break_glass(actor=elsewhere, facility=station, patient=patient, reason="xem")
    services.break_glass(
        actor=elsewhere, facility=station, patient=patient,
        reason="Cấp cứu ngoài giờ, người bệnh bất tỉnh",
    )  # fmt: skip
    selectors.read_patient(viewer=elsewhere, patient=patient, facility=station)
    (read,) = selectors.reads_of(patient)
    assert read.break_glass == "Cấp cứu ngoài giờ, người bệnh bất tỉnh"


def test_a_break_glass_reason_does_not_open_other_patients(
    make_practitioner, station, patient, doctor, hospital, make_citizen
):
    elsewhere = make_practitioner(Role.DOCTOR, station)
    services.break_glass(actor=elsewhere, facility=station, patient=patient,
                         reason="Cấp cứu ngoài giờ hành chính")  # fmt: skip
    other_user = make_citizen(birth=datetime.date(1960, 1, 1), sex="male")
    other = services.check_in(
        actor=doctor, facility=hospital, personal_id=other_user.personal_id,
        full_name=other_user.full_name, date_of_birth=other_user.date_of_birth,
    ).patient  # fmt: skip
    with pytest.raises(BreakGlassRequired):
        selectors.read_patient(viewer=elsewhere, patient=other, facility=station)


def test_the_citizen_sees_their_own_record(make_citizen, doctor, hospital):
    citizen = make_citizen(birth=datetime.date(1991, 2, 3), sex="female")
    services.check_in(
        actor=doctor, facility=hospital, personal_id=citizen.personal_id,
        full_name=citizen.full_name, date_of_birth=citizen.date_of_birth,
    )  # fmt: skip
    (own,) = selectors.patients_of_citizen(citizen)
    assert own.personal_id == citizen.personal_id
    assert selectors.patients_of_citizen(make_citizen()) == []


def test_an_encounter_takes_notes_until_it_ends(doctor, checked_in):
    encounter = services.add_consultation_note(
        actor=doctor, encounter=checked_in.encounter, note="Đau đầu 3 ngày, không sốt."
    )
    assert "Đau đầu 3 ngày" in encounter.note and encounter.practitioner == doctor
    services.finish_encounter(actor=doctor, encounter=encounter)
    with pytest.raises(Exception, match="kết thúc"):
        services.add_consultation_note(actor=doctor, encounter=encounter, note="thêm")


def test_a_parent_sees_the_records_of_young_household_members(make_citizen, doctor, hospital):
    from tinhso.population.models import Household, Person

    parent = make_citizen(birth=datetime.date(1988, 1, 1))
    home = Household.objects.create(code="HK-TEST-1")
    Person.objects.create(full_name=parent.full_name, name_folded="x", account=parent,
                          household=home, date_of_birth=parent.date_of_birth)  # fmt: skip
    child = Person.objects.create(full_name="Bé Na", name_folded="be na", household=home,
                                  date_of_birth=datetime.date(2019, 6, 1))  # fmt: skip
    grandma = Person.objects.create(full_name="Bà Nội", name_folded="ba noi", household=home,
                                    date_of_birth=datetime.date(1950, 6, 1))  # fmt: skip
    from tinhso.health.models import Patient

    kid = Patient.objects.create(person=child, full_name="Bé Na", date_of_birth=child.date_of_birth)
    Patient.objects.create(person=grandma, full_name="Bà Nội", date_of_birth=grandma.date_of_birth)
    assert selectors.patients_of_citizen(parent) == [kid]
    assert selectors.citizen_patient(parent, kid.pk) == kid
