"""Backup and restore of the whole platform: every table and the files of the var
directory (uploaded papers, issued results, the province's PKI, the audit chain's
key when it was generated there, the OpenID Connect signing key), in one portable
archive.

The archive is a tar.gz: `db/NNNN-<app.model>.ndjson` (one JSON object a row, tables
in dependency order), `files/…` and `pki/…` as they are under TINHSO_VAR_DIR, and
`manifest.json` last, with the SHA-256 and size of every member and the migrations
the database had. Rows are written as their column values (full-precision
timestamps, binary as base64), read with `.iterator()` and streamed to disk, so a
large database never sits in memory, and a dump made on SQLite restores into
PostgreSQL and back.

A restore checks every member against the manifest before it touches anything,
refuses a database that already holds data (unless asked to replace it), inserts the
rows as they were, keys included (so the audit chain verifies as before: its triggers
refuse UPDATE and DELETE, never INSERT), resets PostgreSQL's sequences, then puts the
files in place.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import importlib
import io
import json
import os
import tarfile
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .signals import restored

FORMAT = "tinhso-backup"
VERSION = 1
FILE_DIRS = (
    "files",
    "pki",
    "keys",
    "oidc",
)  # under TINHSO_VAR_DIR (keys: the audit chain's; oidc: the ID-token signing key)
SKIPPED_MODELS = {"sessions.session"}  # sign-ins end with a restore
# A database holds data once anyone or `bootstrap` wrote to it; rows that `migrate`
# alone writes (content types, permissions, the audit head, seeded settings) are
# replaced by the archive's.
DATA_MODELS = ("accounts.user", "audit.auditevent", "geo.administrativeunit")
BATCH = 1000
CHUNK = 1 << 20


class BackupError(Exception):
    """A refusal with a message for the operator; nothing was changed."""


@dataclass
class Member:
    name: str
    sha256: str
    size: int
    rows: int | None = None


# ------------------------------------------------------------------ the models


def backed_up_models() -> list[type[models.Model]]:
    """Every table of the platform, each after the tables it points to."""
    found = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and m._meta.label_lower not in SKIPPED_MODELS
    ]
    found.sort(key=lambda m: m._meta.label_lower)
    included = set(found)
    needs = {
        m: {
            f.related_model
            for f in m._meta.concrete_fields
            if f.is_relation and f.related_model in included and f.related_model is not m
        }
        for m in found
    }
    ordered: list[type[models.Model]] = []
    placed: set = set()
    while len(ordered) < len(found):
        ready = [m for m in found if m not in placed and needs[m] <= placed]
        if not ready:  # a cycle: the constraints are deferred to the commit anyway
            ready = [next(m for m in found if m not in placed)]
        for m in ready:
            ordered.append(m)
            placed.add(m)
    return ordered


def _encode(value):
    if value is None or isinstance(value, (bool, int, float, str, dict, list)):
        return value
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value // datetime.timedelta(microseconds=1)
    if isinstance(value, (bytes, memoryview, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    raise TypeError(f"cannot back up a {type(value).__name__}")


def _decoder(field) -> Callable:
    kind = field.get_internal_type()
    parse = {
        "DateTimeField": datetime.datetime.fromisoformat,
        "DateField": datetime.date.fromisoformat,
        "TimeField": datetime.time.fromisoformat,
        "DurationField": lambda v: datetime.timedelta(microseconds=v),
        "BinaryField": base64.b64decode,
        "DecimalField": decimal.Decimal,
        "UUIDField": uuid.UUID,
    }.get(kind)
    if parse is None:
        return lambda v: v
    return lambda v: None if v is None else parse(v)


# ------------------------------------------------------------------ backup


class _HashingWriter(io.RawIOBase):
    def __init__(self, raw):
        self.raw, self.digest, self.size = raw, hashlib.sha256(), 0

    def writable(self):
        return True

    def write(self, data):
        self.digest.update(data)
        self.size += len(data)
        return self.raw.write(data)


def _dump_table(model, path: Path) -> Member:
    fields = model._meta.concrete_fields
    names = [f.attname for f in fields]
    rows = 0
    with path.open("wb") as raw:
        out = _HashingWriter(raw)
        query = model._base_manager.order_by("pk").values_list(*names)
        for values in query.iterator(chunk_size=2000):
            line = json.dumps(
                dict(zip(names, map(_encode, values), strict=True)),
                ensure_ascii=False,
                separators=(",", ":"),
            )
            out.write(line.encode("utf-8") + b"\n")
            rows += 1
    return Member(path.name, out.digest.hexdigest(), out.size, rows)


def _var_files() -> Iterator[tuple[Path, str]]:
    root = Path(settings.VAR_DIR)
    for top in FILE_DIRS:
        base = root / top
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.is_symlink() and not path.name.endswith(".part"):
                yield path, path.relative_to(root).as_posix()


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> Member:
    digest = hashlib.sha256()
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as fh:

        class _Hashing(io.RawIOBase):
            def readable(self):
                return True

            def readinto(self, buffer):
                data = fh.read(len(buffer))
                digest.update(data)
                buffer[: len(data)] = data
                return len(data)

        tar.addfile(info, io.BufferedReader(_Hashing(), CHUNK))
    return Member(name, digest.hexdigest(), info.size)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def applied_migrations() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        found.setdefault(app, []).append(name)
    return found


def default_output() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"tinhso-{stamp}.tar.gz"


def create_backup(output: Path, *, progress: Callable[[str], None] = lambda _: None) -> dict:
    """Write the archive to `output` (a new file, mode 0600); returns the manifest."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    tables = []
    files = []
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with (
            os.fdopen(fd, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as tar,
            tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as staging,
        ):
            # One snapshot of every table: rows that point at each other agree.
            outermost = not connection.in_atomic_block
            with transaction.atomic():
                if connection.vendor == "postgresql" and outermost:
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                migrations = applied_migrations()
                for n, model in enumerate(backed_up_models(), start=1):
                    label = model._meta.label_lower
                    path = Path(staging) / f"{n:04d}-{label}.ndjson"
                    member = _dump_table(model, path)
                    member.name = f"db/{path.name}"
                    tar.add(str(path), arcname=member.name, filter=_anonymous)
                    path.unlink()
                    tables.append({"model": label, **member.__dict__})
                    progress(f"{label}: {member.rows} rows")
            # Files after the rows: every file a row points at was written before
            # its row committed, so it is there (newer files are harmless extras).
            for path, name in _var_files():
                files.append(_add_file(tar, path, name).__dict__)
            progress(f"files: {len(files)}")
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "migrations": migrations,
                "tables": tables,
                "files": files,
            }
            _add_bytes(
                tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            )
            raw.flush()
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def _anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


