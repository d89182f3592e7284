import datetime
from typing import Any, Literal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus
from pydantic import ConfigDict, Field

from tinhso.accounts import authz
from tinhso.core import uploads
from tinhso.core.errors import NotFound, PermissionDenied, ValidationFailed
from tinhso.core.pagination import KeysetPagination, PageNumberPagination

from . import inputs, pdf, rules, selectors, services, tracking, workflow
from .error_codes import DossiersErrorCode
from .models import Dossier

router = Router(tags=["dossiers"])


class DossierIn(Schema):
    model_config = ConfigDict(extra="forbid")
    procedure: str = Field(min_length=1, max_length=30)
    data: dict[str, Any] = {}


class DossierPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    data: dict[str, Any]


class DossierOut(Schema):
    # (The related rows' codes by resolvers, not dotted aliases: ninja parses a dotted
    # alias as a template variable on every row.)
    code: str
    procedure: str
    procedure_version: int
    status: str
    agency: str
    desk: str
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    received_at: datetime.datetime | None
    expected_date: datetime.date | None
    due_date: datetime.date | None  # statutory: an apology never moves it
    appointment_date: datetime.date | None  # the apology's new date for the citizen
    fee_amount: int

    @staticmethod
    def resolve_procedure(obj) -> str:
        return obj.procedure.code

    @staticmethod
    def resolve_procedure_version(obj) -> int:
        return obj.procedure_version.number

    @staticmethod
    def resolve_agency(obj) -> str:
        return obj.agency.code

    @staticmethod
    def resolve_desk(obj) -> str:
        return obj.desk.code


class EventOut(Schema):
    at: datetime.datetime
    actor: str
    action: str
    from_status: str
    to_status: str
    note: str


class DocumentOut(Schema):
    id: int
    kind: str
    name: str = Field(alias="display_name")
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime.datetime
    from_store: bool = False  # reused from the applicant's store (the verified original)

    @staticmethod
    def resolve_from_store(obj) -> bool:
        return obj.stored_document_id is not None


class DossierDetailOut(DossierOut):
    data: dict[str, Any]
    documents: list[DocumentOut]
    timeline: list[EventOut]

    @staticmethod
    def resolve_documents(obj) -> list:
        found = getattr(obj, "current_documents", None)
        return found if found is not None else services.current_documents(obj)

    @staticmethod
    def resolve_timeline(obj) -> list[dict[str, Any]]:
        return [
            {
                "at": e.at,
                "actor": e.actor_label,
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": e.note,
            }
            for e in selectors.timeline(obj)
        ]


def _visible(request, code: str, *, with_history: bool = True) -> Dossier:
    dossier = selectors.dossier_for(request.user, code, with_history=with_history)
    if dossier is None:
        raise selectors.unknown_dossier(code)
    return services.with_declarations(dossier) if with_history else dossier


@router.post("/dossiers", response={201: DossierDetailOut}, summary="Tạo hồ sơ (bản nháp)")
def create_dossier(request, payload: DossierIn):
    dossier = services.create_dossier(
        actor=request.user, procedure_code=payload.procedure, data=payload.data
    )
    # The new draft as the service made it (no reload): no papers yet, its first line.
    dossier.current_documents = []  # type: ignore[attr-defined]
    return HttpStatus(201, dossier)


class MyDossiersFilter(Schema):
    model_config = ConfigDict(extra="forbid")
    status: str | None = Field(None, max_length=20)
    q: str = Field("", max_length=40)


@router.get("/dossiers", response=list[DossierOut], summary="Hồ sơ của tôi")
@paginate(PageNumberPagination)
def list_dossiers(request, filters: Query[MyDossiersFilter]):
    return selectors.my_rows(
        selectors.my_dossiers(request.user, status=filters.status, q=filters.q)
    )


@router.get("/dossiers/{code}", response=DossierDetailOut)
def get_dossier(request, code: str):
    return _visible(request, code)


@router.patch("/dossiers/{code}", response=DossierDetailOut, summary="Lưu bản nháp")
def patch_dossier(request, code: str, payload: DossierPatch):
    services.update_draft(actor=request.user, dossier=_visible(request, code), data=payload.data)
    return _visible(request, code)


