"""Pages of citizen feedback: the public map and list, reporting (signed in, or with a
phone confirmed by a code), a report's page with rating and reopening, and the
agency's work: queue, assignment, forwarding, answer, duplicates, publishing."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tinhso.accounts import authz
from tinhso.accounts.models import Agency, RoleAssignment
from tinhso.core.errors import DomainError, apply_domain_error
from tinhso.core.uploads import stored_file_response

from . import forms, selectors, services
from .models import Photo, Report, Status

SESSION_PHONE = "feedback_phone"


def _map_context() -> dict:
    return {
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


# ---------------------------------------------------------------- public


@require_GET
def home(request):
    """Bản đồ phản ánh: published reports on a map (clustered) and in a list."""
    form = forms.FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    filters = {k: filters.get(k, "") for k in ("category", "ward", "status")}
    page = Paginator(selectors.public_reports(**filters), 20).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(
        request,
        "feedback/home.html",
        {"form": form, "page": page, "query": query, **_map_context()},
    )


def _bbox(text: str) -> tuple[float, float, float, float]:
    try:
        south, west, north, east = (float(v) for v in text.split(","))
    except ValueError:
        return (-90.0, -180.0, 90.0, 180.0)
    return (max(-90.0, south), max(-180.0, west), min(90.0, north), min(180.0, east))


@require_GET
def map_points(request):
    """Clusters of published reports for the map's box and zoom (server-side grid)."""
    try:
        zoom = int(request.GET.get("zoom", "10"))
    except ValueError:
        zoom = 10
    clusters = selectors.clustered_map(
        zoom=zoom,
        bbox=_bbox(request.GET.get("bbox", "")),
        category=request.GET.get("category", ""),
        ward=request.GET.get("ward", ""),
        status=request.GET.get("status", ""),
    )
    return JsonResponse(
        {
            "clusters": [
                {"lat": c.latitude, "lon": c.longitude, "count": c.count, "code": c.code}
                for c in clusters
            ]
        }  # fmt: skip
    )


GEOJSON_LIMIT = 10_000


@require_GET
def export_geojson(request):
    """GeoJSON of published reports (the filters of the list; the newest 10,000)."""
    form = forms.FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    reports = selectors.public_reports(
        **{k: filters.get(k, "") for k in ("category", "ward", "status")}
    )[:GEOJSON_LIMIT]
    response = JsonResponse(selectors.geojson(reports))
    response["Content-Type"] = "application/geo+json"
    response["Content-Disposition"] = 'attachment; filename="phan-anh.geojson"'
    return response


@require_http_methods(["GET", "POST"])
def confirm_phone(request):
    """Gửi phản ánh không cần tài khoản: the phone, then the code sent to it."""
    form = forms.PhoneForm(request.POST or None)
    code_sent = False
    if request.method == "POST" and form.is_valid():
        phone, code = form.cleaned_data["phone"], form.cleaned_data["code"]
        try:
            if code:
                request.session[SESSION_PHONE] = services.confirm_phone(phone=phone, code=code)
                return redirect("feedback:new")
            services.request_phone_code(phone=phone)
            code_sent = True
            messages.info(request, _("Đã gửi mã xác nhận tới số điện thoại của bạn."))
        except DomainError as exc:
            apply_domain_error(form, exc)
            code_sent = bool(code)
    return render(request, "feedback/phone.html", {"form": form, "code_sent": code_sent})


