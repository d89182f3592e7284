"""What every interaction of the FHIR API shares: the FHIR JSON answer and the
OperationOutcome error, this request's base URL, the reader's `Context` (which
patients they may read; each read audited once, under the break-glass rule) and
Bundle searchsets with `_count`, `_offset` and next links."""

from __future__ import annotations

import contextvars
import json
from collections.abc import Callable
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .. import selectors
from ..models import Facility, Patient
from ..services._common import CLINICAL_ROLES
from . import resources as r

FHIR_JSON = "application/fhir+json; charset=utf-8"
DEFAULT_COUNT = 20
MAX_COUNT = 100
MAX_OFFSET = 10**9


_BASE: contextvars.ContextVar[str] = contextvars.ContextVar("fhir_base", default="")


def _base() -> str:
    """This request's FHIR base (links must work where the client reached us)."""
    return _BASE.get() or r.base_url()


class FhirError(Exception):
    def __init__(self, status: int, code: str, diagnostics: str):
        super().__init__(diagnostics)
        self.status, self.code, self.diagnostics = status, code, diagnostics


def outcome(status: int, code: str, diagnostics: str) -> HttpResponse:
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": str(diagnostics)}],
    }
    return respond(body, status=status)


def respond(body: dict, *, status: int = 200, headers: dict | None = None) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=FHIR_JSON
    )
    for key, value in (headers or {}).items():
        response[key] = value
    return response


class Context:
    def __init__(self, request: HttpRequest, user):
        self.request, self.user = request, user
        self.facilities = selectors.facilities_of(user, CLINICAL_ROLES)
        self._seen: dict[int, Facility | None] = {}
        self._glass: dict[int, str | None] = {}
        self._audited: set[int] = set()

    def seen_facility(self, patient: Patient) -> Facility | None:
        """The reader's facility where the patient was cared for, if any (cached)."""
        if patient.pk not in self._seen:
            self._seen[patient.pk] = next(
                (f for f in self.facilities if selectors.seen_at(patient, [f])), None
            )
        return self._seen[patient.pk]

    def break_glass_reason(self, patient: Patient) -> str | None:
        if patient.pk not in self._glass:
            access = selectors.active_break_glass(self.user, patient)
            self._glass[patient.pk] = access.reason if access is not None else None
        return self._glass[patient.pk]

    def may_read(self, patient: Patient) -> bool:
        return (
            self.seen_facility(patient) is not None or self.break_glass_reason(patient) is not None
        )

    def read(self, patient: Patient) -> None:
        """Check and audit one read of this patient (once per request)."""
        if not self.may_read(patient):
            raise FhirError(
                403, "forbidden",
                _("Người bệnh chưa từng khám tại cơ sở của bạn; cần lý do truy cập khẩn cấp."),
            )  # fmt: skip
        if patient.pk in self._audited:
            return
        self._audited.add(patient.pk)
        seen = self.seen_facility(patient)
        selectors.audit_read(
            viewer=self.user, patient=patient, facility=seen or self.facilities[0],
            purpose="fhir", break_glass="" if seen else (self.break_glass_reason(patient) or ""),
        )  # fmt: skip

    def facility_for(self, patient: Patient) -> Facility:
        if not self.facilities:
            raise FhirError(403, "forbidden", _("Tài khoản không thuộc cơ sở y tế nào."))
        return self.seen_facility(patient) or self.facilities[0]


def _count(request) -> int:
    try:
        count = int(request.GET.get("_count", DEFAULT_COUNT))
    except ValueError:
        raise FhirError(400, "invalid", _("_count phải là số nguyên.")) from None
    return max(0, min(count, MAX_COUNT))


def _offset(request) -> int:
    try:
        offset = max(0, int(request.GET.get("_offset", 0)))
    except ValueError:
        raise FhirError(400, "invalid", _("_offset phải là số nguyên.")) from None
    if offset > MAX_OFFSET:  # beyond it the database's integer overflows (a 500)
        raise FhirError(400, "invalid", _("_offset phải là số nguyên."))
    return offset


def _self_url(request, **override) -> str:
    params = {k: v for k, v in request.GET.items()}
    params.update({k: str(v) for k, v in override.items()})
    return f"{_base()}{request.path.removeprefix('/fhir')}?{urlencode(params)}"


def searchset(request, ctx: Context, qs: QuerySet, build: Callable, patient_of: Callable) -> dict:
    count, offset = _count(request), _offset(request)
    total = qs.count()
    rows = list(qs[offset : offset + count]) if count else []
    entries = []
    for row in rows:
        ctx.read(patient_of(row))
        for resource in build(row):
            entries.append(
                {
                    "fullUrl": f"{_base()}/{resource['resourceType']}/{resource['id']}",
                    "resource": resource,
                    "search": {"mode": "match"},
                }
            )
    links = [{"relation": "self", "url": _self_url(request)}]
    if offset + count < total and count:
        links.append({"relation": "next", "url": _self_url(request, _offset=offset + count)})
    if offset > 0:
        links.append(
            {"relation": "previous", "url": _self_url(request, _offset=max(0, offset - count))}
        )
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": entries,
    }
