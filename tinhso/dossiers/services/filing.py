"""Filing a dossier: the applicant's side before and between the transitions (the
draft, its answers and papers). Each function checks who is acting, runs in one
transaction, and writes the timeline and the audit log. Submission, supplement,
withdrawal and rating are transitions (transitions.py, through `take_action`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts.identity import require_verified_identity
from tinhso.core import uploads
from tinhso.core.compiled import insert
from tinhso.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tinhso.core.identity import mask_id
from tinhso.core.late import writes_at_the_end
from tinhso.procedures import selectors as procedure_selectors
from tinhso.procedures.fees import fee_for

from .. import workflow
from ..error_codes import DossiersErrorCode
from ..models import Dossier, DossierDocument, Status
from ..signals import dossier_changed, dossier_changing
from .common import (
    _audit,
    _clean,
    _event,
    _locked,
    _next_code,
    _put_paper,
    _require_applicant,
    _route,
    definition_of,
)


@transaction.atomic
@writes_at_the_end()
def create_dossier(*, actor, procedure_code: str, data: dict[str, Any]) -> Dossier:
    """A draft under the procedure's current version, its code already assigned."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Cần đăng nhập để nộp hồ sơ."))
    require_verified_identity(actor)  # a dossier in a person's name (issue 15)
    procedure = procedure_selectors.procedure(procedure_code)
    if procedure is None:
        raise NotFound(
            _("Không có thủ tục mã %(code)s.") % {"code": procedure_code},
            code=DossiersErrorCode.UNKNOWN_PROCEDURE,
            fields={"procedure": _("Thủ tục không tồn tại.")},
        )
    version = procedure_selectors.current_version(procedure)
    definition = procedure_selectors.definition_of(version)
    cleaned = _clean(definition, actor, data, partial=True)
    agency, desk, unit = _route(definition, procedure, cleaned)
    dossier = insert(
        Dossier(
            code=_next_code(agency, timezone.localdate()),
            procedure=procedure,
            procedure_version=version,
            applicant=actor,
            applicant_name=actor.full_name or actor.organisation_name or actor.username,
            applicant_identifier=actor.personal_id or actor.tax_code or "",
            applicant_phone=actor.phone,
            agency=agency,
            desk=desk,
            unit=unit,
            status=Status.DRAFT,
            data=cleaned,
            fee_amount=fee_for(version, cleaned),  # an estimate; computed again at submission
        )
    )
    first = _event(dossier, actor=actor, action="create", before="")
    _audit(dossier, actor=actor, action="created", after={"procedure": procedure.code})
    dossier.known_timeline = [first]  # type: ignore[attr-defined]  # its whole timeline
    return dossier


@transaction.atomic
@writes_at_the_end()
def update_draft(*, actor, dossier: Dossier, data: dict[str, Any]) -> Dossier:
    """Save the form of a draft (a saved draft may be incomplete)."""
    dossier = _locked(dossier)
    _require_applicant(actor, dossier)
    if dossier.status not in workflow.EDITABLE_STATES | {Status.AWAITING_SUPPLEMENT}:
        raise Conflict(
            _("Chỉ sửa được hồ sơ khi còn là bản nháp hoặc đang chờ bổ sung."),
            code=DossiersErrorCode.NOT_ALLOWED_IN_STATE,
        )
    definition = procedure_selectors.definition_of(dossier.procedure_version)
    merged = {**dossier.data, **(data or {})}
    cleaned = _clean(definition, actor, merged, partial=True)
    agency, desk, unit = _route(definition, dossier.procedure, cleaned)
    if agency.pk != dossier.agency_id:
        raise ValidationFailed(
            _("Không đổi được nơi nộp của hồ sơ đã tạo; hãy tạo hồ sơ mới."),
            fields={"data": _("Nơi nộp không đổi được.")},
        )
    changed = sorted(
        k for k in set(cleaned) | set(dossier.data) if cleaned.get(k) != dossier.data.get(k)
    )
    before = {k: dossier.data.get(k) for k in changed}
    dossier.data = cleaned
    dossier.version += 1
    dossier.save(update_fields=["data", "version", "updated_at"])
    if dossier.status != Status.DRAFT and changed:
        # An online supplement keeps its edit history (Decree 45/2020, Art. 12); ID
        # numbers and phones appear masked in the permanent log.
        types = {f.name: f.type for f in definition.fields}

        def shown(name, value):
            return mask_id(str(value)) if types.get(name) in {"cccd", "phone"} and value else value

        _event(dossier, actor=actor, action="edit", before=dossier.status, note=", ".join(changed))
        _audit(
            dossier,
            actor=actor,
            action="data_supplemented",
            before={k: shown(k, v) for k, v in before.items()},
            after={k: shown(k, cleaned.get(k)) for k in changed},
        )
    return dossier


