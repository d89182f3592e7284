"""Putting papers into a citizen's store. Called by the dossier services, with plain
values: this app knows nothing of dossiers."""

from __future__ import annotations

import datetime

from django.db import transaction

from tinhso.audit.services import record_event

from .models import StoredDocument

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
