"""A full upload disk: the paper is refused with a 507 problem that says so, nothing
is changed (no row, no file left behind), and the same request succeeds once there
is room again."""

import errno
import io
import os
from pathlib import Path

import pytest
from django.conf import settings

from tinhso.dossiers.models import DossierDocument
from tinhso.testing import PDF

pytestmark = pytest.mark.django_db


def _files() -> set[Path]:
    return {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def _post_paper(api, code):
    upload = io.BytesIO(PDF)
    upload.name = "giay.pdf"
    return api.post(
        f"/api/v1/dossiers/{code}/documents",
        {"kind": "giay-phep-cu", "file": upload},
        HTTP_IDEMPOTENCY_KEY=f"paper-{code}",
    )


def test_a_full_disk_is_a_507_that_changes_nothing(draft, applicant, api_as, monkeypatch):
    api = api_as(applicant)
    before = _files()
    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    response = _post_paper(api, draft.code)
    assert response.status_code == 507
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "storage_full"
    assert "không đủ chỗ" in response.json()["detail"]
    assert response["Retry-After"] == "60"
    assert not DossierDocument.objects.filter(dossier=draft).exists()
    assert _files() == before

    monkeypatch.setattr(os, "fsync", real_fsync)
    again = _post_paper(api, draft.code)  # the same key: the 507 was not stored
    assert again.status_code == 201
    assert DossierDocument.objects.filter(dossier=draft).count() == 1
