"""The pages a station, a doctor, a pharmacy and a citizen use."""

from __future__ import annotations

import datetime

import pytest

from tinhso.accounts.models import Role
from tinhso.health import certificates, prescribing, vaccination
from tinhso.health.models import Immunization, Prescription

from .dcc_helpers import make_encounter, make_facility, make_patient, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def station():
    from tinhso.geo.models import AdministrativeUnit

    ward = AdministrativeUnit.objects.filter(parent__isnull=False).order_by("code").first()
    return make_facility("22T01", name="Trạm Y tế Thử", kind="commune_station", unit=ward)


@pytest.fixture
def nurse(station):
    return staff(Role.NURSE, station)


def test_recording_a_dose_then_issuing_a_certificate_shows_the_qr(
    station, nurse, second_factor_client
):
    patient = make_patient(personal_id="022090001234")
    client = second_factor_client(nurse)
    found = client.get("/y-te/tiem-chung/", {"personal_id": "022090001234"})
    url = f"/y-te/tiem-chung/{station.code}/nguoi-benh/{patient.pk}/"
    assert found.status_code == 302 and found["Location"] == url

    bad = client.post(url, {"vaccine_code": "208", "dose_number": "1", "occurred_on": "2099-01-01"})
    assert bad.status_code == 200
    assert "Ngày ở tương lai." in bad.content.decode()
    assert not Immunization.objects.exists()

    done = client.post(url, {"vaccine_code": "208", "dose_number": "1", "occurred_on": "2021-08-01", "lot_number": "FK1234"})  # fmt: skip
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "FK1234" in page and "Cấp giấy chứng nhận tiêm chủng" in page

    issued = client.post(f"{url}cap-chung-nhan/")
    assert issued.status_code == 302
    cert_page = client.get(issued["Location"])
    html = cert_page.content.decode()
    assert cert_page.status_code == 200 and "qr.png" in html and "URN:UVCI:01:VN:" in html
    qr = client.get(issued["Location"] + "qr.png")
    assert qr["Content-Type"] == "image/png" and qr.content[:4] == b"\x89PNG"
    pdf = client.get(issued["Location"] + "pdf/")
    assert pdf.content[:5] == b"%PDF-"


def test_a_revoked_certificate_shows_as_revoked_without_its_qr(
    station, nurse, second_factor_client
):
    patient = make_patient()
    vaccination.record_dose(actor=nurse, patient=patient, facility=station, vaccine_code="207",
                            dose_number=1, occurred_on=datetime.date(2021, 8, 1))  # fmt: skip
    cert = certificates.issue_certificate(actor=nurse, patient=patient)
    doctor = staff(Role.DOCTOR, station)
    client = second_factor_client(doctor)
    url = f"/y-te/chung-nhan/{cert.pk}/"
    empty = client.post(url, {"reason": ""})
    assert "error-summary" in empty.content.decode()
    client.post(url, {"reason": "Cấp nhầm người"})
    html = client.get(url).content.decode()
    assert "Giấy chứng nhận đã bị thu hồi" in html and "Cấp nhầm người" in html
    assert "qr.png" not in html


def test_a_stranger_cannot_see_a_certificate(station, nurse, client, citizen):
    patient = make_patient()
    vaccination.record_dose(actor=nurse, patient=patient, facility=station, vaccine_code="207",
                            dose_number=1, occurred_on=datetime.date(2021, 8, 1))  # fmt: skip
    cert = certificates.issue_certificate(actor=nurse, patient=patient)
    client.force_login(citizen)
    assert client.get(f"/y-te/chung-nhan/{cert.pk}/").status_code == 404
    assert client.get(f"/y-te/chung-nhan/{cert.pk}/qr.png").status_code == 404


def test_the_due_list_names_the_wards_children_who_missed_a_dose(
    station, nurse, second_factor_client
):
    from tinhso.population.models import Person

    today = datetime.date.today()
    baby = Person.objects.create(full_name="Bé Trần An", name_folded="be tran an",
                                 date_of_birth=today - datetime.timedelta(days=100), ward=station.unit)  # fmt: skip
    Person.objects.create(full_name="Người Lớn", name_folded="nguoi lon",
                          date_of_birth=datetime.date(1980, 1, 1), ward=station.unit)  # fmt: skip
    html = (
        second_factor_client(nurse)
        .get(f"/y-te/tiem-chung/{station.code}/can-tiem/")
        .content.decode()
    )
    assert baby.full_name in html and "Người Lớn" not in html
    assert "Quá hạn" in html  # the birth doses, 100 days late


def test_a_doctor_prescribes_and_the_pharmacy_dispenses_once(second_factor_client, client):
    hospital = make_facility()
    doctor = staff(Role.DOCTOR, hospital)
    encounter = make_encounter(make_patient(), hospital)
    c = second_factor_client(doctor)
    form = {"kind": "c", "diagnosis": "J06.9", "drug_1": "Paracetamol 500mg",
            "dose_1": "Uống 1 viên khi sốt", "quantity_1": "10", "unit_1": "viên", "days_1": "5"}  # fmt: skip
    response = c.post(f"/y-te/luot-kham/{encounter.pk}/ke-don/", form)
    assert response.status_code == 302
    prescription = Prescription.objects.get()
    assert c.get(f"/y-te/don-thuoc/{prescription.code}/pdf/").content[:5] == b"%PDF-"
    c.logout()

    pharmacist = staff(Role.PHARMACIST, make_facility("NT001", name="Nhà thuốc", kind="pharmacy"))
    p = second_factor_client(pharmacist)
    shown = p.get("/y-te/nha-thuoc/", {"code": prescription.code.upper()}).content.decode()
    assert "Paracetamol 500mg" in shown and "Cấp phát</button>" in shown
    assert p.post("/y-te/nha-thuoc/", {"code": prescription.code}).status_code == 302
    again = p.post("/y-te/nha-thuoc/", {"code": prescription.code}).content.decode()
    assert "đã được cấp phát" in again and "Cấp phát</button>" not in again


def test_a_narcotic_prescription_without_the_second_confirmation_is_refused_on_the_page(
    second_factor_client,
):
    hospital = make_facility()
    doctor = staff(Role.DOCTOR, hospital)
    encounter = make_encounter(make_patient(), hospital)
    form = {"kind": "n", "diagnosis": "C34.9", "drug_1": "Morphin 10mg", "dose_1": "Tiêm 1 ống",
            "quantity_1": "5", "unit_1": "ống", "days_1": "5"}  # fmt: skip
    html = second_factor_client(doctor).post(f"/y-te/luot-kham/{encounter.pk}/ke-don/", form)
    assert "Xác nhận lần thứ hai" in html.content.decode()
    assert not Prescription.objects.exists()
    assert prescribing.MAX_DAYS["n"] == 30
