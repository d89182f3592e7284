"""The applicant's dossier once filed (my dossiers, its page, withdrawing,
supplementing, rating, its files and slips) and public tracking. The filing pages
are in filing_views.py (re-exported here for the URLs)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.core import uploads
from tinhso.core.errors import DomainError

from . import pdf, selectors, services, tracking
from .filing_views import _definition
from .filing_views import edit_form as edit_form
from .filing_views import papers as papers
from .filing_views import reuse as reuse
from .filing_views import review as review
from .filing_views import start as start
from .filing_views import submitted as submitted
from .models import Status


@login_required
def my_dossiers(request):
    status = request.GET.get("trang_thai") or None
    if status not in Status.values:
        status = None
    page = Paginator(
        selectors.my_dossiers(request.user, status=status, q=request.GET.get("q", "")[:40]), 20
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dossiers/my_dossiers.html",
        {"page": page, "statuses": Status.choices, "status": status, "query": query.urlencode()},
    )


def _detail(request, dossier, *, supplement_error=None, status=200):
    from .supplements import changes_since_request

    awaiting = dossier.status == Status.AWAITING_SUPPLEMENT
    changes = changes_since_request(dossier) if awaiting else None
    definition = _definition(dossier)
    kinds = {d.kind: d for d in definition.documents}
    return render(
        request,
        "dossiers/detail.html",
        {
            "dossier": dossier,
            "status_label": Status(dossier.status).label,
            "definition": definition,
            "papers": [(kinds.get(d.kind), d) for d in services.current_documents(dossier)],
            "is_applicant": dossier.applicant_id == request.user.pk,
            "can_withdraw": dossier.status in services.workflow.TRANSITIONS["withdraw"].sources,
            "supplement_slip": changes.slip if changes else None,
            "supplement_changes": changes,
            "supplement_error": supplement_error,
            "shows_dates": dossier.status not in CLOSED_WITHOUT_RESULT,
            "slips": dossier.slips.all(),
        },
        status=status,
    )


# A refused, declined or withdrawn dossier has no appointment to keep.
CLOSED_WITHOUT_RESULT = frozenset({Status.REFUSED, Status.WITHDRAWN})


@login_required
def detail(request, code: str):
    dossier = selectors.dossier_for(request.user, code)
    if dossier is None:
        raise Http404(code)
    return _detail(request, services.with_declarations(dossier))


@login_required
@require_POST
def withdraw(request, code: str):
    _visible_or_404(request, code)  # a stranger learns nothing, not even by a message
    try:
        services.take_action(
            actor=request.user,
            code=code,
            action="withdraw",
            payload={"note": request.POST.get("note", "")},
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Đã rút hồ sơ %(code)s.") % {"code": code})
    return redirect("dossiers:detail", code=code)


@login_required
def receipt(request, code: str):
    dossier = selectors.dossier_for(request.user, code)
    if dossier is None or dossier.submitted_at is None:
        raise Http404(code)
    response = HttpResponse(pdf.receipt_pdf(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-nhan-{dossier.code}.pdf"'
    return response


@login_required
def document(request, code: str, document_id: int):
    dossier = selectors.dossier_for(request.user, code)
    if dossier is None:
        raise Http404(code)
    found = dossier.documents.filter(pk=document_id).first()
    if found is None:
        raise Http404(document_id)
    return uploads.stored_file_response(
        found.file_path, content_type=found.content_type, filename=found.display_name
    )


class TrackingForm(forms.Form):
    ma = forms.CharField(label=gettext_lazy("Mã hồ sơ"), max_length=40)
    so = forms.RegexField(
        label=gettext_lazy("4 số cuối của số điện thoại hoặc số định danh"),
        regex=r"\A[0-9]{4}\Z",  # (`$` would pass a trailing newline)
        error_messages={"invalid": gettext_lazy("Nhập đúng 4 chữ số.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4"}),
    )

    @classmethod
    def accepted(cls, data) -> tuple[str, str] | None:
        """The code and the digits of a filled form when the form accepts them (its
        fields' own rules), without building a form (which copies its fields): the
        kept lookup's check (root.middleware). None: the page shows the errors."""
        try:
            code, digits = (
                field.clean(field.widget.value_from_datadict(data, None, name))
                for name, field in cls.base_fields.items()
            )
        except forms.ValidationError:
            return None
        return code, digits


@require_http_methods(["GET", "POST"])
def track(request):
    """Public tracking: no sign-in, the code and 4 digits only the applicant knows.
    The digits travel in the POST body, never in an address (logs, history, the
    Referer). An old link that put them in the address is sent to the form, with the
    code kept and the digits dropped."""
    if request.method == "GET" and "so" in request.GET:
        code = request.GET.get("ma", "")[:40]
        return redirect(reverse("track") + (f"?{urlencode({'ma': code})}" if code else ""))
    form = TrackingForm(
        request.POST if request.method == "POST" else None,
        initial={"ma": request.GET.get("ma", "")[:40]},
    )
    dossier = None
    if form.is_bound and form.is_valid():
        from tinhso.core.middleware import client_ip

        try:
            dossier = tracking.tracked_dossier(
                form.cleaned_data["ma"], form.cleaned_data["so"], client=client_ip(request) or "-"
            )
        except tracking.TooManyAttempts:
            form.add_error(None, _("Tra cứu sai quá nhiều lần. Vui lòng thử lại sau một giờ."))
            return render(request, "dossiers/track.html", {"form": form}, status=429)
        if dossier is None:
            form.add_error(None, _("Không tìm thấy hồ sơ với mã và 4 số cuối đã nhập."))
    holder = selectors.holder_now(dossier) if dossier is not None else None
    return render(
        request,
        "dossiers/track.html",
        {
            "form": form,
            "dossier": dossier,
            "holder": holder,
            "shows_dates": dossier is not None and dossier.status not in CLOSED_WITHOUT_RESULT,
            "status_label": Status(dossier.status).label if dossier else "",
        },
        status=404 if form.is_bound and dossier is None and not form.errors.get("so") else 200,
    )


def _visible_or_404(request, code: str):
    dossier = selectors.dossier_for(request.user, code)
    if dossier is None:
        raise Http404(code)
    return dossier


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def result(request, code: str):
    dossier = _visible_or_404(request, code)
    if not dossier.result_file:
        raise Http404(code)
    return uploads.stored_file_response(
        dossier.result_file,
        content_type="application/pdf",
        filename=f"ket-qua-{dossier.code}.pdf",
        attachment=False,
    )


@login_required
def slip(request, code: str, slip_id: int):
    dossier = _visible_or_404(request, code)
    found = dossier.slips.filter(pk=slip_id).select_related("issued_by").first()
    if found is None:
        raise Http404(slip_id)
    return _pdf(pdf.slip_pdf(found), f"phieu-{found.kind}-{dossier.code}.pdf")


@login_required
def control_slip(request, code: str):
    dossier = _visible_or_404(request, code)
    return _pdf(pdf.control_slip_pdf(dossier), f"phieu-kiem-soat-{dossier.code}.pdf")


@login_required
@require_POST
def supplement(request, code: str):
    """The applicant says the supplement is complete: the dossier goes back where it
    was, after at least one change or their statement that nothing needs changing."""
    dossier = _visible_or_404(request, code)
    try:
        services.take_action(
            actor=request.user,
            code=code,
            action="supplement",
            payload={
                "no_change": request.POST.get("no_change") == "on",
                "note": request.POST.get("note", ""),
            },
        )
    except DomainError as exc:
        return _detail(request, dossier, supplement_error=exc, status=400)
    messages.success(request, _("Đã gửi phần bổ sung cho hồ sơ %(code)s.") % {"code": code})
    return redirect("dossiers:detail", code=code)


@login_required
@require_POST
def rate(request, code: str):
    _visible_or_404(request, code)
    try:
        rating = int(request.POST.get("rating", ""))
    except ValueError:
        rating = 0
    try:
        services.take_action(
            actor=request.user,
            code=code,
            action="rate",
            payload={"rating": rating, "comment": request.POST.get("comment", "")},
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    return redirect("dossiers:detail", code=code)