def _attachable(actor, dossier: Dossier, kind: str):
    """The locked dossier and the paper definition, if this applicant may attach it now."""
    dossier = _locked(dossier, related=("agency", "procedure_version"))
    _require_applicant(actor, dossier)
    if dossier.status not in workflow.EDITABLE_STATES | {Status.AWAITING_SUPPLEMENT}:
        raise Conflict(
            _("Hồ sơ ở trạng thái này không nhận thêm giấy tờ."),
            code=DossiersErrorCode.NOT_ALLOWED_IN_STATE,
        )
    kinds = {d.kind: d for d in definition_of(dossier).documents}
    if kind not in kinds:
        raise ValidationFailed(
            _("Thủ tục này không có loại giấy tờ %(kind)s.") % {"kind": kind},
            code=DossiersErrorCode.UNKNOWN_DOCUMENT_KIND,
            fields={"kind": _("Chọn một loại giấy tờ của thủ tục.")},
        )
    return dossier, kinds[kind]


@transaction.atomic
@writes_at_the_end()
def attach_from_store(
    *, actor, dossier: Dossier, kind: str, stored_document_id: int
) -> DossierDocument:
    """Once-only: a paper the state already holds for this person (a signed result or
    a paper accepted before) stands for a new upload."""
    from tinhso.documents import selectors as store

    dossier, paper = _attachable(actor, dossier, kind)
    dossier_changing.send(sender=Dossier, dossier=dossier)
    chosen = next(
        (
            d
            for d in store.reusable(actor, kind=kind, accepts=paper.accepts)
            if d.pk == stored_document_id
        ),
        None,
    )
    if chosen is None:
        raise ValidationFailed(
            _("Giấy tờ này không có trong kho của bạn hoặc không dùng được cho mục này."),
            code=DossiersErrorCode.UNKNOWN_DOCUMENT_KIND,
            fields={"stored_document": _("Chọn giấy tờ khác.")},
        )
    now = timezone.now()
    DossierDocument.objects.filter(dossier=dossier, kind=kind, replaced_at__isnull=True).update(
        replaced_at=now
    )
    document = DossierDocument.objects.create(
        dossier=dossier,
        kind=kind,
        file_path=chosen.file_path,
        display_name=chosen.title[:120],
        content_type=chosen.content_type,
        size=chosen.size,
        sha256=chosen.sha256,
        uploaded_by=actor,
        stored_document=chosen,
    )
    dossier_changed.send(sender=Dossier, dossier=dossier)
    _event(
        dossier,
        actor=actor,
        action="attach",
        before=dossier.status,
        note=f"{paper.label}: {chosen.title} (kho giấy tờ)",
    )
    _audit(
        dossier,
        actor=actor,
        action="document_reused",
        after={"kind": kind, "stored_document": chosen.pk},
    )
    return document


@transaction.atomic
@writes_at_the_end()
def attach_document(*, actor, dossier: Dossier, kind: str, upload) -> DossierDocument:
    """Check and store a paper. The file is on disk before the row that points at it
    commits; if the transaction fails, the file is removed."""
    dossier, paper = _attachable(actor, dossier, kind)
    dossier_changing.send(sender=Dossier, dossier=dossier)
    stored = uploads.store_upload(upload, folder=f"dossiers/{timezone.localdate():%Y/%m}")
    try:
        now = timezone.now()
        document = _put_paper(dossier, kind=kind, stored=stored, actor=actor, now=now)
        dossier_changed.send(sender=Dossier, dossier=dossier)
        _event(
            dossier,
            actor=actor,
            action="attach",
            before=dossier.status,
            note=f"{paper.label}: {stored.display_name}",
        )
        _audit(
            dossier,
            actor=actor,
            action="document_attached",
            after={"kind": kind, "sha256": stored.sha256, "size": stored.size},
        )
    except BaseException:
        uploads.remove_stored(stored.relative_path)
        raise
    return document
