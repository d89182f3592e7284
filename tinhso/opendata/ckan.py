"""A CKAN-compatible Action API (`/api/3/action/<name>`), so CKAN clients and
harvesters (ckanapi, CKAN's harvester, DCAT tools) read the catalogue unchanged.

GET with query parameters or POST with a JSON or form body, as CKAN accepts. Answers
are `{"help", "success": true, "result"}`; errors `{"success": false, "error":
{"__type", "message", ...}}` with CKAN's status codes (400, 404, 409), never a 500.
Read-only: the catalogue is published by the platform, not through this API."""

from __future__ import annotations

import json
import logging

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from tinhso.accounts.models import Agency
from tinhso.core.api import MAX_JSON_DEPTH, MalformedBody, loads_strictly
from tinhso.core.errors import DomainError, NotFound, ValidationFailed
from tinhso.core.throttle import address_key, allow

from . import selectors

logger = logging.getLogger("tinhso.opendata")

MAX_BODY = 64 * 1024


class CkanError(Exception):
    def __init__(self, kind: str, message: str, status: int, fields: dict | None = None):
        super().__init__(message)
        self.kind, self.message, self.status, self.fields = kind, message, status, fields or {}


def _int(params: dict, name: str, default: int) -> int:
    value = params.get(name, default)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise CkanError(
            "Validation Error",
            _("%(name)s phải là số nguyên.") % {"name": name},
            409,
            {name: [_("Phải là số nguyên.")]},
        ) from None


def _bool(params: dict, name: str) -> bool:
    value = params.get(name, False)
    return value is True or str(value).lower() in ("true", "1", "yes")


def _json_param(params: dict, name: str):
    value = params.get(name)
    if isinstance(value, str) and value.strip():
        try:
            return loads_strictly(value)
        except MalformedBody:
            raise CkanError(
                "Validation Error",
                _("%(name)s không phải JSON hợp lệ (lồng không quá %(depth)s cấp).")
                % {"name": name, "depth": MAX_JSON_DEPTH},
                409,
                {name: [_("JSON không hợp lệ.")]},
            ) from None
    return value


def package_list(params):
    limit = _int(params, "limit", 0)
    offset = _int(params, "offset", 0)
    if limit < 0 or offset < 0:
        raise ValidationFailed(_("limit và offset không được âm."), fields={"limit": "<0"})
    names = list(selectors.datasets().order_by("name").values_list("name", flat=True))
    return names[offset : offset + limit] if limit else names[offset:]


def package_show(params):
    return selectors.package_dict(selectors.get_dataset(str(params.get("id", ""))))


def package_search(params):
    found = selectors.search_datasets(
        q=str(params.get("q", "") or ""),
        fq=str(params.get("fq", "") or ""),
        rows=_int(params, "rows", 10),
        start=_int(params, "start", 0),
        sort=str(params.get("sort", "") or ""),
    )
    return {
        "count": found.count,
        "results": [selectors.package_dict(d) for d in found.results],
        "sort": params.get("sort") or "metadata_modified desc",
        "facets": {},
        "search_facets": {},
    }


def _publishers():
    return Agency.objects.filter(pk__in=selectors.datasets().values("organization")).order_by(
        "code"
    )


def organization_list(params):
    agencies = list(_publishers())
    if _bool(params, "all_fields"):
        counts: dict[int, int] = {}
        for d in selectors.datasets():
            counts[d.organization_id] = counts.get(d.organization_id, 0) + 1
        return [
            {**selectors.organization_dict(a), "package_count": counts.get(a.pk, 0)}
            for a in agencies
        ]
    return [selectors.organization_dict(a)["name"] for a in agencies]


def organization_show(params):
    ref = str(params.get("id", "") or "").upper()
    agency = _publishers().filter(code=ref).first()
    if agency is None:
        raise NotFound(_("Không có tổ chức %(id)s.") % {"id": params.get("id", "")})
    packages = [selectors.package_dict(d) for d in selectors.datasets().filter(organization=agency)]
    return {
        **selectors.organization_dict(agency),
        "package_count": len(packages),
        "packages": packages,
    }


def resource_show(params):
    resource = selectors.get_resource(str(params.get("id", "")))
    return selectors.resource_dict(resource, resource.dataset)