# ------------------------------------------------------------------ restore


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and "\x00" not in name
        and (path.parts[0] == "db" or path.parts[0] in FILE_DIRS or name == "manifest.json")
    )


def _unpack(archive: Path, staging: Path) -> dict:
    """Every member to `staging`, each checked against the manifest."""
    seen: dict[str, tuple[str, int]] = {}
    manifest = None
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for info in tar:
                if not info.isfile() or not _safe_name(info.name):
                    raise BackupError(f"unexpected member in the archive: {info.name!r}")
                source = tar.extractfile(info)
                if info.name == "manifest.json":
                    manifest = json.loads(source.read(50 << 20))
                    continue
                target = staging / info.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                seen[info.name] = (digest.hexdigest(), info.size)
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise BackupError(f"{archive}: not a readable tinhso backup ({exc})") from exc
    if not manifest or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: no tinhso manifest in this archive")
    if manifest.get("version") != VERSION:
        raise BackupError(f"{archive}: backup format version {manifest.get('version')} unknown")
    listed = {m["name"]: (m["sha256"], m["size"]) for m in manifest["tables"] + manifest["files"]}
    for name, expected in listed.items():
        if name not in seen:
            raise BackupError(f"{archive}: {name} is missing")
        if seen[name] != tuple(expected):
            raise BackupError(f"{archive}: {name} does not match its SHA-256 in the manifest")
    extra = set(seen) - set(listed)
    if extra:
        raise BackupError(f"{archive}: members not in the manifest: {sorted(extra)[:5]}")
    return manifest


