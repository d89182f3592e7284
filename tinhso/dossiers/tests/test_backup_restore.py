"""`tinhso backup` then `tinhso restore` into an empty database (a new SQLite file and
a new var directory, in another process, as an operator would): every dossier, every
paper byte for byte, the signed result still verifying, the audit chain intact. On
the PostgreSQL run the same archive also goes into a new PostgreSQL database."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tinhso.core import backup
from tinhso.dossiers.models import Dossier, DossierDocument

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]

# Runs in the restored installation: what it holds, as JSON on the last line.
CHECK = """
import hashlib, io, json, sys
import django
django.setup()
from django.core.management import call_command
from django.core.management.base import CommandError
from tinhso.core.uploads import open_stored
from tinhso.dossiers.models import Dossier, DossierDocument
from tinhso.signing.services import verify

out = io.StringIO()
call_command("audit_verify", stdout=out)
found = {
    "audit": out.getvalue(),
    "dossiers": sorted(Dossier.objects.values_list("code", "status")),
    "papers": {},
    "results": {},
}
for doc in DossierDocument.objects.all():
    with open_stored(doc.file_path) as fh:
        found["papers"][str(doc.pk)] = hashlib.sha256(fh.read()).hexdigest()
for dossier in Dossier.objects.exclude(result_file=""):
    with open_stored(dossier.result_file) as fh:
        verdict = verify(fh.read())
    found["results"][dossier.code] = [verdict.valid, verdict.signer, verdict.modified]
try:
    call_command("restore", sys.argv[1])
    found["again"] = "accepted"
except CommandError as exc:
    found["again"] = str(exc)
print(json.dumps(found))
"""


def _restored(archive: Path, var: Path, database_url: str) -> dict:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"TINHSO_TESTING"}},
        "DJANGO_SETTINGS_MODULE": "tinhso.settings",
        "DEBUG": "1",
        "TINHSO_VAR_DIR": str(var),
        "DATABASE_URL": database_url,
    }
    restore = subprocess.run(
        [sys.executable, "-m", "tinhso.cli", "restore", str(archive)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert restore.returncode == 0, restore.stderr
    check = subprocess.run(
        [sys.executable, "-c", CHECK, str(archive)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stderr
    return json.loads(check.stdout.strip().splitlines()[-1])


def _targets(tmp_path):
    yield "sqlite", f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    if connection.vendor == "postgresql":
        import psycopg

        params = connection.settings_dict
        name = f"{params['NAME']}_restore"
        admin = {
            "host": params["HOST"] or None,
            "port": params["PORT"] or None,
            "user": params["USER"],
            "password": params["PASSWORD"] or None,
            "dbname": "postgres",
        }
        with psycopg.connect(**admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}"')
            pg.execute(f'CREATE DATABASE "{name}"')
        auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
        yield "postgresql", f"postgres://{auth}@{params['HOST']}:{params['PORT'] or 5432}/{name}"
        with psycopg.connect(**admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restore_into_an_empty_database_finds_everything(returned, draft, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert "backup.tar.gz" in out.getvalue()
    assert oct(archive.stat().st_mode)[-3:] == "600"  # personal data and private keys

    expected_dossiers = sorted(Dossier.objects.values_list("code", "status"))
    media = Path(settings.MEDIA_ROOT)
    expected_papers = {
        str(d.pk): hashlib.sha256((media / d.file_path).read_bytes()).hexdigest()
        for d in DossierDocument.objects.all()
    }
    assert expected_papers and ("returned" in {s for _, s in expected_dossiers})

    for kind, url in _targets(tmp_path):
        found = _restored(archive, tmp_path / f"var-{kind}", url)
        assert found["dossiers"] == [list(x) for x in expected_dossiers], kind
        assert found["papers"] == expected_papers, kind
        valid, signer, modified = found["results"][returned.code]
        assert valid and signer and not modified, kind  # the PAdES signature survived
        assert found["audit"].startswith("audit chain OK"), found["audit"]
        assert "not empty" in found["again"], found["again"]  # no restore over data


def test_a_changed_archive_is_refused_before_anything_changes(returned, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(tampered, "w:gz") as dst:
        for info in src:
            data = src.extractfile(info).read()
            if info.name.startswith("db/") and "dossiers.dossier." in info.name:
                data = data.replace(b'"returned"', b'"approved"')
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    count = Dossier.objects.count()
    with pytest.raises(backup.BackupError, match="SHA-256"):
        backup.restore_backup(tampered)
    assert Dossier.objects.count() == count


def test_an_archive_cannot_write_outside_the_var_directory(tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo("files/../../escaped.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    with pytest.raises(backup.BackupError, match="unexpected member"):
        backup.restore_backup(evil)
    assert not (Path(settings.VAR_DIR).parent / "escaped.txt").exists()


def test_every_table_is_in_the_archive_after_what_it_points_to():
    order = [m._meta.label_lower for m in backup.backed_up_models()]
    assert "sessions.session" not in order
    for earlier, later in [
        ("accounts.user", "dossiers.dossier"),
        ("dossiers.dossier", "dossiers.dossierdocument"),
        ("procedures.procedure", "dossiers.dossier"),
        ("contenttypes.contenttype", "auth.permission"),
    ]:
        assert order.index(earlier) < order.index(later)
