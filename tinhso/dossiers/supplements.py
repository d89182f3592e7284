"""What the applicant changed since the last supplement request (form 02): the
answers (the request keeps a snapshot of them) and the papers (each paper current
when the request was issued, against the one current now). Read by the supplement
transition (at least one change, or a recorded statement that none is needed) and
by the officer's side-by-side view (office/_supplement_changes.html)."""

from __future__ import annotations

from typing import Any, NamedTuple

from tinhso.procedures import selectors as procedure_selectors

from .answers import shown
from .models import Dossier, DossierDocument, Slip, SlipKind


class AnswerChange(NamedTuple):
    name: str
    label: str
    before: str
    after: str


class PaperChange(NamedTuple):
    kind: str
    label: str
    before: DossierDocument | None
    after: DossierDocument


class Changes(NamedTuple):
    slip: Slip
    items: list[str]
    answers: list[AnswerChange]
    papers: list[PaperChange]
    no_change_statement: str | None  # the applicant's statement, when they made one

    @property
    def any(self) -> bool:
        return bool(self.answers or self.papers)


def last_request(dossier: Dossier) -> Slip | None:
    return dossier.slips.filter(kind=SlipKind.SUPPLEMENT).order_by("-issued_at", "-pk").first()


def changes_since_request(dossier: Dossier, *, slip: Slip | None = None) -> Changes | None:
    """The changes since the last supplement request, or None when none was made."""
    slip = slip or last_request(dossier)
    if slip is None:
        return None
    definition = procedure_selectors.definition_of(dossier.procedure_version)
    fields = {f.name: f for f in definition.fields}
    before: dict[str, Any] = slip.data.get("answers_before") or {}
    answers = []
    if "answers_before" in slip.data:
        for name in list(fields) + sorted(set(dossier.data) - set(fields)):
            old, new = before.get(name), dossier.data.get(name)
            if old != new and name in fields:
                field = fields[name]
                answers.append(
                    AnswerChange(name, field.label, shown(field, old), shown(field, new))
                )
    labels = {d.kind: d.label for d in definition.documents}
    generated = {d.kind for d in definition.documents if d.generated}
    documents = list(dossier.documents.all())
    papers = []
    for doc in documents:
        if doc.replaced_at is not None or doc.uploaded_at < slip.issued_at:
            continue
        if doc.kind in generated:
            continue  # made again from the answers: the answers themselves are listed
        earlier = [
            d
            for d in documents
            if d.kind == doc.kind
            and d.uploaded_at < slip.issued_at
            and (d.replaced_at is None or d.replaced_at >= slip.issued_at)
        ]
        papers.append(
            PaperChange(
                doc.kind, labels.get(doc.kind, doc.kind), earlier[-1] if earlier else None, doc
            )
        )
    statement = None
    done = (
        dossier.events.filter(action="supplement", at__gte=slip.issued_at).order_by("-at").first()
    )
    if done is not None and done.note.startswith(NO_CHANGE_MARK):
        statement = done.note
    return Changes(slip, list(slip.data.get("items") or []), answers, papers, statement)


NO_CHANGE_MARK = "[Công dân xác nhận không cần thay đổi gì.]"
