"""The FHIR R4B REST API at /fhir/: metadata, read and search (Bundle searchsets with
`_count` and next links), `Patient/{id}/$everything`, create of Condition,
Observation, AllergyIntolerance and Immunization through the services. Bearer
tokens of staff: the platform's API tokens, or access tokens of the OpenID Connect
provider issued to a staff user. Errors are OperationOutcomes. Every patient whose
data is returned is an audited read, under the same break-glass rule as the pages.

This module authenticates and dispatches; common.py answers and pages, search.py
reads and searches, create.py creates."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from tinhso.accounts import authz
from tinhso.accounts.auth import user_for_request_token
from tinhso.core.errors import DomainError, NotFound

from ..models import Patient
from ..services._common import CLINICAL_ROLES
from .common import _BASE, Context, FhirError, _base, outcome, respond
from .create import _create
from .search import TYPES, _everything, _read, _search

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
