"""Filing a dossier: draft, papers, submission, withdrawal. Every function checks who
is acting, runs in one transaction, writes the timeline and the audit log, and
notifies the applicant after commit."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.accounts.identity import mask_id
from tinhso.accounts.models import Agency, AgencyKind
from tinhso.audit.services import record_event
from tinhso.core import uploads, workdays
from tinhso.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tinhso.geo.models import AdministrativeUnit, UnitLevel
from tinhso.notifications.services import notify
from tinhso.procedures import selectors as procedure_selectors
from tinhso.procedures.models import Procedure
from tinhso.procedures.schema import FieldDef, ProcedureDefinition, clean_form_data

from . import workflow
from .error_codes import DossiersErrorCode
from .models import Dossier, DossierDocument, DossierEvent, DossierSequence, Status

# ---------------------------------------------------------------- helpers


def _ward_exists(code: str) -> bool:
    return AdministrativeUnit.objects.filter(
        code=code,
        level=UnitLevel.WARD,
        parent_id=settings.TINHSO_PROVINCE,
        valid_to__isnull=True,
    ).exists()


def profile_values(user) -> dict[str, str]:
    """What the platform already knows about the applicant (once-only rule)."""
    values = {
        "full_name": user.full_name or user.organisation_name,
        "personal_id": user.personal_id or "",
        "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth else "",
        "phone": user.phone,
        "email": user.email,
        "address": getattr(user, "address", ""),
    }
    return {k: v for k, v in values.items() if v}


def prefilled_fields(definition: ProcedureDefinition, user) -> dict[str, str]:
    """Form fields answered from the profile, by field name."""
    known = profile_values(user)
    return {f.name: known[f.prefill] for f in definition.fields if f.prefill in known}


def _clean(
    definition: ProcedureDefinition, user, data: dict[str, Any], *, partial: bool
) -> dict[str, Any]:
    data = dict(data or {})
    prefilled = prefilled_fields(definition, user)
    errors: dict[str, str] = {}
    by_name = {f.name: f for f in definition.fields}
    for name, value in prefilled.items():
        given = data.get(name)
        if given not in (None, "") and not _same(by_name[name], given, value):
            errors[name] = _(
                "Thông tin này lấy từ tài khoản của bạn (%(value)s), không cần nhập lại."
            ) % {"value": mask_id(value) if by_name[name].type == "cccd" else value}
        data[name] = value
    cleaned, field_errors = clean_form_data(
        definition.fields,
        data,
        today=timezone.localdate(),
        unit_exists=_ward_exists,
        partial=partial,
    )
    errors.update(field_errors)
    if errors:
        raise ValidationFailed(
            _("Thông tin trong biểu mẫu chưa hợp lệ: %(fields)s.")
            % {"fields": ", ".join(sorted(errors))},
            code=DossiersErrorCode.INVALID_DATA,
            fields={f"data.{k}" if k != "data" else k: v for k, v in errors.items()},
        )
    return cleaned


def _same(field: FieldDef, given: Any, known: str) -> bool:
    return str(given).strip().lower() == str(known).strip().lower()


def _unit_field(definition: ProcedureDefinition) -> FieldDef | None:
    return next((f for f in definition.fields if f.type == "unit"), None)


def _route(definition: ProcedureDefinition, procedure: Procedure, data: dict[str, Any]):
    """(processing agency, one-stop desk, unit filed at)."""
    if procedure.level == "ward":
        field = _unit_field(definition)
        ward_code = data.get(field.name) if field else None
        if not ward_code:
            raise ValidationFailed(
                _("Chọn phường/xã nơi nộp hồ sơ."),
                code=DossiersErrorCode.INVALID_DATA,
                fields={f"data.{field.name if field else 'ward'}": _("Chọn phường/xã.")},
            )
        committee = Agency.objects.select_related("unit").get(
            kind=AgencyKind.WARD_COMMITTEE, unit_id=ward_code
        )
        return committee, committee, committee.unit
    desk = Agency.objects.filter(kind=AgencyKind.SERVICE_CENTRE).first() or procedure.agency
    return procedure.agency, desk, procedure.agency.unit


def _next_code(agency: Agency, day: datetime.date) -> str:
    for _attempt in range(3):
        seq = (
            DossierSequence.objects.select_for_update()
            .filter(agency_code=agency.code, day=day)
            .first()
        )
        if seq is None:
            try:
                with transaction.atomic():
                    seq = DossierSequence.objects.create(agency_code=agency.code, day=day, last=0)
            except IntegrityError:
                continue  # created meanwhile by another request: lock it and go on
        seq.last += 1
        seq.save(update_fields=["last"])
        return settings.DOSSIER_CODE_FORMAT.format(agency=agency.code, date=day, seq=seq.last)
    raise Conflict(_("Hệ thống đang bận, vui lòng thử lại."))


def _event(dossier: Dossier, *, actor, action: str, before: str, note: str = "") -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier,
        actor=actor,
        actor_label=actor.get_full_name() if actor else _("Hệ thống"),
        action=action,
        from_status=before,
        to_status=dossier.status,
        note=note,
    )


def _audit(dossier: Dossier, *, actor, action: str, before=None, after=None) -> None:
    record_event(
        actor=actor,
        action=f"dossiers.{action}",
        object_type="dossiers.Dossier",
        object_id=dossier.code,
        before=before,
        after=after,
        agency_code=dossier.agency.code,
    )


def _require_applicant(actor, dossier: Dossier) -> None:
    if actor is None or actor.pk != dossier.applicant_id:
        raise PermissionDenied(
            _("Chỉ người nộp hồ sơ mới thực hiện được thao tác này."),
            code=DossiersErrorCode.NOT_YOURS,
        )


def tracking_link(dossier: Dossier) -> str:
    return f"{settings.PUBLIC_BASE_URL}/tra-cuu/?ma={dossier.code}"


# ---------------------------------------------------------------- drafts


@transaction.atomic
def create_dossier(*, actor, procedure_code: str, data: dict[str, Any]) -> Dossier:
    """A draft under the procedure's current version, its code already assigned."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Cần đăng nhập để nộp hồ sơ."))
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
    dossier = Dossier.objects.create(
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
        fee_amount=definition.fee,
    )
    _event(dossier, actor=actor, action="create", before="")
    _audit(dossier, actor=actor, action="created", after={"procedure": procedure.code})
    return dossier


