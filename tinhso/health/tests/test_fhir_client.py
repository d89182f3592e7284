"""The FHIR API driven by a real FHIR client library (fhirclient) over HTTP against
the live test server: metadata, search by identifier, read, create, paging."""

from __future__ import annotations

import datetime

import pytest
import requests
from fhirclient import client
from fhirclient.models.bundle import Bundle
from fhirclient.models.condition import Condition
from fhirclient.models.immunization import Immunization
from fhirclient.models.patient import Patient

from tinhso.accounts import services as accounts
from tinhso.accounts.models import Role
from tinhso.health import services
from tinhso.health.identifiers import CCCD_SYSTEM

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def token(doctor):
    _, raw = accounts.issue_api_token(actor=None, user=doctor, name="his")
    return raw


@pytest.fixture
def smart(live_server, token):
    fhir = client.FHIRClient(settings={"app_id": "his", "api_base": f"{live_server.url}/fhir/"})
    fhir.server.session.headers["Authorization"] = f"Bearer {token}"
    yield fhir
    # Its kept-alive connections closed: the server's thread for each then ends and
    # closes its database connection (left open, they outlived the session, and the
    # test database could not be dropped: "being accessed by other users").
    fhir.server.session.close()


@pytest.fixture
def doses(doctor, hospital, patient):
    for n in range(1, 4):
        services.record_immunization(
            actor=doctor, facility=hospital, patient=patient, vaccine_code="208", dose_number=n,
            occurred_on=datetime.date(2021, 6, 1) + datetime.timedelta(days=60 * n),
            lot_number=f"LOT{n}",
        )  # fmt: skip


def test_the_capability_statement_lists_the_resources(smart):
    statement = smart.server.capabilityStatement
    kinds = {res.type for res in statement.rest[0].resource}
    assert {"Patient", "Immunization", "MedicationRequest", "Appointment"} <= kinds


def test_a_patient_is_found_by_cccd_and_read(smart, patient, card):
    found = Patient.where(struct={"identifier": f"{CCCD_SYSTEM}|{card.personal_id}"})
    (hit,) = list(found.perform_resources_iter(smart.server))
    assert hit.name[0].text == card.full_name and hit.birthDate.isostring == "1985-03-04"
    again = Patient.read(hit.id, smart.server)
    assert again.identifier[0].value == card.personal_id


def test_immunizations_page_with_next_links(smart, patient, doses):
    search = Immunization.where(struct={"patient": str(patient.pk), "_count": "2"})
    first = next(iter(search.perform_iter(smart.server)))
    assert first.total == 3 and len(first.entry) == 2
    (next_url,) = [link.url for link in first.link if link.relation == "next"]
    second = Bundle(smart.server.request_json(next_url))
    assert [e.resource.lotNumber for e in second.entry] == ["LOT3"]


def test_a_doctor_creates_a_condition(smart, patient):
    condition = Condition(
        {
            "resourceType": "Condition",
            "subject": {"reference": f"Patient/{patient.pk}"},
            "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "J02"}]},
        }
    )
    created = condition.create(smart.server)
    assert created["code"]["text"] == "Viêm họng cấp"
    assert patient.conditions.get().code == "J02"


def test_errors_are_operation_outcomes(live_server, token, patient):
    base = f"{live_server.url}/fhir"
    unauthenticated = requests.get(f"{base}/Patient/{patient.pk}", timeout=10)
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["Content-Type"].startswith("application/fhir+json")
    assert unauthenticated.json()["resourceType"] == "OperationOutcome"
    bad = requests.post(
        f"{base}/Observation", json={"resourceType": "Observation", "code": {"text": "x"}},
        headers={"Authorization": f"Bearer {token}"}, timeout=10,
    )  # fmt: skip
    assert bad.status_code == 400 and bad.json()["issue"][0]["code"] == "structure"


def test_a_patient_of_another_facility_is_refused(live_server, make_practitioner, station, patient):
    other = make_practitioner(Role.DOCTOR, station)
    _, raw = accounts.issue_api_token(actor=None, user=other, name="x")
    response = requests.get(
        f"{live_server.url}/fhir/Patient/{patient.pk}/$everything",
        headers={"Authorization": f"Bearer {raw}"}, timeout=10,
    )  # fmt: skip
    assert response.status_code == 403
    assert response.json()["issue"][0]["code"] == "forbidden"


def test_everything_returns_the_record(smart, patient, doses):
    bundle = Bundle(smart.server.request_json(f"Patient/{patient.pk}/$everything"))
    kinds = [e.resource.resource_type for e in bundle.entry]
    assert kinds.count("Immunization") == 3 and kinds[0] == "Patient" and "Encounter" in kinds


def test_an_access_token_of_the_oidc_provider_works_too(client, doctor, patient):
    """A system registered with the province's OpenID Connect provider, acting for a
    signed-in doctor, reads with the provider's access token (no live server needed)."""
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import get_access_token_model

    from tinhso.oidc.services import register_client

    his, _secret = register_client(actor=None, name="HIS bệnh viện",
                                   redirect_uris=["https://his.example.vn/cb"])  # fmt: skip
    get_access_token_model().objects.create(
        user=doctor, application=his, token="oidc-access-token-for-the-test",  # noqa: S106
        expires=timezone.now() + timedelta(minutes=5), scope="openid profile",
    )  # fmt: skip
    ok = client.get(f"/fhir/Patient/{patient.pk}",
                    HTTP_AUTHORIZATION="Bearer oidc-access-token-for-the-test")  # fmt: skip
    assert ok.status_code == 200 and ok.json()["resourceType"] == "Patient"
    wrong = client.get(f"/fhir/Patient/{patient.pk}", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401