@router.post("/dossiers/{code}/documents", response={201: DocumentOut}, summary="Đính kèm giấy tờ")
def attach_document(
    request,
    code: str,
    kind: Form[str],
    file: File[UploadedFile] = None,
    stored_document: Form[int] = None,
):
    """Upload a paper (`file`), or reuse one from the applicant's store (`stored_document`)."""
    # The service loads the dossier locked (by its code: not read twice) and checks it
    # is the applicant's; someone else's gets the 404 of a dossier they cannot see.
    named = Dossier(code=code)
    if stored_document is None and file is None:
        _visible(request, code, with_history=False)
        raise ValidationFailed(
            _("Gửi tệp (trường file) hoặc chọn giấy tờ trong kho (trường stored_document)."),
            fields={"file": _("Thiếu tệp.")},
        )
    try:
        if stored_document is not None:
            document = services.attach_from_store(
                actor=request.user, dossier=named, kind=kind, stored_document_id=stored_document
            )
        else:
            document = services.attach_document(
                actor=request.user, dossier=named, kind=kind, upload=file
            )
    except PermissionDenied:
        _visible(request, code, with_history=False)
        raise
    return HttpStatus(201, document)


@router.get("/dossiers/{code}/documents/{document_id}", summary="Tải giấy tờ")
def download_document(request, code: str, document_id: int):
    dossier = _visible(request, code)
    document = dossier.documents.filter(pk=document_id).first()
    if document is None:
        raise NotFound(_("Không có giấy tờ này."), code=DossiersErrorCode.UNKNOWN_DOCUMENT)
    return uploads.stored_file_response(
        document.file_path, content_type=document.content_type, filename=document.display_name
    )


class _ActionBody(Schema):
    model_config = ConfigDict(extra="forbid")


# The keys of every action's input model (inputs.py, named in workflow.TRANSITIONS),
# each checked here for its shape; what this action needs is checked by the service.
ActionIn = inputs.api_body(
    (rule.inputs for rule in workflow.TRANSITIONS.values()),
    name="ActionIn",
    base=_ActionBody,
    doc="Every action takes `note`; the others belong to one action each (CONTRACT.md).",
)


@router.post(
    "/dossiers/{code}/actions/{action}",
    response=DossierDetailOut,
    summary="Một bước xử lý hồ sơ",
)
def act(request, code: str, action: str, payload: ActionIn | None = None):  # type: ignore[valid-type]
    # The dossier as the action left it (a forward may take it out of this officer's sight).
    return services.take_action(
        actor=request.user,
        code=code,
        action=action,
        payload=payload.model_dump(exclude_none=True) if payload else {},
    )


