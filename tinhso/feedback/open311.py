"""Open311 GeoReport v2 (JSON) at /open311/v2/: the categories as services, reports as
service requests, so civic apps and the national portal can send and read them.

Reading: published reports (the reporter never); a report asked for by its id shows
its status and answer (`status_notes`) even before it is published. Sending: form
fields of the specification; `api_key` is an API token of tinhso (`issue_token`), or
anonymous with `phone` confirmed by a code for each request: a first POST sends the
code by SMS and is answered 400 `phone_confirmation_required`, the second carries it
as `attribute[phone_code]`. `attribute[ward]` is the ward's code when known."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from tinhso.accounts.auth import user_for_token
from tinhso.core import throttle
from tinhso.core.errors import DomainError

from . import selectors, services
from .models import Channel, Report, Status

MAX_RESULTS = 1000
DEFAULT_DAYS = 90


def jurisdiction_id() -> str:
    return settings.FEEDBACK_JURISDICTION_ID or f"tinhso-{settings.TINHSO_PROVINCE}"


def _error(status: int, description: str, code: str = "") -> JsonResponse:
    body: list[dict[str, object]] = [{"code": status, "description": description}]
    if code:
        body[0]["error_code"] = code
    return JsonResponse(body, status=status, safe=False)


def _wrong_jurisdiction(request) -> JsonResponse | None:
    given = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    if given and given != jurisdiction_id():
        return _error(404, f"jurisdiction_id must be {jurisdiction_id()}")
    return None


def _service(category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": category.get_responsible_kind_display(),
    }


@require_GET
def services_list(request):
    if (wrong := _wrong_jurisdiction(request)) is not None:
        return wrong
    return JsonResponse([_service(c) for c in selectors.categories()], safe=False)


@require_GET
def service_definition(request, code: str):
    if (wrong := _wrong_jurisdiction(request)) is not None:
        return wrong
    if not selectors.categories().filter(code=code).exists():
        return _error(404, "unknown service_code")
    return JsonResponse({"service_code": code, "attributes": []})


def _iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _request(report: Report, *, public: bool) -> dict:
    due = datetime.datetime.combine(report.due_date, datetime.time(17, 0))
    body: dict[str, object] = {
        "service_request_id": report.code,
        "status": "closed" if report.status == Status.CLOSED else "open",
        "status_notes": report.answer if report.status == Status.CLOSED else "",
        "service_name": report.category.name,
        "service_code": report.category.code,
        "agency_responsible": report.agency.name,
        "service_notice": "",
        "requested_datetime": _iso(report.created_at),
        "updated_datetime": _iso(report.answered_at or report.created_at),
        "expected_datetime": _iso(timezone.make_aware(due)),
    }
    if public:
        body.update(
            {
                "description": report.description,
                "address": report.address,
                "address_id": report.ward_id or "",
                "zipcode": "",
                "lat": report.latitude,
                "long": report.longitude,
                "media_url": "",
            }
        )
    return body


@csrf_exempt  # outside clients: token or confirmed phone, never the session cookie
@require_http_methods(["GET", "POST"])
def requests_list(request):
    if (wrong := _wrong_jurisdiction(request)) is not None:
        return wrong
    if request.method == "POST":
        return _post_request(request)
    params = request.GET
    ids = [i for i in params.get("service_request_id", "").split(",") if i]
    if ids:
        reports = [r for r in (selectors.report_by_code(i) for i in ids[:MAX_RESULTS]) if r]
        return JsonResponse([_request(r, public=r.is_public) for r in reports], safe=False)
    try:
        start = parse_datetime(params.get("start_date", ""))
    except ValueError:
        return _error(400, "start_date is not a valid date and time")
    try:
        end = parse_datetime(params.get("end_date", ""))
    except ValueError:
        return _error(400, "end_date is not a valid date and time")
    if start is None and end is None:
        start = timezone.now() - datetime.timedelta(days=DEFAULT_DAYS)
    statuses = [s for s in params.get("status", "").split(",") if s in ("open", "closed")]
    qs = selectors.public_reports(since=start, until=end)
    codes = [c for c in params.get("service_code", "").split(",") if c]
    if codes:
        qs = qs.filter(category__code__in=codes)
    if statuses == ["open"]:
        qs = qs.exclude(status=Status.CLOSED)
    elif statuses == ["closed"]:
        qs = qs.filter(status=Status.CLOSED)
    return JsonResponse([_request(r, public=True) for r in qs[:MAX_RESULTS]], safe=False)


@require_GET
def request_detail(request, code: str):
    if (wrong := _wrong_jurisdiction(request)) is not None:
        return wrong
    report = selectors.report_by_code(code)
    if report is None:
        return _error(404, "unknown service_request_id")
    return JsonResponse([_request(report, public=report.is_public)], safe=False)


def _post_request(request):
    if not throttle.allow(throttle.address_key(request, "open311"), limit=60, window_seconds=3600):
        return _error(429, "too many requests")
    post = request.POST
    reporter = None
    if post.get("api_key"):
        reporter = user_for_token(post["api_key"])
        if reporter is None:
            return _error(403, "invalid api_key")
    phone = post.get("phone", "")
    try:
        if reporter is None:
            if not phone:
                return _error(400, "api_key or phone is required", "phone_required")
            # Every anonymous request proves the phone with a fresh code: an earlier
            # confirmation (by its owner, on another client) is no credential here.
            code = post.get("attribute[phone_code]", "")
            if not code:
                services.request_phone_code(phone=phone)
                return _error(
                    400,
                    "a code was sent to the phone; send the request again with "
                    "attribute[phone_code]",
                    "phone_confirmation_required",
                )
            services.confirm_phone(phone=phone, code=code)
        report = services.submit_report(
            reporter=reporter,
            phone=phone,
            category_code=post.get("service_code", ""),
            description=post.get("description", ""),
            latitude=post.get("lat") or None,
            longitude=post.get("long") or None,
            address=post.get("address_string", ""),
            ward_code=post.get("attribute[ward]", ""),
            photos=request.FILES.getlist("media")[: services.MAX_PHOTOS + 1],
            channel=Channel.OPEN311,
        )
    except DomainError as exc:
        return _error(exc.status, str(exc), exc.code)
    return JsonResponse(
        [{"service_request_id": report.code, "service_notice": "", "account_id": None}],
        status=200,  # as FixMyStreet answers; clients of Open311 expect 200
        safe=False,
    )
