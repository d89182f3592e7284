"""The test database for every app's tests. Reference data (34 provinces, their wards,
the province's agencies) is loaded once per test database through the real
services; each test runs in a transaction on top of it. The shared fixtures (people,
a dossier at each step of its life) are the plugin tinhso.testing.fixtures."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches

from tinhso.accounts import services as accounts
from tinhso.core.services import load_calendar_overrides
from tinhso.geo.services import load_units
from tinhso.procedures.services import load_catalogue
from tinhso.testing import CATALOGUE_FIXTURE

pytest_plugins = ["tinhso.testing.fixtures"]


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