@require_http_methods(["GET", "POST"])
def new_report(request):
    """Gửi phản ánh: a category, a description, photos and a place."""
    phone = request.session.get(SESSION_PHONE, "")
    if not request.user.is_authenticated and not phone:
        return redirect("feedback:phone")
    form = forms.ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.submit_report(
                reporter=request.user if request.user.is_authenticated else None,
                phone=phone,
                category_code=data["category"],
                description=data["description"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                address=data["address"],
                ward_code=data["ward"],
                photos=request.FILES.getlist("photos"),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã gửi phản ánh. Mã để theo dõi: %(code)s. Hạn trả lời: %(due)s.")
                % {"code": report.code, "due": report.due_date.strftime("%d/%m/%Y")},
            )
            return redirect("feedback:detail", code=report.code)
    return render(
        request,
        "feedback/new.html",
        {"form": form, "anonymous_phone": phone if not request.user.is_authenticated else "",
         **_map_context()},
    )  # fmt: skip


def _is_reporter(request, report: Report) -> bool:
    if report.reporter_id is not None:
        return request.user.is_authenticated and request.user.pk == report.reporter_id
    return (
        bool(report.reporter_phone) and request.session.get(SESSION_PHONE) == report.reporter_phone
    )


def _is_officer(request, report: Report) -> bool:
    return authz.has_role(request.user, services.FEEDBACK_ROLES, agency=report.agency)


def _report_or_404(code: str) -> Report:
    report = selectors.report_by_code(code)
    if report is None:
        raise Http404(code)
    return report


@require_GET
def detail(request, code: str):
    """A report: its status and public answer to anyone who has the code; the
    description, place and photos once published or to its reporter."""
    report = _report_or_404(code)
    reporter = _is_reporter(request, report)
    full = report.is_public or reporter or _is_officer(request, report)
    return render(
        request,
        "feedback/detail.html",
        {
            "report": report,
            "full": full,
            "reporter": reporter,
            "photos": list(report.photos.all()) if full else [],
            "events": report.events.select_related("agency") if full else [],
            "can_rate": reporter and report.status == Status.CLOSED,
            "can_reopen": reporter
            and report.status == Status.CLOSED
            and report.reopened_at is None
            and not report.duplicate_of_id,
            "rating_form": forms.RatingForm(),
            "reopen_form": forms.ReopenForm(),
        },
    )


@require_POST
def rate(request, code: str):
    report = _report_or_404(code)
    form = forms.RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rate_answer(
                actor=request.user, report=report, rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"], phone=request.session.get(SESSION_PHONE, ""),
            )  # fmt: skip
            messages.success(request, _("Cảm ơn bạn đã đánh giá."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _("Chọn mức độ hài lòng."))
    return redirect("feedback:detail", code=code)


@require_POST
def reopen(request, code: str):
    report = _report_or_404(code)
    form = forms.ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_report(
                actor=request.user, report=report, reason=form.cleaned_data["reason"],
                phone=request.session.get(SESSION_PHONE, ""),
            )  # fmt: skip
            messages.success(request, _("Đã mở lại phản ánh."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _("Cho biết vì sao vấn đề chưa được giải quyết."))
    return redirect("feedback:detail", code=code)


@require_GET
def photo(request, pk: int):
    """The public (blurred) copy of a published report's photo; the original only to
    the officers of its agency and to its reporter."""
    item = Photo.objects.select_related("report__agency").filter(pk=pk).first()
    if item is None:
        raise Http404
    report = item.report
    original = request.GET.get("goc") == "1"
    if original:
        if not (_is_officer(request, report) or _is_reporter(request, report)):
            raise Http404
        path = item.file_path
    elif report.is_public and item.public_path:
        path = item.public_path
    else:
        raise Http404
    return stored_file_response(
        path, content_type=item.content_type, filename=f"{report.code}-{item.order + 1}",
        attachment=False,
    )  # fmt: skip


# ---------------------------------------------------------------- the agency's work


def _officer_or_redirect(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    if not request.user.is_verified():
        return redirect("accounts:otp_setup")
    if not selectors.agencies_of_officer(request.user):
        raise Http404
    return None


def office_queue(request):
    if (response := _officer_or_redirect(request)) is not None:
        return response
    status = request.GET.get("status", "")
    late = request.GET.get("late") == "1"
    page = Paginator(selectors.queue(request.user, status=status, late_only=late), 30).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    agencies = {a.code for a in selectors.agencies_of_officer(request.user)}
    lateness = [
        row
        for row in selectors.lateness_by_agency(first=today.replace(month=1, day=1), last=today)
        if row.agency in agencies
    ]
    return render(
        request,
        "feedback/office_queue.html",
        {"page": page, "status": status, "late": late, "today": today, "lateness": lateness,
         "statuses": Status.choices, "query": f"status={status}&late={int(late)}"},
    )  # fmt: skip


def _office_report(request, code: str) -> Report:
    report = _report_or_404(code)
    if not _is_officer(request, report):
        raise Http404
    return report


def _officers_of(agency: Agency):
    ids = RoleAssignment.objects.filter(
        agency=agency, role__in=services.FEEDBACK_ROLES
    ).values_list("user_id", flat=True)
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("full_name")


def office_detail(request, code: str):
    if (response := _officer_or_redirect(request)) is not None:
        return response
    report = _office_report(request, code)
    agencies = Agency.objects.filter(is_active=True).exclude(pk=report.agency_id).order_by("path")
    return render(
        request,
        "feedback/office_detail.html",
        {
            "report": report,
            "photos": list(report.photos.all()),
            "events": report.events.select_related("actor", "agency"),
            "duplicates": selectors.duplicate_candidates(report)
            if report.status != Status.CLOSED and not report.duplicate_of_id
            else [],
            "answer_form": forms.AnswerForm(),
            "forward_form": forms.ForwardForm(agencies=agencies),
            "assign_form": forms.AssignForm(officers=_officers_of(report.agency)),
            "today": timezone.localdate(),
        },
    )


def _act(request, code: str, do) -> HttpResponse:
    if (response := _officer_or_redirect(request)) is not None:
        return response
    report = _office_report(request, code)
    try:
        message = do(report)
        messages.success(request, message)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    target = reverse("feedback:office_detail", args=[code])
    if not _is_officer(request, selectors.report_by_code(code)):  # type: ignore[arg-type]
        target = reverse("feedback:office_queue")  # forwarded out of this officer's sight
    return redirect(target)


@require_POST
def office_answer(request, code: str):
    def do(report):
        services.answer_report(
            actor=request.user, report=report, answer=request.POST.get("answer", "")
        )
        return _("Đã trả lời phản ánh.")

    return _act(request, code, do)


@require_POST
def office_assign(request, code: str):
    def do(report):
        assignee = _officers_of(report.agency).filter(pk=request.POST.get("assignee") or 0).first()
        if assignee is None:
            raise DomainError(_("Chọn người được giao."))
        services.assign_report(actor=request.user, report=report, assignee=assignee)
        return _("Đã giao xử lý.")

    return _act(request, code, do)


@require_POST
def office_forward(request, code: str):
    def do(report):
        agency = Agency.objects.filter(code=request.POST.get("agency", ""), is_active=True).first()
        if agency is None:
            raise DomainError(_("Chọn cơ quan nhận."))
        services.forward_report(
            actor=request.user,
            report=report,
            to_agency=agency,
            reason=request.POST.get("reason", ""),
        )
        return _("Đã chuyển phản ánh đến %(agency)s.") % {"agency": agency.name}

    return _act(request, code, do)


@require_POST
def office_merge(request, code: str):
    def do(report):
        duplicate = _report_or_404(request.POST.get("duplicate", ""))
        services.merge_duplicate(actor=request.user, report=duplicate, into=report)
        return _("Đã gộp phản ánh %(code)s vào phản ánh này.") % {"code": duplicate.code}

    return _act(request, code, do)


def _boxes(text: str) -> dict[int, list[tuple[float, ...]]]:
    """{"<photo id>": [[x, y, w, h], …]} with fractions of the image."""
    try:
        raw = json.loads(text or "{}")
        return {
            int(k): [tuple(float(v) for v in box[:4]) for box in boxes if len(box) >= 4]
            for k, boxes in raw.items()
        }
    except (ValueError, TypeError, AttributeError):
        raise DomainError(_("Vùng làm mờ không hợp lệ.")) from None


@require_http_methods(["GET", "POST"])
def office_publish(request, code: str):
    """Công khai: the officer draws boxes over faces and plates; the server blurs them."""
    if request.method == "POST":

        def do(report):
            services.publish_report(
                actor=request.user, report=report, boxes=_boxes(request.POST.get("boxes", ""))
            )
            return _("Đã công khai phản ánh; các vùng đã chọn được làm mờ.")

        return _act(request, code, do)
    if (response := _officer_or_redirect(request)) is not None:
        return response
    report = _office_report(request, code)
    return render(
        request, "feedback/publish.html", {"report": report, "photos": list(report.photos.all())}
    )