def datastore_search(params):
    filters = _json_param(params, "filters") or {}
    if not isinstance(filters, dict):
        raise CkanError("Validation Error", _("filters phải là một đối tượng JSON."), 409,
                        {"filters": [_("Phải là đối tượng JSON.")]})  # fmt: skip
    fields = params.get("fields")
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",") if f.strip()]
    page = selectors.datastore_search(
        resource_id=str(params.get("resource_id", "") or params.get("id", "") or ""),
        filters=filters,
        q=str(params.get("q", "") or ""),
        fields=fields or None,
        sort=str(params.get("sort", "") or ""),
        limit=_int(params, "limit", selectors.DEFAULT_LIMIT),
        offset=_int(params, "offset", 0),
    )
    base = f"/api/3/action/datastore_search?resource_id={page.resource.id}"
    return {
        "resource_id": str(page.resource.id),
        "fields": page.fields,
        "records": page.records,
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
        "filters": filters,
        "_links": {
            "start": base,
            "next": f"{base}&offset={page.offset + page.limit}&limit={page.limit}",
        },
    }


def status_show(params):
    return {"site_title": "tinhso", "ckan_version": "2.10.0", "extensions": ["datastore", "dcat"]}


def group_list(params):
    return []


ACTIONS = {
    f.__name__: f
    for f in (
        package_list,
        package_show,
        package_search,
        organization_list,
        organization_show,
        resource_show,
        datastore_search,
        status_show,
        group_list,
    )  # fmt: skip
}


def _params(request) -> dict:
    params: dict = {k: v for k, v in request.GET.items()}
    if request.method == "POST":
        if len(request.body) > MAX_BODY:
            raise CkanError("Validation Error", _("Yêu cầu quá lớn."), 413)
        if request.content_type == "application/json" and request.body.strip():
            try:
                body = loads_strictly(request.body)
            except MalformedBody:
                raise CkanError(
                    "Validation Error",
                    _(
                        "Nội dung không phải JSON hợp lệ (UTF-8, lồng không quá %(depth)s cấp, "
                        "không có ký tự NUL)."
                    )
                    % {"depth": MAX_JSON_DEPTH},
                    400,
                ) from None
            if not isinstance(body, dict):
                raise CkanError("Validation Error", _("Nội dung phải là một đối tượng JSON."), 400)
            params.update(body)
        else:
            params.update({k: v for k, v in request.POST.items()})
    if "\\u0000" in json.dumps(params, default=str):  # a NUL anywhere, as JSON escapes it
        raise CkanError("Validation Error", _("Tham số chứa ký tự NUL không hợp lệ."), 409)
    return params


def _answer(request, name, *, success, result=None, error=None, status=200):
    body = {
        "help": request.build_absolute_uri(f"/api/3/action/help_show?name={name}"),
        "success": success,
    }
    if success:
        body["result"] = result
    else:
        body["error"] = error
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response.keeps_its_shape = True  # CKAN's error shape, not problem+json
    response["Access-Control-Allow-Origin"] = "*"
    return response


@csrf_exempt
def action(request, name: str):
    if request.method not in ("GET", "POST"):
        return _answer(request, name, success=False, status=405,
                       error={"__type": "Bad Request", "message": _("Chỉ GET hoặc POST.")})  # fmt: skip
    handler = ACTIONS.get(name)
    if handler is None:
        return _answer(request, name, success=False, status=400, error={
            "__type": "Bad Request", "message": _("Không có thao tác %(name)s.") % {"name": name}})  # fmt: skip
    if not allow(address_key(request, "ckan"), limit=600, window_seconds=60):
        return _answer(request, name, success=False, status=429, error={
            "__type": "Rate Limit", "message": _("Quá nhiều yêu cầu; thử lại sau một phút.")})  # fmt: skip
    try:
        result = handler(_params(request))
    except CkanError as exc:
        error = {"__type": exc.kind, "message": f"{exc.kind}: {exc.message}", **exc.fields}
        return _answer(request, name, success=False, status=exc.status, error=error)
    except NotFound as exc:
        return _answer(request, name, success=False, status=404,
                       error={"__type": "Not Found Error", "message": f"Not found: {exc.message}"})  # fmt: skip
    except DomainError as exc:
        error = {"__type": "Validation Error", "message": str(exc.message)}
        error.update({k: [str(v)] for k, v in exc.fields.items()})
        return _answer(request, name, success=False, status=409, error=error)
    return _answer(request, name, success=True, result=result)
