"""Attacks on the FHIR API with bad input: clear OperationOutcomes, never a 500."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def test_an_offset_beyond_any_database_integer_is_a_400_outcome(patient, doctor, api_as):
    response = api_as(doctor).get("/fhir/Patient", {"_offset": "9" * 23})
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["resourceType"] == "OperationOutcome"
    assert "_offset" in body["issue"][0]["diagnostics"]


def test_the_next_link_still_pages_normally(patient, doctor, api_as):
    response = api_as(doctor).get("/fhir/Patient", {"_offset": "0", "_count": "1"})
    assert response.status_code == 200
    assert json.loads(response.content)["total"] == 1
