"""The fixtures every app's tests share, as a pytest plugin (tinhso/conftest.py
registers it with `pytest_plugins`). People come from the factories; a dossier moves
along its life through the real services, each fixture one step after the last:

    applicant → draft → complete_draft → submitted → received → in_progress
              → awaiting_approval → approved → result_ready → returned
"""

from __future__ import annotations

import datetime

import pytest

from tinhso.accounts import services as accounts
from tinhso.accounts.models import Agency, Role
from tinhso.dossiers import services
from tinhso.payments.services import record_desk_payment

from . import TEST_PASSWORD, act, bearer_client, pdf_file
from .factories import CitizenFactory, DossierFactory, StaffFactory

# ---------------------------------------------------------------- people


@pytest.fixture
def make_citizen(db):
    def make(
        *, birth=datetime.date(1990, 5, 12), sex="female", password=TEST_PASSWORD, verified=True
    ):
        """A self-registered citizen; `verified`: whose ID card a desk has checked."""
        return CitizenFactory(date_of_birth=birth, sex=sex, password=password, verified=verified)

    return make


@pytest.fixture
def citizen(make_citizen):
    return make_citizen()


@pytest.fixture
def make_staff(db):
    def make(role: str, agency_code: str, *, password=TEST_PASSWORD):
        return StaffFactory(role=role, agency_code=agency_code, password=password)

    return make


@pytest.fixture
def ward_codes(db):
    """Two wards of Quảng Ninh: their People's Committees are agencies UBND<code>."""
    codes = list(
        Agency.objects.filter(kind="ward_committee")
        .order_by("code")
        .values_list("code", flat=True)[:2]
    )
    return codes


@pytest.fixture
def province_admin(make_staff):
    return make_staff(Role.ADMINISTRATOR, "UBND")


@pytest.fixture
def api_as():
    return bearer_client


@pytest.fixture
def second_factor_client(client):
    """`client` signed in as an officer who passed the second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY

    def sign_in(user):
        device = accounts.create_confirmed_totp(user=user)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return sign_in


# ---------------------------------------------------------------- a dossier, by its applicant


@pytest.fixture
def applicant(citizen):
    accounts.update_profile(actor=citizen, user=citizen, email="cd@example.vn", phone="0912345678")
    citizen.refresh_from_db()
    return citizen


@pytest.fixture
def draft(applicant):
    return DossierFactory(applicant=applicant)


@pytest.fixture
def complete_draft(draft, applicant):
    services.attach_document(actor=applicant, dossier=draft, kind="giay-phep-cu", upload=pdf_file())
    services.attach_document(
        actor=applicant, dossier=draft, kind="giay-kham-suc-khoe", upload=pdf_file("kham.pdf")
    )
    return draft


@pytest.fixture
def submitted(complete_draft, applicant):
    return services.take_action(actor=applicant, code=complete_draft.code, action="submit")


# ---------------------------------------------------------------- back office


@pytest.fixture
def officer(make_staff):
    return make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC")


@pytest.fixture
def specialist(make_staff):
    return make_staff(Role.SPECIALIST, "SXD")


@pytest.fixture
def leader(make_staff):
    from tinhso.signing.services import issue_certificate

    person = make_staff(Role.LEADER, "SXD")
    issue_certificate(actor=None, user=person)
    return person


@pytest.fixture
def received(submitted, officer):
    return act(officer, submitted, "receive")


@pytest.fixture
def in_progress(received, officer, specialist):
    return act(officer, received, "assign", assignee=specialist.username)


@pytest.fixture
def awaiting_approval(in_progress, specialist):
    return act(specialist, in_progress, "submit_for_approval", note="dự thảo kết quả")


@pytest.fixture
def approved(awaiting_approval, leader):
    return act(leader, awaiting_approval, "approve")


@pytest.fixture
def result_ready(approved, leader):
    return act(leader, approved, "sign")


@pytest.fixture
def paid(result_ready, officer):
    """The fee paid at the desk (the result is handed over only after it)."""
    record_desk_payment(
        actor=officer, code=result_ready.code, method="cash", receipt_number="BL-000001"
    )
    result_ready.refresh_from_db()
    return result_ready


@pytest.fixture
def returned(paid, officer):
    return act(officer, paid, "return")
