"""The test database for every app's tests. Reference data (34 provinces, their wards,
the province's agencies) is loaded once per test database through the real
services; each test runs in a transaction on top of it. The shared fixtures (people,
a dossier at each step of its life) are the plugin tinhso.testing.fixtures."""

from __future__ import annotations

import importlib

import pytest
from django.core.cache import cache, caches
from django.db import connection
from pytest_django.plugin import blocking_manager_key

from tinhso.accounts import services as accounts
from tinhso.core.services import load_calendar_overrides
from tinhso.geo.services import load_units
from tinhso.procedures.services import load_catalogue
from tinhso.testing import CATALOGUE_FIXTURE, migrated_db

pytest_plugins = ["tinhso.testing.fixtures"]


def _load_reference_data() -> None:
    load_units()
    accounts.load_agencies(province_code="22")
    load_calendar_overrides()
    load_catalogue(path=CATALOGUE_FIXTURE)
    from tinhso.monitoring.services import load_index_definition

    load_index_definition()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """SQLite's test database in memory starts as a copy of a kept migrated one
    (tinhso.testing.migrated_db) instead of running every migration again."""
    from django.conf import settings

    with migrated_db.migrating_from_a_kept_copy(
        settings.DATABASES, project_dir=settings.PROJECT_DIR
    ):
        yield


_database: dict[str, bool] = {"ready": False}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _seal_audit_heads()
        _load_reference_data()
        cache.clear()  # the shared cache is a table of the test database
    _database["ready"] = True


def _seal_audit_heads() -> None:
    """The kept migrated database's audit head was sealed by its migrations under the
    key of the run that made it; each run has its own key (its var directory): seal
    it again under this one (no event is in it yet)."""
    from tinhso.audit import chain
    from tinhso.audit.keys import audit_key
    from tinhso.audit.models import AuditHead

    for head in AuditHead.objects.exclude(keyed_from=None):
        head.seal = chain.head_seal(
            audit_key(),
            stream=head.stream,
            seq=head.seq,
            hash=head.hash,
            keyed_from=head.keyed_from,
        )
        head.save(update_fields=["seal"])


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(
        (marker is not None and marker.kwargs.get("transaction"))
        or "live_server" in getattr(item, "fixturenames", ())
        or "transactional_db" in getattr(item, "fixturenames", ())
    )


def _empty_audit_log() -> None:
    """Around the guard triggers: a flush cannot delete audit events (nor anchors)
    otherwise."""
    for module, attr, table in (
        ("0002_append_only", "SQL", "audit_auditevent"),
        ("0004_streams", "ANCHOR_GUARD", "audit_auditanchor"),
    ):
        guard = importlib.import_module(f"tinhso.audit.migrations.{module}")
        statements = getattr(guard, attr).get(connection.vendor)
        with connection.cursor() as cursor:
            for statement in statements[1] if statements else ():
                cursor.execute(statement)
            cursor.execute(f"DELETE FROM {table}")  # nosec B608: our own table names
            for statement in statements[0] if statements else ():
                cursor.execute(statement)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (live_server among them) ends by emptying every table:
    empty the append-only audit log first (its triggers refuse the flush), and load
    the reference data again after the flush, for the tests after it. Not before the
    test database exists: a PostgreSQL-only test skipped on SQLite, the first of its
    worker, set up nothing."""
    transactional = _is_transactional(item) and _database["ready"]
    blocker = item.config.stash[blocking_manager_key] if transactional else None
    if blocker is not None:
        with blocker.unblock():
            _empty_audit_log()
    try:
        return (yield)
    finally:
        # (After the session's last test the test database is gone already: nothing
        # comes after it to need the reference data.)
        if blocker is not None and nextitem is not None:
            from tinhso.core import workdays

            with blocker.unblock():
                _load_reference_data()
                cache.clear()  # a flush empties the models' tables, not the cache's
            workdays.forget_calendar()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Vietnamese): a request in English
    leaves English active on the test's thread, whatever test runs next on it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with no attempts counted and nothing cached. The shared cache
    (the limits) is a table of the test database: what a test counts there goes with
    its transaction, or with the flush above. The process's own cache is emptied here."""
    caches["local"].clear()
