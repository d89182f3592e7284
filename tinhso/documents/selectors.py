from __future__ import annotations

import hashlib

from django.db.models import QuerySet
from django.utils import timezone

from .models import IssuedDocument, StoredDocument
from .services import result_kind


def documents_of(user) -> QuerySet[StoredDocument]:
    return StoredDocument.objects.filter(owner=user).order_by("-issued_at")


def reusable(user, *, kind: str, accepts: list[str]) -> list[StoredDocument]:
    """Papers of this user that satisfy a procedure's paper: the same kind, or the
    result of a procedure it accepts; still valid today."""
    kinds = [kind, *(result_kind(code) for code in accepts)]
    today = timezone.localdate()
    return [
        d
        for d in StoredDocument.objects.filter(owner=user, kind__in=kinds).order_by("-issued_at")
        if d.valid_until is None or d.valid_until >= today
    ]


def document_of(user, pk: int) -> StoredDocument | None:
    return StoredDocument.objects.filter(owner=user, pk=pk).first()


def issued_by_code(code: str) -> IssuedDocument | None:
    """The register entry a QR code opens (codes are upper-case; people type them in
    any case)."""
    code = (code or "").strip().upper()
    if not code or len(code) > 24:
        return None
    return IssuedDocument.objects.filter(code=code).first()


def is_that_document(issued: IssuedDocument, content: bytes) -> bool:
    """Whether a file IS the paper of this entry: byte for byte the original (a copy
    re-signed or re-saved, however valid its signature, is not)."""
    return hashlib.sha256(content).hexdigest() == issued.sha256


def masked_holder(name: str) -> str:
    """ "Nguyễn Thị Bình An" → "Nguyễn T. B. A.": enough for the holder to recognise,
    not enough for a stranger to learn who holds a paper."""
    words = name.split()
    if len(words) <= 1:
        return (name[:1] + ".") if name else ""
    return " ".join([words[0], *(w[0] + "." for w in words[1:])])
