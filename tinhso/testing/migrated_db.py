"""The test database starts as a copy of a kept, freshly migrated one. Running every
migration is most of a short test run's time (Django renders the models' state again
and again), and the result is the same each time: so the first run keeps the migrated
SQLite database in a file under var/test-db/, and the runs after it copy that file
into their in-memory database instead of migrating. The file is named by a
fingerprint of what makes it (the migrations and the project modules they import, the
models, the apps' data files, the settings, `constraints.txt`, the installed packages'
and SQLite's versions): a change to any of them makes a new one, and the old ones are
removed. Only SQLite in memory,
the default for tests; PostgreSQL, or a test database with a name, is migrated as
before. Nothing kept holds more than the migrations wrote: the reference data is
loaded on top as before."""

from __future__ import annotations

import ast
import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

SQLITE = "django.db.backends.sqlite3"


def fingerprint(files: Iterable[Path], *, root: Path, extra: str = "") -> str:
    """A short digest of the files' names (relative to `root`) and contents."""
    digest = hashlib.sha256(extra.encode() + b"\0")
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def imported_by(migrations: Iterable[Path], *, project_dir: Path) -> list[Path]:
    """The project's own modules that migrations import (`from tinhso.audit import
    chain`, `from tinhso.audit.keys import audit_key`): their code shapes the data."""
    found = []
    for migration in migrations:
        for node in ast.walk(ast.parse(migration.read_bytes())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if not name.startswith("tinhso."):
                    continue
                base = project_dir.joinpath(*name.split("."))
                found += [p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()]
    return found


def inputs(project_dir: Path) -> list[Path]:
    """What a migrated test database is made from."""
    apps = project_dir / "tinhso"
    migrations = list(apps.glob("*/migrations/*.py"))
    found = [
        *migrations,
        *imported_by(migrations, project_dir=project_dir),
        *apps.glob("*/models.py"),
        *apps.glob("*/models/*.py"),
        *apps.glob("*/data/**/*"),
        *apps.glob("settings*.py"),  # a migration may read a setting (the cache table)
        project_dir / "constraints.txt",
    ]
    return sorted({path for path in found if path.is_file()})


def installed() -> str:
    """SQLite's version and every installed distribution's (their migrations too)."""
    from importlib.metadata import distributions

    names = sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions())
    return " ".join([f"sqlite=={sqlite3.sqlite_version}", *names])


def template_for(project_dir: Path, *, versions: str = "") -> Path:
    """The kept migrated database for the code of today (older ones removed)."""
    key = fingerprint(inputs(project_dir), root=project_dir, extra=versions)
    folder = project_dir / "var" / "test-db"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"migrated-{key}.sqlite3"
    for old in folder.glob("migrated-*"):
        if old.name != name:
            old.unlink(missing_ok=True)
    return folder / name


def in_memory(database: dict) -> bool:
    return database["ENGINE"] == SQLITE and not (database.get("TEST") or {}).get("NAME")


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    source.backup(target)


def save(connection, template: Path) -> None:
    """Keep the migrated database (written aside, then renamed: never half a file)."""
    partial = template.with_name(f"{template.name}.{os.getpid()}.partial")
    with contextlib.closing(sqlite3.connect(partial)) as target:
        _copy(connection.connection, target)
    partial.replace(template)


def restore(connection, template: Path) -> None:
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(f"file:{template}?mode=ro", uri=True)) as source:
        _copy(source, connection.connection)


@contextlib.contextmanager
def migrating_from_a_kept_copy(databases: dict, *, project_dir: Path) -> Iterator[None]:
    """While the test database is created: the first `migrate` of the default SQLite
    database in memory copies the kept migrated database when there is one, or runs
    and then keeps its result. Any other command, and any later `migrate`, run as
    they are."""
    from django.conf import settings
    from django.core import management
    from django.db import connections

    real = management.call_command
    if not in_memory(databases["default"]):
        yield
        return
    try:
        template = template_for(project_dir, versions=installed())
    except OSError:  # nowhere to keep it (a read-only checkout): migrate as before
        yield
        return

    def call_command(name, *args, **options):
        if name != "migrate" or options.get("database", "default") != "default":
            return real(name, *args, **options)
        if not isinstance(getattr(settings, "MIGRATION_MODULES", {}), dict):
            # `--nomigrations`: the tables come from the models; nothing kept or restored
            management.call_command = real
            return real(name, *args, **options)
        management.call_command = real  # once: the test database's own migration
        connection = connections["default"]
        if template.exists():
            try:
                restore(connection, template)
                return None
            except sqlite3.Error:  # not a database after all: made again below
                template.unlink(missing_ok=True)
        result = real(name, *args, **options)
        with contextlib.suppress(OSError, sqlite3.Error):  # kept next time, if it can be
            save(connection, template)
        return result

    management.call_command = call_command
    try:
        yield
    finally:
        management.call_command = real