def _check_migrations(manifest: dict) -> None:
    here = {(app, name) for app, names in applied_migrations().items() for name in names}
    there = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    missing = sorted(there - here)
    if missing:
        shown = ", ".join(f"{a}.{n}" for a, n in missing[:5])
        raise BackupError(
            f"the archive was made by a newer tinhso (migrations {shown} are not here): "
            "upgrade this installation first"
        )


def _tables_with_data(models_: dict) -> list[str]:
    return [label for label in DATA_MODELS if models_[label]._base_manager.exists()]


def _audit_triggers(index: int) -> None:
    """Drop (1) or create again (0) the triggers that keep the audit log append-only."""
    for name, attr in (("0002_append_only", "SQL"), ("0004_streams", "ANCHOR_GUARD")):
        module = importlib.import_module(f"tinhso.audit.migrations.{name}")
        statements = getattr(module, attr).get(connection.vendor)
        if statements:
            with connection.cursor() as cursor:
                for statement in statements[index]:
                    cursor.execute(statement)


def _wipe(models_: list, *, audit_log: bool) -> None:
    """Empty every table (what migrate seeded, or everything with --replace)."""
    if audit_log:
        _audit_triggers(1)
    for model in reversed(models_):
        model._base_manager.all()._raw_delete(using=connection.alias)
    if audit_log:
        _audit_triggers(0)


def _load_table(model, path: Path) -> int:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    decode = {name: _decoder(field) for name, field in fields.items()}
    batch, count = [], 0
    with path.open("rb") as fh:
        for line in fh:
            row = json.loads(line)
            unknown = set(row) - set(fields)
            if unknown:
                raise BackupError(f"{model._meta.label_lower}: unknown columns {sorted(unknown)}")
            batch.append(model(**{k: decode[k](v) for k, v in row.items()}))
            if len(batch) >= BATCH:
                model._base_manager.bulk_create(batch)
                count += len(batch)
                batch = []
    if batch:
        model._base_manager.bulk_create(batch)
        count += len(batch)
    return count


def _place_files(staging: Path, manifest: dict) -> None:
    root = Path(settings.VAR_DIR)
    for entry in manifest["files"]:
        target = root / entry["name"]
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(staging / entry["name"], 0o600)
        os.replace(staging / entry["name"], target)


def restore_backup(
    archive: Path, *, replace: bool = False, progress: Callable[[str], None] = lambda _: None
) -> dict:
    """Restore `archive` into this installation's database and var directory."""
    from django.core.management import call_command

    root = Path(settings.VAR_DIR)
    with tempfile.TemporaryDirectory(dir=root, prefix=".restore-") as tmp:
        staging = Path(tmp)
        manifest = _unpack(archive, staging)
        call_command("migrate", interactive=False, verbosity=0)
        progress(
            f"archive checked: {len(manifest['tables'])} tables, "
            f"{len(manifest['files'])} files, every SHA-256 matches"
        )
        _check_migrations(manifest)
        models_ = {m._meta.label_lower: m for m in backed_up_models()}
        unknown = [t["model"] for t in manifest["tables"] if t["model"] not in models_]
        if unknown:
            raise BackupError(f"the archive has tables this tinhso does not know: {unknown}")
        with transaction.atomic():
            busy = _tables_with_data(models_)
            if busy and not replace:
                raise BackupError(
                    "the database is not empty ("
                    + ", ".join(busy[:6])
                    + (", …" if len(busy) > 6 else "")
                    + "): restore into an empty database, or pass --replace to erase it first"
                )
            _wipe(list(models_.values()), audit_log=bool(busy))
            for table in manifest["tables"]:
                model = models_[table["model"]]
                count = _load_table(model, staging / table["name"])
                if count != table["rows"]:
                    raise BackupError(
                        f"{table['model']}: {count} rows read, {table['rows']} listed"
                    )
                progress(f"{table['model']}: {count} rows")
            statements = connection.ops.sequence_reset_sql(no_style(), list(models_.values()))
            if statements:
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)
        _place_files(staging, manifest)
        progress(f"files: {len(manifest['files'])}")
        restored.send(sender=restore_backup, manifest=manifest)
    return manifest
