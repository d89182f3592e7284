"""Once-only: the declaration (tờ khai) a procedure asks for is not uploaded by the
citizen when the online form already holds every line of it. It is made from the
answers as a PDF (procedures.pdf, the layout of core.document_layout) and attached to
the dossier, as the paper the officer would otherwise have received, when the
dossier is submitted and again when a supplement changed the answers."""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tinhso.core import uploads
from tinhso.procedures.pdf import filled_declaration_pdf

from ..answers import answers
from ..models import Dossier, DossierDocument
from .common import definition_of


def _declaration(dossier: Dossier, paper_label: str) -> bytes:
    definition = definition_of(dossier)
    addressee = dossier.agency.name
    rows = [(a.label, a.shown) for a in answers(definition.fields, dossier.data)]
    return filled_declaration_pdf(
        definition=definition,
        paper_label=paper_label,
        addressee=addressee,
        answers=rows,
        declarant=dossier.applicant_name,
        dossier_code=dossier.code,
        place=dossier.unit.name if dossier.unit_id else "",
        day=timezone.localdate(),
    )


def attach_declarations(dossier: Dossier, *, actor, now) -> list[DossierDocument]:
    """Make and attach each generated declaration of the locked `dossier` whose
    answers changed since the last one (the caller writes the timeline and audit)."""
    made = []
    for paper in definition_of(dossier).documents:
        if not paper.generated:
            continue
        rows = sorted((k, str(v)) for k, v in dossier.data.items())
        fingerprint = hashlib.sha256(repr((paper.kind, rows)).encode()).hexdigest()[:16]
        current = DossierDocument.objects.filter(
            dossier=dossier, kind=paper.kind, replaced_at__isnull=True
        ).first()
        if current is not None and current.display_name.endswith(f"{fingerprint}.pdf"):
            continue  # the answers it was made from have not changed
        content = _declaration(dossier, paper.label)
        upload = SimpleUploadedFile(
            f"to-khai-{dossier.code}-{fingerprint}.pdf", content, content_type="application/pdf"
        )
        stored = uploads.store_upload(upload, folder=f"dossiers/{timezone.localdate():%Y/%m}")
        DossierDocument.objects.filter(
            dossier=dossier, kind=paper.kind, replaced_at__isnull=True
        ).update(replaced_at=now)
        made.append(
            DossierDocument.objects.create(
                dossier=dossier,
                kind=paper.kind,
                file_path=stored.relative_path,
                display_name=stored.display_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=actor,
            )
        )
    return made