@router.get("/dossiers/{code}/receipt.pdf", summary="Giấy xác nhận nộp hồ sơ")
def receipt(request, code: str):
    dossier = _visible(request, code)
    if dossier.submitted_at is None:
        raise NotFound(_("Hồ sơ chưa được nộp."), code=DossiersErrorCode.NOT_ALLOWED_IN_STATE)
    response = HttpResponse(pdf.receipt_pdf(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-nhan-{dossier.code}.pdf"'
    return response


@router.get("/dossiers/{code}/result.pdf", summary="Kết quả giải quyết (PDF)")
def result(request, code: str):
    dossier = _visible(request, code)
    if not dossier.result_file:
        raise NotFound(_("Hồ sơ chưa có kết quả."), code=DossiersErrorCode.NOT_ALLOWED_IN_STATE)
    return uploads.stored_file_response(
        dossier.result_file,
        content_type="application/pdf",
        filename=f"ket-qua-{dossier.code}.pdf",
        attachment=False,
    )


class QueueItemOut(DossierOut):
    applicant_name: str
    procedure_name: str
    assignee: str | None = None

    @staticmethod
    def resolve_procedure_name(obj) -> str:
        return obj.procedure.name

    step_due_date: datetime.date | None
    late: bool

    @staticmethod
    def resolve_assignee(obj) -> str | None:
        return obj.assignee.username if obj.assignee_id else None

    needs_apology: bool  # late by the next working day and not apologised for

    @staticmethod
    def resolve_late(obj) -> bool:
        return obj.is_late()

    @staticmethod
    def resolve_needs_apology(obj) -> bool:
        return obj.needs_apology(horizon=rules.apology_horizon(timezone.localdate()))


class QueueFilter(Schema):
    model_config = ConfigDict(extra="forbid")
    status: str | None = Field(None, max_length=20)
    procedure: str | None = Field(None, max_length=30)
    unit: str | None = Field(None, max_length=10)
    q: str = Field("", max_length=100)
    due: Literal["soon", "late", "apology"] | None = None
    mine: bool = False


@router.get("/queue", response=list[QueueItemOut], summary="Hàng đợi của cán bộ")
@paginate(
    KeysetPagination,
    rows_after=selectors.queue_rows_after,
    key_of=selectors.queue_key,
    count_of=lambda request, filters, **_: selectors.queue_total(
        request.user, **filters.model_dump()
    ),
)
def queue(request, filters: Query[QueueFilter]):
    """Dossiers at the officer's agencies, the most urgent first."""
    if not authz.is_staff_member(request.user):
        raise PermissionDenied(_("Chỉ cán bộ mới có hàng đợi hồ sơ."))
    return selectors.queue_rows(selectors.officer_queue(request.user, **filters.model_dump()))


class SlipOut(Schema):
    id: int
    kind: str
    issued_at: datetime.datetime
    data: dict[str, Any]


@router.get("/dossiers/{code}/slips", response=list[SlipOut], summary="Các phiếu đã lập")
def slips(request, code: str):
    return list(_visible(request, code).slips.all())


@router.get("/dossiers/{code}/slips/{slip_id}.pdf", summary="Một phiếu (PDF)")
def slip_pdf(request, code: str, slip_id: int):
    found = _visible(request, code).slips.filter(pk=slip_id).select_related("issued_by").first()
    if found is None:
        raise NotFound(_("Không có phiếu này."), code=DossiersErrorCode.UNKNOWN_DOCUMENT)
    response = HttpResponse(pdf.slip_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="phieu-{found.kind}-{code}.pdf"'
    return response


@router.get("/dossiers/{code}/control-slip.pdf", summary="Phiếu kiểm soát quá trình")
def control_slip(request, code: str):
    response = HttpResponse(
        pdf.control_slip_pdf(_visible(request, code)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="phieu-kiem-soat-{code}.pdf"'
    return response


class SignBatchIn(Schema):
    model_config = ConfigDict(extra="forbid")
    codes: list[str] = Field(min_length=1, max_length=500)


class JobOut(Schema):
    id: int
    kind: str
    state: str
    total: int
    done: int
    failed: int
    log: list[str]


@router.post("/sign-batches", response={202: JobOut}, summary="Ký hàng loạt (chạy nền)")
def sign_batch(request, payload: SignBatchIn):
    return HttpStatus(202, services.sign_in_bulk(actor=request.user, codes=payload.codes))


@router.get("/jobs/{job_id}", response=JobOut, summary="Tiến độ công việc nền")
def job(request, job_id: int):
    from tinhso.core.models import Job

    found = Job.objects.filter(pk=job_id, created_by=request.user).first()
    if found is None:
        raise NotFound(_("Không có công việc này."), code=DossiersErrorCode.UNKNOWN_DOCUMENT)
    return found


class TrackingOut(Schema):
    code: str
    procedure: str
    status: str
    status_label: str
    submitted_at: datetime.datetime | None
    expected_date: datetime.date | None
    due_date: datetime.date | None
    appointment_date: datetime.date | None
    timeline: list[EventOut]


class TrackingQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=3, max_length=40)
    last4: str = Field(pattern=r"^[0-9]{4}$")


@router.get("/tracking", response=TrackingOut, auth=None, summary="Tra cứu hồ sơ công khai")
def track(request, response: HttpResponse, query: Query[TrackingQuery]):
    """By dossier code and the last 4 digits of the applicant's phone or ID number.
    Never kept by a browser or a proxy (its address holds the digits)."""
    response["Cache-Control"] = "no-store"
    from tinhso.core.middleware import client_ip

    from .models import Status

    try:
        dossier = tracking.tracked_dossier(
            query.code, query.last4, client=client_ip(request) or "-"
        )
    except tracking.TooManyAttempts:
        from tinhso.core.throttle import TooManyRequests

        raise TooManyRequests(
            _("Tra cứu sai quá nhiều lần. Vui lòng thử lại sau một giờ."), retry_after=3600
        ) from None
    if dossier is None:
        raise NotFound(
            _("Không tìm thấy hồ sơ với mã và 4 số cuối đã nhập."),
            code=DossiersErrorCode.UNKNOWN_DOSSIER,
        )
    return {
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "status": dossier.status,
        "status_label": str(Status(dossier.status).label),
        "submitted_at": dossier.submitted_at,
        "expected_date": dossier.expected_date,
        "due_date": dossier.due_date,
        "appointment_date": dossier.appointment_date,
        # the public timeline names no officer
        "timeline": [
            {
                "at": e.at,
                "actor": "",
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": "",
            }
            for e in selectors.timeline(dossier)
        ],
    }