def _locked(dossier_or_code) -> Dossier:
    code = dossier_or_code.code if isinstance(dossier_or_code, Dossier) else dossier_or_code
    found = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("agency", "desk", "procedure_version", "applicant")
        .filter(code=code)
        .first()
    )
    if found is None:
        raise NotFound(
            _("Không có hồ sơ mã %(code)s.") % {"code": code},
            code=DossiersErrorCode.UNKNOWN_DOSSIER,
        )
    return found


@transaction.atomic
def update_draft(*, actor, dossier: Dossier, data: dict[str, Any]) -> Dossier:
    """Save the form of a draft (a saved draft may be incomplete)."""
    dossier = _locked(dossier)
    _require_applicant(actor, dossier)
    if dossier.status not in workflow.EDITABLE_STATES:
        raise Conflict(
            _("Chỉ sửa được hồ sơ khi còn là bản nháp."),
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
    dossier.data = cleaned
    dossier.version += 1
    dossier.save(update_fields=["data", "version", "updated_at"])
    return dossier


@transaction.atomic
def attach_document(*, actor, dossier: Dossier, kind: str, upload) -> DossierDocument:
    """Check and store a paper. The file is on disk before the row that points at it
    commits; if the transaction fails, the file is removed."""
    dossier = _locked(dossier)
    _require_applicant(actor, dossier)
    if dossier.status not in workflow.EDITABLE_STATES | {Status.AWAITING_SUPPLEMENT}:
        raise Conflict(
            _("Hồ sơ ở trạng thái này không nhận thêm giấy tờ."),
            code=DossiersErrorCode.NOT_ALLOWED_IN_STATE,
        )
    definition = procedure_selectors.definition_of(dossier.procedure_version)
    kinds = {d.kind: d for d in definition.documents}
    if kind not in kinds:
        raise ValidationFailed(
            _("Thủ tục này không có loại giấy tờ %(kind)s.") % {"kind": kind},
            code=DossiersErrorCode.UNKNOWN_DOCUMENT_KIND,
            fields={"kind": _("Chọn một loại giấy tờ của thủ tục.")},
        )
    stored = uploads.store_upload(upload, folder=f"dossiers/{timezone.localdate():%Y/%m}")
    try:
        now = timezone.now()
        DossierDocument.objects.filter(dossier=dossier, kind=kind, replaced_at__isnull=True).update(
            replaced_at=now
        )
        document = DossierDocument.objects.create(
            dossier=dossier,
            kind=kind,
            file_path=stored.relative_path,
            display_name=stored.display_name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=actor,
        )
        _event(
            dossier,
            actor=actor,
            action="attach",
            before=dossier.status,
            note=f"{kinds[kind].label}: {stored.display_name}",
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


def current_documents(dossier: Dossier) -> list[DossierDocument]:
    return list(dossier.documents.filter(replaced_at__isnull=True).order_by("kind"))


def missing_documents(dossier: Dossier, definition: ProcedureDefinition) -> list[str]:
    have = {d.kind for d in current_documents(dossier)}
    return [d.label for d in definition.documents if d.required and d.kind not in have]


# ---------------------------------------------------------------- actions


def _may(actor, rule: workflow.Transition, dossier: Dossier) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    if workflow.APPLICANT in rule.actors and actor.pk == dossier.applicant_id:
        return True
    roles = rule.actors - {workflow.APPLICANT}
    return bool(roles) and (
        authz.has_role(actor, roles, agency=dossier.agency)
        or authz.has_role(actor, roles, agency=dossier.desk)
    )


@transaction.atomic
def take_action(*, actor, code: str, action: str, payload: dict[str, Any] | None = None) -> Dossier:
    """One step of the dossier's life: permission first (403), then state (409), then
    the step itself, its timeline line, audit event and notification, in one
    transaction on the locked row."""
    rule = workflow.transition(action)
    if rule is None:
        raise NotFound(
            _("Không có thao tác %(action)s.") % {"action": action},
            code=DossiersErrorCode.UNKNOWN_ACTION,
        )
    dossier = _locked(code)
    if not _may(actor, rule, dossier):
        raise PermissionDenied(
            _("Bạn không được thực hiện thao tác này với hồ sơ %(code)s.") % {"code": code},
            code=DossiersErrorCode.NOT_YOURS,
        )
    if dossier.status not in rule.sources:
        raise Conflict(
            _("Hồ sơ đang ở trạng thái “%(status)s”, không thực hiện được thao tác này.")
            % {"status": Status(dossier.status).label},
            code=DossiersErrorCode.NOT_ALLOWED_IN_STATE,
        )
    payload = payload or {}
    note = str(payload.get("note") or "").strip()[:2000]
    before = dossier.status
    HANDLERS[action](dossier, actor=actor, payload=payload)
    if rule.target is not None:
        dossier.status = rule.target
    dossier.version += 1
    dossier.save()
    _event(dossier, actor=actor, action=action, before=before, note=note)
    _audit(
        dossier,
        actor=actor,
        action=action,
        before={"status": before},
        after={"status": dossier.status},
    )
    label = Status(dossier.status).label
    notify(
        user=dossier.applicant,
        subject=_("Hồ sơ %(code)s: %(status)s") % {"code": dossier.code, "status": label},
        body=_("Hồ sơ %(code)s (%(procedure)s) chuyển sang trạng thái: %(status)s.")
        % {"code": dossier.code, "procedure": dossier.procedure.name, "status": label},
        link=tracking_link(dossier),
    )
    return dossier


def _submit(dossier: Dossier, *, actor, payload) -> None:
    definition = procedure_selectors.definition_of(dossier.procedure_version)
    dossier.data = _clean(definition, actor, dossier.data, partial=False)
    missing = missing_documents(dossier, definition)
    if missing:
        raise ValidationFailed(
            _("Còn thiếu giấy tờ bắt buộc: %(papers)s.") % {"papers": "; ".join(missing)},
            code=DossiersErrorCode.MISSING_DOCUMENTS,
            fields={"documents": "; ".join(missing)},
        )
    now = timezone.now()
    dossier.submitted_at = now
    dossier.expected_date = workdays.calendar().due_date(
        now, definition.processing_days, dossier.desk.cut_off_time
    )


def _withdraw(dossier: Dossier, *, actor, payload) -> None:
    return None


HANDLERS = {"submit": _submit, "withdraw": _withdraw}
