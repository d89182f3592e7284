"""The pages: reception by QR text, the record (audited, break-glass), the citizen's
record with who read it, its IPS bundle and PDF, booking."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from tinhso.accounts.models import Role
from tinhso.health import selectors, services


@pytest.fixture
def desk(second_factor_client, doctor):
    return second_factor_client(doctor)


def test_reception_checks_in_by_qr_text_and_shows_the_number(desk, hospital, qr, card):
    response = desk.post(reverse("health:reception", args=[hospital.code]), {"qr_text": qr})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Số thứ tự 1" in page and card.full_name in page


def test_reception_explains_a_foreign_qr(desk, hospital):
    response = desk.post(
        reverse("health:reception", args=[hospital.code]), {"qr_text": "https://example.vn"}
    )
    assert "không phải mã QR của thẻ căn cước" in response.content.decode()


def test_reception_is_for_the_facilitys_staff(
    make_practitioner, station, hospital, second_factor_client
):
    other = second_factor_client(make_practitioner(Role.DOCTOR, station))
    assert other.get(reverse("health:reception", args=[hospital.code])).status_code == 403


def test_the_record_page_is_an_audited_read(desk, hospital, patient):
    response = desk.get(reverse("health:record", args=[hospital.code, patient.pk]))
    assert response.status_code == 200
    assert len(selectors.reads_of(patient)) == 1


def test_an_unseen_patient_goes_through_break_glass(
    make_practitioner, station, patient, second_factor_client
):
    client = second_factor_client(make_practitioner(Role.DOCTOR, station))
    url = reverse("health:record", args=[station.code, patient.pk])
    response = client.get(url)
    assert response.status_code == 302 and "khan-cap" in response["Location"]
    client.post(response["Location"], {"reason": "Người bệnh chuyển tuyến cấp cứu"})
    assert client.get(url).status_code == 200
    assert selectors.reads_of(patient)[0].break_glass == "Người bệnh chuyển tuyến cấp cứu"


def test_vital_signs_from_the_record_page(desk, hospital, patient):
    url = reverse("health:record_entry", args=[hospital.code, patient.pk, "vitals"])
    desk.post(url, {"v-8867-4": "72", "v-8310-5": "37.2"})
    assert {o.code for o in patient.observations.all()} == {"8867-4", "8310-5"}
    bad = desk.post(url, {"v-8310-5": "80"})
    assert bad.status_code == 400


@pytest.fixture
def citizen_with_record(make_citizen, doctor, hospital):
    citizen = make_citizen(birth=datetime.date(1992, 4, 5))
    patient = services.check_in(
        actor=doctor, facility=hospital, personal_id=citizen.personal_id,
        full_name=citizen.full_name, date_of_birth=citizen.date_of_birth,
    ).patient  # fmt: skip
    services.add_condition(actor=doctor, facility=hospital, patient=patient, code="J02")
    services.record_immunization(actor=doctor, facility=hospital, patient=patient,
                                 vaccine_code="208", dose_number=1,
                                 occurred_on=datetime.date(2021, 8, 1))  # fmt: skip
    selectors.read_patient(viewer=doctor, patient=patient, facility=hospital)
    return citizen, patient


def test_the_citizen_sees_their_record_and_who_read_it(client, citizen_with_record, doctor):
    citizen, patient = citizen_with_record
    client.force_login(citizen)
    page = client.get(reverse("health:my_record", args=[patient.pk])).content.decode()
    assert "Viêm họng cấp" in page and doctor.get_full_name() in page


def test_the_citizen_downloads_a_valid_ips_bundle(client, citizen_with_record):
    citizen, patient = citizen_with_record
    client.force_login(citizen)
    response = client.get(reverse("health:my_record_ips", args=[patient.pk]))
    bundle = Bundle.model_validate_json(response.content)
    assert bundle.type == "document"
    assert bundle.entry[0].resource.get_resource_type() == "Composition"
    kinds = {e.resource.get_resource_type() for e in bundle.entry}
    assert {"Patient", "Condition", "Immunization"} <= kinds


def test_the_citizen_downloads_a_pdf(client, citizen_with_record):
    citizen, patient = citizen_with_record
    client.force_login(citizen)
    response = client.get(reverse("health:my_record_pdf", args=[patient.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_nobody_else_opens_a_citizens_record(client, citizen_with_record, make_citizen):
    _citizen, patient = citizen_with_record
    client.force_login(make_citizen(birth=datetime.date(1970, 1, 1)))
    assert client.get(reverse("health:my_record", args=[patient.pk])).status_code == 404


def test_a_citizen_books_from_the_page(client, doctor, hospital, citizen):
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)
    (slot,) = services.open_slots(actor=doctor, facility=hospital, practitioner=doctor,
                                  start=start, count=1)  # fmt: skip
    client.force_login(citizen)
    assert hospital.name in client.get(reverse("health:book")).content.decode()
    own = selectors.patient_of_account(citizen)
    client.post(reverse("health:book_slot", args=[slot.pk]), {"patient": own.pk})
    slot.refresh_from_db()
    assert slot.patient == own
