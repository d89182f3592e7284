"""Fixtures shared by every app's tests. Reference data (34 provinces, their wards,
the province's agencies) is loaded once per test database through the real
services; each test runs in a transaction on top of it."""

from __future__ import annotations

import datetime
import itertools
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.test import Client

from tinhso.accounts import services as accounts
from tinhso.accounts.demo import demo_personal_id
from tinhso.accounts.models import Agency, Role
from tinhso.core.services import load_calendar_overrides
from tinhso.geo.services import load_units
from tinhso.procedures.services import load_catalogue

CATALOGUE_FIXTURE = Path(__file__).parent / "procedures" / "tests" / "catalogue_fixture.json"

_counter = itertools.count(1)
TEST_PASSWORD = "Mat-khau-rat-dai-1"  # test users only


def _load_reference_data() -> None:
    load_units()
    accounts.load_agencies(province_code="22")
    load_calendar_overrides()
    load_catalogue(path=CATALOGUE_FIXTURE)
    from tinhso.monitoring.services import load_index_definition

    load_index_definition()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _load_reference_data()
        cache.clear()  # the shared cache is a table of the test database


@pytest.fixture(autouse=True)
def _reference_data_after_a_flush(request, django_db_blocker):
    """A transactional test ends by emptying every table: load the reference data
    again for the tests after it (autouse: torn down after the flush)."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        from tinhso.core import workdays

        with django_db_blocker.unblock():
            _load_reference_data()
            cache.clear()  # a flush empties the models' tables, not the cache's
        workdays.forget_calendar()


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with no attempts counted and nothing cached. The shared cache
    (the limits) is a table of the test database: what a test counts there goes with
    its transaction, or with the flush above. The process's own cache is emptied here."""
    caches["local"].clear()


@pytest.fixture
def make_citizen(db):
    def make(*, birth=datetime.date(1990, 5, 12), sex="female", password=TEST_PASSWORD):
        n = next(_counter)
        return accounts.register_citizen(
            username=f"congdan{n}",
            password=password,
            full_name=f"Nguyễn Thị Công Dân {n}",
            personal_id=demo_personal_id(birth=birth, sex=sex),
            date_of_birth=birth,
            sex=sex,
        )

    return make


@pytest.fixture
def citizen(make_citizen):
    return make_citizen()


@pytest.fixture
def make_staff(db):
    def make(role: str, agency_code: str, *, password=TEST_PASSWORD):
        n = next(_counter)
        return accounts.create_staff_user(
            actor=None,
            username=f"{role}{n}",
            full_name=f"Cán Bộ {n}",
            email=f"canbo{n}@example.vn",
            role=role,
            agency=Agency.objects.get(code=agency_code),
            password=password,
        )

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


def bearer_client(user) -> Client:
    _, raw = accounts.issue_api_token(actor=None, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


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
