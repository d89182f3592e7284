"""Putting papers into a citizen's store, and the public register of the papers the
state issued. Called by the dossier, education and other services with plain values:
this app knows nothing of them."""

from __future__ import annotations

import datetime
import hashlib
import os
import secrets
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.audit.services import record_event
from tinhso.core.errors import Conflict, ValidationFailed

from .models import IssuedDocument, IssuedStatus, StoredDocument

RESULT_PREFIX = "ket-qua:"


def result_kind(procedure_code: str) -> str:
    return f"{RESULT_PREFIX}{procedure_code}"


@transaction.atomic
def keep(
    *,
    owner,
    kind: str,
    title: str,
    issuer: str,
    source_reference: str,
    file_path: str,
    content_type: str,
    size: int,
    sha256: str,
    issued_at: datetime.datetime,
    digitally_signed: bool,
    valid_until: datetime.date | None = None,
) -> StoredDocument:
    """Keep a paper in the owner's store (once per content and kind)."""
    document, created = StoredDocument.objects.get_or_create(
        owner=owner,
        sha256=sha256,
        kind=kind,
        defaults={
            "title": title[:300],
            "issuer": issuer[:300],
            "source_reference": source_reference,
            "file_path": file_path,
            "content_type": content_type,
            "size": size,
            "issued_at": issued_at,
            "valid_until": valid_until,
            "digitally_signed": digitally_signed,
        },
    )
    if created:
        record_event(
            actor=None,
            action="documents.stored",
            object_type="documents.StoredDocument",
            object_id=document.pk,
            after={"owner": owner.username, "kind": kind, "source": source_reference},
        )
    return document


def _write_original(content: bytes, *, folder: str) -> str:
    """The issued file, written once and fsynced before its register row commits."""
    relative = Path(folder) / f"{timezone.now():%Y}" / f"{uuid.uuid4().hex}.pdf"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())
    target.chmod(0o600)
    return relative.as_posix()


def new_issued_code() -> str:
    """The code the QR carries: 16 characters from a 32-letter alphabet (80 bits), so
    the register cannot be walked by guessing."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


@transaction.atomic
def issue(
    *,
    actor,
    code: str,
    content: bytes,
    kind: str,
    title: str,
    number: str,
    issuer_code: str,
    issuer_name: str,
    holder_name: str,
    holder_identifier: str,
    owners: list,
    issued_at: datetime.datetime,
    folder: str = "issued",
) -> IssuedDocument:
    """Register a signed paper the state issued (its code was printed on it as a QR
    before signing), keep the original, and put it in each owner's store."""
    sha = hashlib.sha256(content).hexdigest()
    path = _write_original(content, folder=folder)
    issued = IssuedDocument.objects.create(
        code=code,
        kind=kind,
        title=title[:300],
        number=number,
        issuer_code=issuer_code,
        issuer_name=issuer_name[:300],
        issued_at=issued_at,
        holder_name=holder_name[:150],
        holder_identifier=holder_identifier,
        sha256=sha,
        file_path=path,
    )
    record_event(
        actor=actor,
        action="documents.issued",
        object_type="documents.IssuedDocument",
        object_id=issued.pk,
        after={"kind": kind, "number": number, "sha256": sha, "code": code},
        agency_code=issuer_code,
    )
    for owner in owners:
        keep(
            owner=owner,
            kind=kind,
            title=title,
            issuer=issuer_name,
            source_reference=code,
            file_path=path,
            content_type="application/pdf",
            size=len(content),
            sha256=sha,
            issued_at=issued_at,
            digitally_signed=True,
        )
    return issued


@transaction.atomic
def change_status(
    *, actor, issued: IssuedDocument, status: str, reason: str, replaced_by=None
) -> IssuedDocument:
    """Thu hồi / thay thế: the entry stays, its status says what became of the paper.
    The caller checks the actor may act for the issuer."""
    if status not in (IssuedStatus.REVOKED, IssuedStatus.REPLACED):
        raise ValidationFailed(_("Trạng thái không hợp lệ."))
    if not reason.strip():
        raise ValidationFailed(
            _("Cần ghi lý do."), fields={"reason": _("Ghi lý do thu hồi hoặc thay thế.")}
        )
    locked = IssuedDocument.objects.select_for_update().get(pk=issued.pk)
    if locked.status != IssuedStatus.VALID:
        raise Conflict(_("Văn bản này đã bị thu hồi hoặc thay thế."))
    before = locked.status
    locked.status = status
    locked.status_reason = reason.strip()[:300]
    locked.status_changed_at = timezone.now()
    locked.replaced_by = replaced_by
    locked.save(update_fields=["status", "status_reason", "status_changed_at", "replaced_by"])
    record_event(
        actor=actor,
        action="documents.issued_status",
        object_type="documents.IssuedDocument",
        object_id=locked.pk,
        before={"status": before},
        after={"status": status, "reason": locked.status_reason},
        agency_code=locked.issuer_code,
    )
    return locked
