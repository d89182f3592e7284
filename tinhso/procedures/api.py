import datetime  # noqa: F401  (schemas)
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from tinhso.core.errors import NotFound
from tinhso.core.pagination import PageNumberPagination

from . import selectors, services
from .error_codes import ProceduresErrorCode

router = Router(tags=["procedures"])


class ProcedureOut(Schema):
    code: str
    name: str
    sector: str = Field(alias="sector.code")
    agency: str | None = None
    agency_name: str | None = None
    level: str
    online_level: str
    processing_days: int
    fee: int
    version: int

    @staticmethod
    def resolve_agency(obj) -> str | None:
        return obj.agency.code if obj.agency_id else None

    @staticmethod
    def resolve_agency_name(obj) -> str | None:
        return obj.agency.name if obj.agency_id else None


class FieldOut(Schema):
    name: str
    label: str
    type: str
    required: bool
    choices: list[str] | None = None
    prefill: str | None = None


class DocumentOut(Schema):
    kind: str
    label: str
    required: bool


class StepOut(Schema):
    code: str
    name: str
    role: str
    days: float


class ProcedureDetailOut(ProcedureOut):
    fee_note: str = Field(alias="definition.fee_note")
    result_type: str = Field(alias="definition.result_type")
    legal_basis: list[str] = Field(alias="definition.legal_basis")
    fields: list[FieldOut] = Field(alias="definition.fields")
    documents: list[DocumentOut] = Field(alias="definition.documents")
    steps: list[StepOut] = Field(alias="definition.steps")


class ProcedureFilter(Schema):
    model_config = ConfigDict(extra="forbid")
    q: str = Field("", max_length=200)
    sector: str | None = Field(None, max_length=60)
    agency: str | None = Field(None, max_length=40)
    level: Literal["province", "ward"] | None = None
    online_level: Literal["full", "partial"] | None = None


class ElsewhereOut(Schema):
    """A service the province does not handle (a passport, say), and where to go."""

    key: str
    title: str
    where: str
    url: str


class SearchPagination(PageNumberPagination):
    """The contract's list, with the "handled elsewhere" answers for `q` beside it."""

    class Output(PageNumberPagination.Output):
        elsewhere: list[ElsewhereOut] = []

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["elsewhere"] = selectors.elsewhere(request.GET.get("q", "")[:200])
        return page


@router.get("/procedures", response=list[ProcedureOut], auth=None, summary="Tra cứu thủ tục")
@paginate(SearchPagination)
def list_procedures(request, filters: Query[ProcedureFilter]):
    """Search: accent-insensitive, with synonyms, abbreviations, English names and
    typos; the procedures that match enough of `q`, best first; `elsewhere` lists the
    services asked for that other authorities handle (passports...)."""
    return selectors.procedures(**filters.model_dump())


def _detail(proc):
    """The procedure with its current definition (form, papers, steps)."""
    proc.definition = selectors.definition_of(selectors.current_version(proc))
    return proc


def _get(code: str):
    proc = selectors.procedure(code)
    if proc is None:
        raise NotFound(
            _("Không có thủ tục mã %(code)s.") % {"code": code},
            code=ProceduresErrorCode.UNKNOWN_PROCEDURE,
        )
    return proc


@router.get("/procedures/{code}", response=ProcedureDetailOut, auth=None)
def get_procedure(request, code: str):
    return _detail(_get(code))


class ProcedurePatch(Schema):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(min_length=1, max_length=300)
    name: str | None = Field(None, min_length=3, max_length=500)
    processing_days: int | None = Field(None, ge=0, le=365)
    fee: int | None = Field(None, ge=0)
    fee_note: str | None = Field(None, max_length=300)
    data_note: str | None = Field(None, max_length=300)
    data_verified: bool | None = None
    online_level: Literal["full", "partial"] | None = None
    result_type: str | None = Field(None, max_length=300)
    legal_basis: list[str] | None = None
    fields: list[dict[str, Any]] | None = None
    documents: list[dict[str, Any]] | None = None
    steps: list[dict[str, Any]] | None = None


@router.patch("/procedures/{code}", response=ProcedureDetailOut, summary="Sửa thủ tục")
def patch_procedure(request, code: str, payload: ProcedurePatch):
    """A new version of the procedure (leaders and administrators of its agency)."""
    changes = payload.model_dump(exclude_unset=True, exclude={"note"})
    proc = services.update_procedure(
        actor=request.user, procedure=_get(code), changes=changes, note=payload.note
    )
    return _detail(selectors.procedure(proc.code))
