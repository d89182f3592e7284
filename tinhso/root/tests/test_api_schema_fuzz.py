"""Schemathesis against our own OpenAPI document: every operation, with generated
valid and invalid input, as a signed-in citizen with a real API token. No answer
may be a 5xx, and every answer must match the document (status, content type,
body schema)."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tinhso.accounts import services as accounts
from tinhso.dossiers import services as dossiers

pytestmark = pytest.mark.django_db

DRIVING = "9.000001"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


# Loaded when the tests are collected (the document needs no database).
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application(), headers={"Host": "testserver"}
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the WSGI app itself, not through Django's test client, so
    the end of each request would close the database connection (on PostgreSQL, in
    the middle of the test's transaction). Do what the test client does: leave
    connections alone during the test."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(citizen):
    """A demo-like citizen with a phone, a draft dossier and an API token."""
    accounts.update_profile(actor=citizen, user=citizen, email="cd@example.vn", phone="0912345678")
    dossiers.create_dossier(
        actor=citizen,
        procedure_code=DRIVING,
        data={"hang_gplx": "B", "so_gplx_cu": "AB123456", "cam_ket": True},
    )
    _, raw = accounts.issue_api_token(actor=None, user=citizen, name="schemathesis")
    return raw


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_own_contract(case, token):
    case.call_and_validate(
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {token}"},
        # What the API promises: never a server error, and every answer as documented.
        # (Whether schema-valid input is accepted is not asked: the services check
        # more than a schema can say, a personal ID's birth province for one.)
        checks=CHECKS,
    )


@pytest.fixture
def officer_token(make_staff, token):
    """A one-stop officer of the province's service centre (the citizen's draft, from
    `token`, is in the database too)."""
    from tinhso.accounts.models import Role

    officer = make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC")
    _, raw = accounts.issue_api_token(actor=None, user=officer, name="schemathesis")
    return raw


# The officers' operations, with an officer's token: the queue's filters, the actions'
# bodies, batch signing and jobs get past the permission check and are fuzzed too.
@schema.include(
    path_regex=r"^/api/v1/(queue|sign-batches|jobs/|dossiers/\{code\}/actions/)"
).parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_officers_api_keeps_its_own_contract(case, officer_token):
    case.call_and_validate(
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {officer_token}"},
        checks=CHECKS,
    )
