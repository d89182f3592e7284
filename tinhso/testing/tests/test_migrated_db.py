"""The test database starts as a copy of a kept migrated one, named by what makes it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tinhso.testing import migrated_db


def _project(tmp_path: Path) -> Path:
    migrations = tmp_path / "tinhso" / "dossiers" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "0001_initial.py").write_text("operations = []\n")
    (tmp_path / "constraints.txt").write_text("Django==5.2\n")
    return tmp_path


def test_a_new_migration_makes_a_new_kept_database_and_the_old_one_goes(tmp_path):
    project = _project(tmp_path)
    first = migrated_db.template_for(project)
    assert first.parent == project / "var" / "test-db"
    first.write_bytes(b"a database")
    assert migrated_db.template_for(project) == first and first.exists()  # unchanged: kept

    (project / "tinhso" / "dossiers" / "migrations" / "0002_more.py").write_text("x = 1\n")
    after = migrated_db.template_for(project)
    assert after != first
    assert not first.exists()  # a database of the old migrations is never copied


def test_a_renamed_migration_or_a_changed_model_is_a_new_database(tmp_path):
    project = _project(tmp_path)
    before = migrated_db.template_for(project)
    migrations = project / "tinhso" / "dossiers" / "migrations"
    (migrations / "0001_initial.py").rename(migrations / "0002_initial.py")
    renamed = migrated_db.template_for(project)
    assert renamed != before
    (project / "tinhso" / "dossiers" / "models.py").write_text("class Dossier: ...\n")
    changed_model = migrated_db.template_for(project)
    assert changed_model != renamed
    upgraded = migrated_db.template_for(project, versions="django-oauth-toolkit==3.1.0")
    assert upgraded != changed_model  # a package's own migrations may have changed


def test_a_changed_module_that_a_migration_imports_is_a_new_database(tmp_path):
    """A migration that hashes the audit chain with `tinhso.audit.keys` writes what
    that module computes: changing it changes the migrated data."""
    project = _project(tmp_path)
    audit = project / "tinhso" / "audit"
    (audit / "migrations").mkdir(parents=True)
    (audit / "__init__.py").write_text("")
    (audit / "keys.py").write_text("KEY = 1\n")
    (audit / "migrations" / "0002_keyed.py").write_text(
        "def forwards(apps, schema_editor):\n    from tinhso.audit.keys import KEY\n"
    )
    before = migrated_db.template_for(project)
    (audit / "keys.py").write_text("KEY = 2\n")
    assert migrated_db.template_for(project) != before
    (project / "tinhso" / "audit" / "unrelated.py").write_text("x = 1\n")
    after = migrated_db.template_for(project)
    (project / "tinhso" / "audit" / "unrelated.py").write_text("x = 2\n")
    assert migrated_db.template_for(project) == after  # not imported by a migration


class _Connection:
    """The two things of Django's connection the copy uses."""

    def __init__(self, raw):
        self.connection = raw

    def ensure_connection(self):
        pass


def test_what_is_kept_is_what_the_next_run_starts_with(tmp_path):
    migrated = sqlite3.connect(":memory:")
    migrated.executescript(
        "CREATE TABLE event (id INTEGER PRIMARY KEY, note TEXT);"
        "CREATE TRIGGER no_update BEFORE UPDATE ON event BEGIN SELECT RAISE(ABORT, 'no'); END;"
        "INSERT INTO event (note) VALUES ('from a data migration');"
    )
    template = tmp_path / "migrated.sqlite3"
    migrated_db.save(_Connection(migrated), template)
    assert not list(tmp_path.glob("*.partial"))

    fresh = sqlite3.connect(":memory:")
    migrated_db.restore(_Connection(fresh), template)
    assert fresh.execute("SELECT note FROM event").fetchall() == [("from a data migration",)]
    with pytest.raises(sqlite3.DatabaseError, match="no"):  # the migrations' triggers too
        fresh.execute("UPDATE event SET note = 'changed'")


def test_only_sqlite_in_memory_is_copied():
    assert migrated_db.in_memory({"ENGINE": migrated_db.SQLITE, "TEST": {"NAME": None}})
    assert not migrated_db.in_memory({"ENGINE": migrated_db.SQLITE, "TEST": {"NAME": "t.db"}})
    assert not migrated_db.in_memory({"ENGINE": "django.db.backends.postgresql", "TEST": {}})
