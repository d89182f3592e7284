"""The FHIR R4B REST API at /fhir/: metadata, read and search (Bundle searchsets with
`_count` and next links), `Patient/{id}/$everything`, create of Condition,
Observation, AllergyIntolerance and Immunization through the services. Bearer
tokens of staff: the platform's API tokens, or access tokens of the OpenID Connect
provider issued to a staff user. Errors are OperationOutcomes. Every patient whose
data is returned is an audited read, under the same break-glass rule as the pages."""

from __future__ import annotations

import contextvars
import datetime
import json
from collections.abc import Callable
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError

from tinhso.accounts import authz
from tinhso.accounts.auth import user_for_request_token
from tinhso.core.errors import DomainError, NotFound
from tinhso.core.text import fold

from .. import selectors, services
from ..identifiers import BHXH_SYSTEM, BHYT_SYSTEM, CCCD_SYSTEM
from ..models import (
    AllergyIntolerance,
    Appointment,
    Condition,
    Encounter,
    Facility,
    Immunization,
    Observation,
    Patient,
    Prescription,
    PrescriptionItem,
)
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


_DOMAIN_CODES = {400: "invalid", 403: "forbidden", 404: "not-found", 409: "conflict"}


def _staff(request: HttpRequest):
    """The staff user behind the Bearer token (ours or an OIDC access token)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        raise FhirError(401, "login", _("Cần mã truy cập (Authorization: Bearer …)."))
    raw = header[7:].strip()
    user = user_for_request_token(request, raw) or _oidc_user(request)
    if user is None:
        raise FhirError(401, "login", _("Mã truy cập không hợp lệ hoặc đã hết hạn."))
    if not authz.has_role(user, CLINICAL_ROLES, anywhere=True):
        raise FhirError(403, "forbidden", _("Tài khoản không có vai trò y tế."))
    return user


def _oidc_user(request: HttpRequest):
    from oauth2_provider.oauth2_backends import get_oauthlib_core

    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    user = getattr(oauth_request, "user", None) if valid else None
    return user if user is not None and user.is_active else None


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


# ---------------------------------------------------------------- resource types


def _patient_param(request, ctx: Context) -> Patient:
    value = request.GET.get("patient") or request.GET.get("subject") or ""
    value = value.removeprefix("Patient/").rsplit("/Patient/", 1)[-1]
    if not value:
        raise FhirError(400, "required", _("Tìm kiếm cần tham số patient."))
    patient = Patient.objects.filter(pk=value).first() if value.isdigit() else None
    if patient is None:
        raise FhirError(404, "not-found", _("Không có người bệnh %(id)s.") % {"id": value})
    ctx.read(patient)
    return patient


def _patients(request, ctx: Context) -> QuerySet:
    qs = Patient.objects.select_related("bhyt_facility").order_by("pk")
    known = {"identifier", "name", "birthdate", "_id", "_count", "_offset", "_format"}
    unknown = set(request.GET) - known
    if unknown:
        raise FhirError(400, "not-supported",
                        _("Tham số tìm kiếm không hỗ trợ: %(p)s") % {"p": ", ".join(sorted(unknown))})  # fmt: skip
    if "_id" in request.GET:
        qs = qs.filter(pk=request.GET["_id"] if request.GET["_id"].isdigit() else 0)
    if "identifier" in request.GET:
        system, _sep, value = request.GET["identifier"].rpartition("|")
        value = value.strip().upper()
        by_system = {
            CCCD_SYSTEM: Q(personal_id=value),
            BHYT_SYSTEM: Q(bhyt_card_code=value) | Q(social_insurance_number=value),
            BHXH_SYSTEM: Q(social_insurance_number=value),
            "": Q(personal_id=value) | Q(bhyt_card_code=value) | Q(social_insurance_number=value),
        }
        if system not in by_system:
            raise FhirError(400, "not-supported",
                            _("Hệ định danh không hỗ trợ: %(s)s") % {"s": system})  # fmt: skip
        qs = qs.filter(by_system[system])
    if "name" in request.GET:
        qs = qs.filter(name_folded__contains=fold(request.GET["name"]))
    if "birthdate" in request.GET:
        try:
            day = datetime.date.fromisoformat(request.GET["birthdate"].removeprefix("eq"))
        except ValueError:
            raise FhirError(400, "invalid", _("birthdate có dạng YYYY-MM-DD.")) from None
        qs = qs.filter(date_of_birth=day)
    # Only patients this reader may open (seen at their facility, or break-glass).
    glass = Exists(
        selectors.BreakGlassAccess.objects.filter(
            user=ctx.user, patient=OuterRef("pk"), expires_at__gt=timezone.now()
        )
    )
    return qs.filter(selectors.seen_q(ctx.facilities) | glass)


TYPES: dict[str, dict] = {
    "Encounter": {
        "model": Encounter,
        "related": ("facility", "practitioner"),
        "build": lambda e: [r.encounter_resource(e)],
        "order": "-started_at",
    },
    "Condition": {
        "model": Condition,
        "related": ("recorded_by",),
        "build": lambda c: [r.condition_resource(c)],
        "order": "-recorded_at",
    },
    "Observation": {
        "model": Observation,
        "related": (),
        "build": lambda o: [r.observation_resource(o)],
        "order": "-effective_at",
    },
    "AllergyIntolerance": {
        "model": AllergyIntolerance,
        "related": (),
        "build": lambda a: [r.allergy_resource(a)],
        "order": "-recorded_at",
    },
    "Immunization": {
        "model": Immunization,
        "related": ("facility", "practitioner"),
        "build": lambda i: [r.immunization_resource(i)],
        "order": "occurred_on",
    },
    "Appointment": {
        "model": Appointment,
        "related": ("facility", "practitioner"),
        "build": lambda a: [r.appointment_resource(a)],
        "order": "start",
    },
}


def _rx_build(rx: Prescription) -> list[dict]:
    return [r.medication_request_resource(rx, item) for item in rx.items.all()]


def _everything(request, ctx: Context, patient: Patient) -> dict:
    ctx.read(patient)
    record = selectors.record_of(patient)
    resources = [r.patient_resource(patient)]
    resources += [r.encounter_resource(e) for e in record.encounters]
    resources += [r.condition_resource(c) for c in record.conditions]
    resources += [r.observation_resource(o) for o in record.observations]
    resources += [r.allergy_resource(a) for a in record.allergies]
    resources += [r.immunization_resource(i) for i in record.immunizations]
    for rx in record.prescriptions:
        resources += _rx_build(rx)
    appointments = Appointment.objects.filter(patient=patient).select_related(
        "facility", "practitioner"
    )
    resources += [r.appointment_resource(a) for a in appointments[: selectors.RECORD_LIMIT]]
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "link": [{"relation": "self", "url": _self_url(request)}],
        "entry": [
            {"fullUrl": f"{_base()}/{res['resourceType']}/{res['id']}", "resource": res}
            for res in resources
        ],
    }


def _read(ctx: Context, kind: str, rid: str) -> dict:
    if kind == "Patient":
        patient = (
            Patient.objects.filter(pk=rid).select_related("bhyt_facility").first()
            if rid.isdigit()
            else None
        )
        if patient is None:
            raise FhirError(
                404, "not-found", _("Không tìm thấy %(t)s/%(id)s.") % {"t": kind, "id": rid}
            )
        ctx.read(patient)
        return r.patient_resource(patient)
    if kind == "MedicationRequest":
        rx_id, _sep, item_id = rid.partition("-")
        item = (
            PrescriptionItem.objects.filter(pk=item_id, prescription_id=rx_id)
            .select_related("prescription__practitioner", "prescription__patient")
            .first()
            if rx_id.isdigit() and item_id.isdigit()
            else None
        )
        if item is None:
            raise FhirError(
                404, "not-found", _("Không tìm thấy %(t)s/%(id)s.") % {"t": kind, "id": rid}
            )
        ctx.read(item.prescription.patient)
        return r.medication_request_resource(item.prescription, item)
    spec = TYPES[kind]
    row = (
        spec["model"].objects.filter(pk=rid).select_related("patient", *spec["related"]).first()
        if rid.isdigit()
        else None
    )
    if row is None or row.patient_id is None:
        raise FhirError(
            404, "not-found", _("Không tìm thấy %(t)s/%(id)s.") % {"t": kind, "id": rid}
        )
    ctx.read(row.patient)
    return spec["build"](row)[0]


def _search(request, ctx: Context, kind: str) -> dict:
    if kind == "Patient":
        return searchset(request, ctx, _patients(request, ctx), lambda p: [r.patient_resource(p)],
                         lambda p: p)  # fmt: skip
    patient = _patient_param(request, ctx)
    if kind == "MedicationRequest":
        qs = (
            Prescription.objects.filter(patient=patient)
            .select_related("practitioner", "patient")
            .prefetch_related("items")
            .order_by("-created_at")
        )
        return searchset(request, ctx, qs, _rx_build, lambda rx: rx.patient)
    spec = TYPES[kind]
    qs = spec["model"].objects.filter(patient=patient).select_related(*spec["related"])
    return searchset(
        request, ctx, qs.order_by(spec["order"], "pk"), spec["build"], lambda _row: patient
    )


# ---------------------------------------------------------------- create


def _reference_id(ref: dict | None, kind: str) -> int | None:
    value = (ref or {}).get("reference", "")
    if not value.startswith(f"{kind}/") or not value[len(kind) + 1 :].isdigit():
        return None
    return int(value[len(kind) + 1 :])


def _coding(concept: dict | None, system: str) -> str:
    for coding in (concept or {}).get("coding", []):
        if coding.get("system") == system and coding.get("code"):
            return coding["code"]
    return ""


def _create(ctx: Context, kind: str, body: dict):
    from fhir.resources.R4B import get_fhir_model_class

    if body.get("resourceType") != kind:
        raise FhirError(400, "invalid", _("resourceType phải là %(t)s.") % {"t": kind})
    try:
        get_fhir_model_class(kind).model_validate(body)
    except ValidationError as exc:
        raise FhirError(400, "structure", _("Tài nguyên FHIR không hợp lệ: %(e)s")
                        % {"e": "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                                          for e in exc.errors()[:5])}) from None  # fmt: skip
    ref = (
        body.get("patient")
        if kind in ("AllergyIntolerance", "Immunization")
        else body.get("subject")
    )
    pid = _reference_id(ref, "Patient")
    patient = Patient.objects.filter(pk=pid).first() if pid else None
    if patient is None:
        raise FhirError(400, "required", _("Cần tham chiếu Patient/{id} của người bệnh có thật."))
    ctx.read(patient)
    encounter = None
    if eid := _reference_id(body.get("encounter"), "Encounter"):
        encounter = (
            Encounter.objects.filter(pk=eid, patient=patient).select_related("facility").first()
        )
        if encounter is None:
            raise FhirError(400, "invalid", _("Encounter không thuộc người bệnh này."))
    facility = encounter.facility if encounter else ctx.facility_for(patient)
    common = {"actor": ctx.user, "facility": facility, "patient": patient}
    if kind == "Condition":
        code = _coding(body.get("code"), r.codes.ICD10_SYSTEM)
        return services.add_condition(**common, code=code, encounter=encounter,
                                      text=(body.get("code") or {}).get("text", "")), r.condition_resource  # fmt: skip
    if kind == "Observation":
        quantity = body.get("valueQuantity") or {}
        return services.add_observation(
            **common, code=_coding(body.get("code"), r.codes.LOINC_SYSTEM),
            value=quantity.get("value", ""), encounter=encounter,
        ), r.observation_resource  # fmt: skip
    if kind == "AllergyIntolerance":
        category = (body.get("category") or ["medication"])[0]
        reaction = "; ".join(
            m.get("text", "") for x in body.get("reaction", []) for m in x.get("manifestation", [])
        )
        return services.add_allergy(
            **common, substance=(body.get("code") or {}).get("text", ""), category=category,
            criticality=body.get("criticality", "low"), reaction=reaction,
        ), r.allergy_resource  # fmt: skip
    if kind == "Immunization":
        concept = body.get("vaccineCode") or {}
        protocol = (body.get("protocolApplied") or [{}])[0]
        occurred = str(body.get("occurrenceDateTime", ""))[:10]
        try:
            day = datetime.date.fromisoformat(occurred)
        except ValueError:
            raise FhirError(400, "invalid", _("occurrenceDateTime không hợp lệ.")) from None
        return services.record_immunization(
            **common, vaccine_code=_coding(concept, r.codes.CVX_SYSTEM),
            dose_number=int(protocol.get("doseNumberPositiveInt") or 1),
            series_doses=protocol.get("seriesDosesPositiveInt"), occurred_on=day,
            lot_number=body.get("lotNumber", ""), product_name=concept.get("text", ""),
            manufacturer=(body.get("manufacturer") or {}).get("display", ""), encounter=encounter,
        ), r.immunization_resource  # fmt: skip
    raise FhirError(405, "not-supported", _("Không hỗ trợ tạo %(t)s.") % {"t": kind})


CREATABLE = {"Condition", "Observation", "AllergyIntolerance", "Immunization"}
READABLE = {"Patient", "MedicationRequest", *TYPES}


@csrf_exempt
def endpoint(request: HttpRequest, path: str = "") -> HttpResponse:
    """/fhir/<path>: one dispatcher, so every answer (errors too) is FHIR JSON."""
    token = _BASE.set(request.build_absolute_uri("/fhir").rstrip("/"))
    try:
        parts = [p for p in path.split("/") if p]
        if parts == ["metadata"]:
            if request.method != "GET":
                raise FhirError(405, "not-supported", _("Chỉ hỗ trợ GET."))
            return respond(capability_statement())
        user = _staff(request)
        ctx = Context(request, user)
        if not parts or parts[0] not in READABLE:
            raise FhirError(404, "not-supported", _("Loại tài nguyên không được hỗ trợ."))
        kind = parts[0]
        if request.method == "POST" and len(parts) == 1:
            if kind not in CREATABLE:
                raise FhirError(405, "not-supported", _("Không hỗ trợ tạo %(t)s.") % {"t": kind})
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                raise FhirError(400, "structure", _("Nội dung không phải JSON.")) from None
            if not isinstance(body, dict):
                raise FhirError(400, "structure", _("Nội dung phải là một tài nguyên FHIR."))
            row, build = _create(ctx, kind, body)
            resource = build(row)
            return respond(resource, status=201,
                           headers={"Location": f"{_base()}/{kind}/{row.pk}"})  # fmt: skip
        if request.method != "GET":
            raise FhirError(405, "not-supported", _("Phương thức không được hỗ trợ."))
        if len(parts) == 1:
            return respond(_search(request, ctx, kind))
        if len(parts) == 2:
            return respond(_read(ctx, kind, parts[1]))
        if len(parts) == 3 and kind == "Patient" and parts[2] == "$everything":
            patient = Patient.objects.filter(pk=parts[1]).first() if parts[1].isdigit() else None
            if patient is None:
                raise FhirError(404, "not-found", _("Không tìm thấy người bệnh."))
            return respond(_everything(request, ctx, patient))
        raise FhirError(404, "not-found", _("Đường dẫn FHIR không hợp lệ."))
    except FhirError as exc:
        return outcome(exc.status, exc.code, exc.diagnostics)
    except DomainError as exc:
        status = 403 if exc.status == 403 else (404 if isinstance(exc, NotFound) else exc.status)
        return outcome(status, _DOMAIN_CODES.get(status, "processing"), str(exc.message))
    finally:
        _BASE.reset(token)


SEARCH_PARAMS = {
    "Patient": [("identifier", "token"), ("name", "string"), ("birthdate", "date"),
                ("_id", "token")],
}  # fmt: skip


def capability_statement() -> dict:
    from fhir.resources.R4B.capabilitystatement import CapabilityStatement

    resources = []
    for kind in ["Patient", "Encounter", "Condition", "Observation", "AllergyIntolerance",
                 "Immunization", "MedicationRequest", "Appointment"]:  # fmt: skip
        interactions = [{"code": "read"}, {"code": "search-type"}]
        if kind in CREATABLE:
            interactions.append({"code": "create"})
        params = SEARCH_PARAMS.get(kind, [("patient", "reference")])
        entry = {
            "type": kind,
            "interaction": interactions,
            "searchParam": [{"name": n, "type": t} for n, t in params]
            + [{"name": "_count", "type": "number"}],
        }
        if kind == "Patient":
            entry["operation"] = [{
                "name": "everything",
                "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
            }]  # fmt: skip
        resources.append(entry)
    body = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.now().date().isoformat(),
        "publisher": "tinhso",
        "kind": "instance",
        "implementation": {"description": "tinhso health FHIR API", "url": _base()},
        "fhirVersion": "4.3.0",
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "security": {
                "service": [{"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                    "code": "OAuth",
                }]}],
                "description": "Bearer: an API token of a health worker (tinhso issue_token) "
                "or an access token of the province's OpenID Connect provider.",
            },
            "resource": resources,
        }],
    }  # fmt: skip
    return CapabilityStatement.model_validate(body).model_dump(mode="json", exclude_none=True)
