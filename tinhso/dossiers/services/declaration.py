"""Once-only: the declaration (tờ khai) a procedure asks for is not uploaded by the
citizen when the online form already holds every line of it. It is made from the
answers as a PDF (procedures.pdf, the layout of core.document_layout) and attached to
the dossier, as the paper the officer would otherwise have received, after the
dossier is submitted and again after a supplement changed the answers.

Making it is slow (a PDF rendered, a file written and synced): not in the citizen's
request. The submission asks for a background job after its commit
(`declarations_after_commit`, the task `dossiers.declarations`); whoever opens the
dossier before the job has run (a broker down, a server stopped between the commit
and the job) has it made then (`with_declarations`). It is derived from the stored
answers alone, so nothing the citizen sent waits on it."""

from __future__ import annotations

import datetime
import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from tinhso.core import jobs, uploads
from tinhso.core.compiled import Compiled
from tinhso.core.late import writes_at_the_end
from tinhso.procedures.pdf import filled_declaration_pdf

from ..answers import answers
from ..models import Dossier, DossierDocument, Status
from .common import _audit, _locked, _put_paper, current_documents, definition_of

TASK = "dossiers.declarations"


def _declaration(dossier: Dossier, paper_label: str, day: datetime.date) -> bytes:
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
        day=day,
    )


def _fingerprint(dossier: Dossier, kind: str) -> str:
    rows = sorted((k, str(v)) for k, v in dossier.data.items())
    return hashlib.sha256(repr((kind, rows)).encode()).hexdigest()[:16]


def _made_from_these_answers(dossier: Dossier, kind: str, current) -> bool:
    """Whether the current paper of `kind` may stand: made from the current answers,
    or the applicant's own (sent through the API): a paper accepted is never replaced
    behind the applicant's back."""
    if current is None:
        return False
    if not current.made_from:
        return True  # not one we made (whatever its name): theirs
    return current.made_from == _fingerprint(dossier, kind)


_CURRENT_OF_KIND = Compiled(
    lambda dossier_id, kind: DossierDocument.objects.filter(
        dossier_id=dossier_id, kind=kind, replaced_at__isnull=True
    ).order_by("pk"),
    [2_147_000_008, "«paper-kind»"],  # never a dossier's id, nor a kind
)


def attach_declarations(
    dossier: Dossier, *, actor, now, day: datetime.date | None = None
) -> list[DossierDocument]:
    """Make and attach each generated declaration of the locked `dossier` whose
    answers changed since the last one (the caller writes the audit)."""
    made = []
    for paper in definition_of(dossier).documents:
        if not paper.generated:
            continue
        current = _CURRENT_OF_KIND.first(dossier.pk, paper.kind)
        if _made_from_these_answers(dossier, paper.kind, current):
            continue  # made from these answers already, or the applicant's own
        fingerprint = _fingerprint(dossier, paper.kind)
        content = _declaration(dossier, paper.label, day or timezone.localdate(now))
        upload = SimpleUploadedFile(
            f"to-khai-{dossier.code}-{fingerprint}.pdf", content, content_type="application/pdf"
        )
        stored = uploads.store_upload(upload, folder=f"dossiers/{timezone.localdate():%Y/%m}")
        try:
            made.append(
                _put_paper(
                    dossier,
                    kind=paper.kind,
                    stored=stored,
                    actor=actor,
                    now=now,
                    made_from=fingerprint,
                )
            )
        except BaseException:
            uploads.remove_stored(stored.relative_path)
            raise
    return made


def declarations_after_commit(dossier: Dossier, *, actor, now) -> None:
    """Ask for the declarations of `dossier` (submitted, or supplemented) to be made
    once this transaction commits, in the background (`jobs.defer`): nothing written
    in the request."""
    if any(paper.generated for paper in definition_of(dossier).documents):
        jobs.defer(TASK, code=dossier.code, day=timezone.localdate(now).isoformat())


@transaction.atomic
@writes_at_the_end()
def make_declarations(*, code: str, day: datetime.date | None = None) -> list[DossierDocument]:
    """The job's work, and the on-demand one: on the locked dossier, each declaration
    not yet made from its current answers. Run twice, the second does nothing."""
    dossier = _locked(code)
    if dossier.status == Status.DRAFT:
        return []
    return make_on_locked(dossier, day=day)


def make_on_locked(dossier: Dossier, *, day: datetime.date | None = None) -> list[DossierDocument]:
    """Each missing declaration of the locked, filed `dossier`, made and audited (the
    job's work; and the desk's receipt, which lists it, when the job has not run yet).
    Dated the day asked, or the day the dossier was filed."""
    if day is None and dossier.submitted_at is not None:
        day = timezone.localdate(dossier.submitted_at)
    made = attach_declarations(dossier, actor=dossier.applicant, now=timezone.now(), day=day)
    for document in made:
        _audit(
            dossier,
            actor=None,
            action="declaration_made",
            after={"kind": document.kind, "sha256": document.sha256, "size": document.size},
        )
    return made


def declarations_missing(dossier: Dossier) -> bool:
    """Whether a declaration of this filed dossier is not made yet from its current
    answers (read from the papers already fetched when there are). Not while a
    supplement is awaited: the answers change with each save then, and the declaration
    is made when the supplement is sent."""
    if dossier.status in (Status.DRAFT, Status.AWAITING_SUPPLEMENT):
        return False
    generated = [paper.kind for paper in definition_of(dossier).documents if paper.generated]
    if not generated:
        return False
    found = getattr(dossier, "current_documents", None)
    if found is None:
        found = current_documents(dossier)
    by_kind = {d.kind: d for d in found}
    return not all(_made_from_these_answers(dossier, k, by_kind.get(k)) for k in generated)


def with_declarations(dossier: Dossier) -> Dossier:
    """The dossier as a reader sees it, its declarations made first if the job has not
    made them yet (on demand)."""
    if declarations_missing(dossier):
        make_declarations(code=dossier.code)
        if hasattr(dossier, "current_documents"):
            dossier.current_documents = current_documents(dossier)
    return dossier
