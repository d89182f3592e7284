from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from .models import StoredDocument
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
