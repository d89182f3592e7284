"""Pages of the population registry (/dan-cu/): import with progress, the review
queue with both records side by side, a person with their records and merges."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.core.errors import DomainError

from . import daily, importing, linking, permissions, selectors, services
from .models import ImportBatch, Merge, Person, ReviewPair


def _officer(request):
    """Registry keepers only (each page then shows what their scope covers)."""
    if not permissions.is_keeper(request.user):
        return render(request, "403.html", status=403)
    if not request.user.is_verified():
        return redirect("accounts:otp_setup")
    return None


@login_required
def home(request):
    if refused := _officer(request):
        return refused
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Hãy chọn tệp CSV."))
        else:
            path = importing.imports_dir() / f"upload-{uuid.uuid4().hex}.csv"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                batch = importing.start_import(
                    actor=request.user, path=path, file_name=upload.name[:200]
                )
            except DomainError as exc:
                path.unlink(missing_ok=True)
                messages.error(request, str(exc.message))
            else:
                return redirect("population:batch", pk=batch.pk)
    viewer = request.user
    page = Paginator(selectors.people(viewer=viewer, q=request.GET.get("q", "")), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "population/home.html",
        {
            "counts": selectors.registry_counts(viewer=viewer),
            "batches": selectors.recent_batches(viewer=viewer),
            "province_keeper": permissions.is_province_keeper(viewer),
            "dedup_job": selectors.last_dedup_job(),
            "unlinked": daily.unlinked(),
            "page": page,
            "q": request.GET.get("q", ""),
            "query": urlencode({"q": request.GET["q"]}) if request.GET.get("q") else "",
        },
    )


@login_required
def batch(request, pk: int):
    if refused := _officer(request):
        return refused
    try:
        item = selectors.import_batch(pk, viewer=request.user)
    except ImportBatch.DoesNotExist:
        raise Http404(pk) from None
    context = {"batch": item, "errors": importing.error_report_text(item, limit=50)}
    template = "population/_batch.html" if request.htmx else "population/batch.html"
    return render(request, template, context)


@login_required
def batch_errors(request, pk: int):
    if refused := _officer(request):
        return refused
    try:
        item = selectors.import_batch(pk, viewer=request.user)
    except ImportBatch.DoesNotExist:
        raise Http404(pk) from None
    if not item.error_report:
        raise Http404(pk)
    selectors.read_import_errors(item, viewer=request.user)
    return FileResponse(
        open(item.error_report, "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=True,
        filename=f"loi-nhap-{item.pk}.csv",
        content_type="text/csv; charset=utf-8",
    )


@login_required
@require_POST
def run_dedup(request):
    if refused := _officer(request):
        return refused
    incremental = request.POST.get("incremental") == "1"
    try:
        job = linking.start_dedup(actor=request.user, incremental=incremental)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("population:home")
    if incremental:
        messages.success(
            request, _("Đã bắt đầu liên kết gia tăng (công việc #%(id)s).") % {"id": job.pk}
        )
    else:
        messages.success(request, _("Đã bắt đầu đối sánh (công việc #%(id)s).") % {"id": job.pk})
    return redirect("population:reviews")


@login_required
def reviews(request):
    if refused := _officer(request):
        return refused
    page = Paginator(selectors.review_queue(viewer=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "population/reviews.html", {"page": page})


@login_required
def review(request, pk: int):
    if refused := _officer(request):
        return refused
    try:
        pair = selectors.review_pair(pk, viewer=request.user)
    except ReviewPair.DoesNotExist:
        raise Http404(pk) from None
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("match", "non_match"):
            messages.error(request, _("Hãy chọn: cùng một người hay không."))
        else:
            try:
                services.decide_pair(
                    actor=request.user,
                    pair=pair,
                    same_person=decision == "match",
                    note=request.POST.get("note", ""),
                )
            except DomainError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("Đã ghi nhận quyết định."))
                return redirect("population:reviews")
    rows = _side_by_side(pair)
    return render(request, "population/review.html", {"pair": pair, "rows": rows})


def _side_by_side(pair: ReviewPair) -> list[tuple[str, str, str, bool]]:
    a, b = pair.record_a, pair.record_b
    fields = [
        (_("Họ và tên"), a.full_name, b.full_name),
        (_("Ngày sinh"), a.raw.get("date_of_birth", ""), b.raw.get("date_of_birth", "")),
        (_("Giới tính"), a.raw.get("sex", ""), b.raw.get("sex", "")),
        (_("Số định danh"), a.personal_id, b.personal_id),
        (_("Số điện thoại"), a.phone, b.phone),
        (_("Địa chỉ"), a.address, b.address),
        (_("Phường/xã"), a.ward.name if a.ward else "", b.ward.name if b.ward else ""),
        (_("Họ tên cha"), a.father_name, b.father_name),
        (_("Họ tên mẹ"), a.mother_name, b.mother_name),
        (_("Nơi đăng ký khai sinh"), a.birth_place, b.birth_place),
        (_("Quê quán"), a.hometown, b.hometown),
        (_("Dân tộc"), a.ethnicity, b.ethnicity),
        (_("Nguồn"), a.source, b.source),
        (_("Mã bản ghi"), a.record_id, b.record_id),
    ]
    return [(label, x, y, x == y) for label, x, y in fields]


@login_required
def person(request, pk: int):
    if refused := _officer(request):
        return refused
    try:
        item = selectors.person_detail(pk, viewer=request.user)
    except Person.DoesNotExist:
        raise Http404(pk) from None
    return render(
        request,
        "population/person.html",
        {
            "person": item,
            "records": selectors.person_records(item),
            "household": selectors.household_members(item, viewer=request.user),
            "merges": selectors.person_merges(item),
        },
    )


@login_required
@require_POST
def unmerge(request, pk: int):
    if refused := _officer(request):
        return refused
    merge = Merge.objects.filter(pk=pk).first()
    if merge is None:
        raise Http404(pk)
    try:
        services.unmerge(actor=request.user, merge=merge)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Đã tách: hai người được khôi phục cùng lịch sử của họ."))
    return redirect("population:person", pk=merge.survivor_id)
