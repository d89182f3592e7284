"""Certificates through the services and the API: issued for the latest COVID-19 dose,
verified offline from the QR image with the public trust list alone, revoked."""

from __future__ import annotations

import base64
import datetime
import io
import zlib

import base45
import cbor2
import pytest
import zxingcpp
from PIL import Image
from pycose.headers import KID
from pycose.keys import EC2Key
from pycose.keys.curves import P256
from pycose.messages import CoseMessage

from tinhso.accounts.models import Role
from tinhso.core.errors import Conflict, PermissionDenied, ValidationFailed
from tinhso.health import certificates, dcc, vaccination
from tinhso.health.models import DccIssuerKey

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
def nurse(hospital):
    return staff(Role.NURSE, hospital)


@pytest.fixture
def vaccinated(hospital, nurse):
    patient = make_patient()
    for n, day in ((1, datetime.date(2021, 8, 1)), (2, datetime.date(2021, 9, 1))):
        vaccination.record_dose(
            actor=nurse, patient=patient, facility=hospital, vaccine_code="208",
            dose_number=n, occurred_on=day, lot_number=f"FF{n}", series_doses=2,
        )  # fmt: skip
    return patient


def _offline_verify(text: str, trust_list: dict) -> dict:
    """A foreign verifier: base45, zlib, COSE with pycose, the key from the JSON list."""
    assert text.startswith("HC1:")
    message = CoseMessage.decode(zlib.decompress(base45.b45decode(text[4:])))
    kid = message.phdr.get(KID) or message.uhdr.get(KID)
    entry = next(k for k in trust_list["keys"] if base64.b64decode(k["kid"]) == kid)
    assert entry["alg"] == "ES256"

    def unb64(s):
        return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))

    message.key = EC2Key(crv=P256, x=unb64(entry["jwk"]["x"]), y=unb64(entry["jwk"]["y"]))
    assert message.verify_signature()
    return cbor2.loads(message.payload)


def test_the_qr_image_decodes_and_verifies_offline_with_the_public_trust_list(
    vaccinated, nurse, client
):
    certificate = certificates.issue_certificate(actor=nurse, patient=vaccinated)
    png = certificates.qr_png(certificate.hc1)
    decoded = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCode
    )
    assert len(decoded) == 1
    text = decoded[0].text
    assert text == certificate.hc1

    trust_list = client.get("/api/v1/health/dcc/trust-list").json()  # public, no sign-in
    claim = _offline_verify(text, trust_list)
    entry = claim[-260][1]["v"][0]
    assert claim[1] == "VN"
    assert (entry["dn"], entry["sd"], entry["dt"]) == (2, 2, "2021-09-01")
    assert entry["ci"] == certificate.uvci and dcc.is_valid_uvci(entry["ci"])
    assert claim[-260][1]["nam"]["fnt"] == "NGUYEN"
    assert set(certificate.immunizations.values_list("dose_number", flat=True)) == {1, 2}


def test_one_issuer_key_per_deployment_kept_outside_the_database(vaccinated, nurse, tmp_path):
    first = certificates.issue_certificate(actor=nurse, patient=vaccinated)
    second = certificates.issue_certificate(actor=nurse, patient=vaccinated)
    assert DccIssuerKey.objects.count() == 1
    key = DccIssuerKey.objects.get()
    assert first.issuer_key == second.issuer_key == key
    path = tmp_path / "pki" / "dcc"
    files = list(path.iterdir())
    assert len(files) == 1 and oct(files[0].stat().st_mode & 0o777) == "0o600"
    assert "PRIVATE" not in str(key.public_jwk) and "d" not in key.public_jwk


def test_revoked_certificates_are_listed_and_refused(vaccinated, nurse, hospital, client):
    certificate = certificates.issue_certificate(actor=nurse, patient=vaccinated)
    doctor = staff(Role.DOCTOR, hospital)
    with pytest.raises(PermissionDenied):
        certificates.revoke_certificate(actor=nurse, certificate=certificate, reason="nhầm")
    with pytest.raises(ValidationFailed):
        certificates.revoke_certificate(actor=doctor, certificate=certificate, reason=" ")
    certificates.revoke_certificate(actor=doctor, certificate=certificate, reason="Nhập nhầm lô")
    with pytest.raises(Conflict):
        certificates.revoke_certificate(actor=doctor, certificate=certificate, reason="lần hai")

    revoked = client.get("/api/v1/health/dcc/revocation-list").json()
    assert revoked["hashes"] == [dcc.revocation_hash(certificate.uvci)]
    with pytest.raises(dcc.DccError) as caught:
        dcc.verify_hc1(certificate.hc1, trust_list=certificates.trust_list(), revoked=revoked)
    assert caught.value.reason == "revoked"


def test_no_certificate_without_a_covid_dose_or_by_a_pharmacist(hospital, nurse):
    patient = make_patient()
    vaccination.record_dose(
        actor=nurse, patient=patient, facility=hospital, vaccine_code="19",
        dose_number=1, occurred_on=datetime.date(2021, 1, 1),
    )  # fmt: skip
    with pytest.raises(ValidationFailed):
        certificates.issue_certificate(actor=nurse, patient=patient)
    with pytest.raises(PermissionDenied):
        certificates.issue_certificate(actor=staff(Role.PHARMACIST, hospital), patient=patient)


def test_the_citizen_api_lists_only_their_own_certificates(vaccinated, nurse, citizen, api_as):
    other = certificates.issue_certificate(actor=nurse, patient=vaccinated)
    mine_patient = make_patient(full_name=citizen.full_name, personal_id=citizen.personal_id,
                                birth=citizen.date_of_birth)  # fmt: skip
    vaccination.record_dose(
        actor=nurse, patient=mine_patient, facility=other.immunizations.first().facility,
        vaccine_code="210", dose_number=1, occurred_on=datetime.date(2021, 7, 1),
    )  # fmt: skip
    mine = certificates.issue_certificate(actor=nurse, patient=mine_patient)

    response = api_as(citizen).get("/api/v1/health/me/vaccination-certificates")
    assert response.status_code == 200
    body = response.json()
    assert [c["id"] for c in body] == [mine.pk]
    assert set(body[0]) == {"id", "hc1", "issued_at"} and body[0]["hc1"].startswith("HC1:")
    # the PDF went to the citizen's document store
    mine.refresh_from_db()
    assert mine.document is not None and mine.document.owner == citizen
    assert (certificates.settings.MEDIA_ROOT / mine.document.file_path).read_bytes()[:5] == b"%PDF-"


def test_a_dose_needs_a_known_vaccine_and_a_past_date(hospital, nurse):
    patient = make_patient()

    def record(**kw):
        values = {"actor": nurse, "patient": patient, "facility": hospital, "vaccine_code": "19",
                  "dose_number": 1, "occurred_on": datetime.date(2021, 1, 1)}  # fmt: skip
        return vaccination.record_dose(**{**values, **kw})

    for bad, field in [
        ({"vaccine_code": "nope"}, "vaccine_code"),
        ({"occurred_on": datetime.date.today() + datetime.timedelta(days=1)}, "occurred_on"),
        ({"dose_number": 0}, "dose_number"),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            record(**bad)
        assert field in caught.value.fields
    with pytest.raises(PermissionDenied):
        record(facility=make_facility("22002", name="Trạm khác"))
    assert record().vaccine_name == "Lao (BCG)"
