from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.core import uploads, workdays
from tinhso.core.errors import DomainError, apply_domain_error
from tinhso.procedures import selectors as procedure_selectors
from tinhso.procedures.fees import quote

from . import pdf, selectors, services
from .answers import answers, shown
from .forms import dossier_form, form_values
from .models import ResultDelivery, Status


def _own_draft(request, code: str):
    dossier = selectors.dossier_for(request.user, code)
    if dossier is None or dossier.applicant_id != request.user.pk:
        raise Http404(code)
    return dossier


def _definition(dossier):
    return procedure_selectors.definition_of(dossier.procedure_version)


def _bound_to_saved(definition, prefilled, dossier):
    """The form bound to what the draft holds, so that its errors can be shown."""
    from tinhso.procedures.fields import in_form

    data: dict[str, str] = {}
    for field in definition.fields:
        if not in_form(field) or field.name in prefilled:
            continue
        value = dossier.data.get(field.name)
        if field.type == "date" and value:
            day = datetime.date.fromisoformat(value)
            data.update(
                {
                    f"{field.name}_0": str(day.day),
                    f"{field.name}_1": str(day.month),
                    f"{field.name}_2": str(day.year),
                }
            )
        elif field.type == "checkbox":
            if value:
                data[field.name] = "on"
        elif value is not None:
            data[field.name] = str(value)
    form = dossier_form(definition.fields, prefilled=prefilled, data=data)
    form.is_valid()
    return form


def _then(request) -> str:
    """Where the form goes when left: back to check-your-answers after a change."""
    return "review" if "review" in (request.GET.get("then"), request.POST.get("then")) else ""


def _leave_the_form(request, dossier, definition, prefilled, form):
    """Leaving step 1: every required answer and every range is checked now, not at
    the end. The draft is kept either way (nothing typed is lost)."""
    try:
        services.check_answers(actor=request.user, dossier=dossier)
    except DomainError as exc:
        form = form if form.is_bound else _bound_to_saved(definition, prefilled, dossier)
        form.is_valid()
        apply_domain_error(form, exc)
        return render(
            request,
            "dossiers/step_form.html",
            {
                **_wizard_context(
                    dossier.procedure, definition, prefilled, form, step=1, dossier=dossier
                ),
                "then": _then(request),
            },
            status=400,
        )
    if request.POST.get("then") == "review":
        return redirect("dossiers:review", code=dossier.code)
    return redirect("dossiers:papers", code=dossier.code)


@login_required
@require_http_methods(["GET", "POST"])
def start(request, procedure_code: str):
    """Step 1 of a new dossier: the form. Posting it saves the draft."""
    proc = procedure_selectors.procedure(procedure_code)
    if proc is None:
        raise Http404(procedure_code)
    definition = procedure_selectors.definition_of(procedure_selectors.current_version(proc))
    prefilled = services.prefilled_fields(definition, request.user)
    form = dossier_form(definition.fields, prefilled=prefilled, data=request.POST or None)
    if request.method == "POST":
        try:
            dossier = services.create_dossier(
                actor=request.user,
                procedure_code=proc.code,
                data=form_values(form, request.POST),
            )
        except DomainError as exc:
            form.is_valid()
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu bản nháp hồ sơ %(code)s.") % {"code": dossier.code})
            try:
                services.check_answers(actor=request.user, dossier=dossier)
            except DomainError:
                # the draft exists now: its own page shows what is left to answer
                return redirect(reverse("dossiers:edit_form", args=[dossier.code]) + "?kiem-tra=1")
            return redirect("dossiers:papers", code=dossier.code)
    return render(
        request,
        "dossiers/step_form.html",
        _wizard_context(proc, definition, prefilled, form, step=1),
        status=400 if form.errors else 200,
    )


def _wizard_context(proc, definition, prefilled, form, *, step: int, dossier=None):
    labels = {f.name: f for f in definition.fields}
    return {
        "procedure": proc,
        "definition": definition,
        "prefilled": [(labels[k].label, shown(labels[k], v)) for k, v in prefilled.items()],
        "form": form,
        "step": step,
        "dossier": dossier,
        "steps": [_("Thông tin"), _("Giấy tờ"), _("Kiểm tra và nộp")],
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit_form(request, code: str):
    dossier = _own_draft(request, code)
    definition = _definition(dossier)
    prefilled = services.prefilled_fields(definition, request.user)
    if request.method == "GET" and "kiem-tra" in request.GET:
        return _leave_the_form(request, dossier, definition, prefilled, forms.Form())
    form = dossier_form(
        definition.fields, prefilled=prefilled, data=request.POST or None, initial=dossier.data
    )
    if request.method == "POST":
        try:
            dossier = services.update_draft(
                actor=request.user, dossier=dossier, data=form_values(form, request.POST)
            )
        except DomainError as exc:
            form.is_valid()
            apply_domain_error(form, exc)
        else:
            return _leave_the_form(request, dossier, definition, prefilled, form)
    return render(
        request,
        "dossiers/step_form.html",
        {
            **_wizard_context(
                dossier.procedure, definition, prefilled, form, step=1, dossier=dossier
            ),
            "then": _then(request),
        },
        status=400 if form.errors else 200,
    )


class PaperForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại giấy tờ"))
    file = forms.FileField(
        label=gettext_lazy("Tệp (PDF, JPG hoặc PNG, tối đa 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def papers(request, code: str):
    """Step 2: one upload per required paper; each upload is kept at once. The
    declaration the online form already holds is not asked for (it is made from
    the answers when the dossier is submitted)."""
    dossier = _own_draft(request, code)
    definition = _definition(dossier)
    asked = [d for d in definition.documents if not d.generated]
    leaving = request.method == "POST" and request.POST.get("then") == "review"
    form = PaperForm(None if leaving else request.POST or None, request.FILES or None)
    form.fields["kind"].choices = [(d.kind, d.label) for d in asked]
    missing = services.missing_documents(dossier, definition)
    if leaving and not missing:
        return redirect("dossiers:review", code=dossier.code)
    if leaving:
        pass  # the page says, at the top, each paper still to give
    elif request.method == "POST" and form.is_valid():
        try:
            services.attach_document(
                actor=request.user,
                dossier=dossier,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Đã nhận tệp."))
            return redirect("dossiers:papers", code=dossier.code)
    attached = {d.kind: d for d in services.current_documents(dossier)}
    from tinhso.documents import selectors as store

    rows = [
        (d, attached.get(d.kind), store.reusable(request.user, kind=d.kind, accepts=d.accepts))
        for d in asked
    ]
    return render(
        request,
        "dossiers/step_papers.html",
        {
            **_wizard_context(dossier.procedure, definition, {}, form, step=2, dossier=dossier),
            "rows": rows,
            "generated": [d for d in definition.documents if d.generated],
            "missing": missing,
            "still_missing": missing if leaving else [],
        },
        status=400 if form.errors or leaving else 200,
    )


@login_required
@require_POST
def reuse(request, code: str):
    """Attach a paper from the applicant's store instead of uploading it."""
    dossier = _own_draft(request, code)
    try:
        services.attach_from_store(
            actor=request.user,
            dossier=dossier,
            kind=request.POST.get("kind", ""),
            stored_document_id=int(request.POST.get("stored_document") or 0),
        )
    except (DomainError, ValueError) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
    else:
        messages.success(request, _("Đã dùng giấy tờ có sẵn trong kho của bạn."))
    return redirect("dossiers:papers", code=dossier.code)


@login_required
@require_http_methods(["GET", "POST"])
def review(request, code: str):
    """Step 3, check your answers: every answer with its own change link, the papers,
    the fee and the expected date; then submit."""
    dossier = _own_draft(request, code)
    definition = services.definition_of(dossier)  # the deadline of the case answered
    error = None
    if request.method == "POST":
        try:
            services.take_action(
                actor=request.user,
                code=dossier.code,
                action="submit",
                payload={"result_delivery": request.POST.get("result_delivery") or None},
            )
        except DomainError as exc:
            error = exc
        else:
            return redirect("dossiers:submitted", code=dossier.code)
    prefilled = services.prefilled_fields(definition, request.user)
    estimate = workdays.calendar().due_date(
        timezone.now(), definition.processing_days, dossier.desk.cut_off_time
    )
    labels = {f.name: f.label for f in definition.fields}
    papers = {d.kind: d.label for d in definition.documents}
    return render(
        request,
        "dossiers/step_review.html",
        {
            **_wizard_context(dossier.procedure, definition, {}, None, step=3, dossier=dossier),
            "answers": answers(definition.fields, dossier.data, prefilled=prefilled),
            "documents": [
                (papers.get(d.kind, d.kind), d) for d in services.current_documents(dossier)
            ],
            "generated": [d for d in definition.documents if d.generated],
            "missing": services.missing_documents(dossier, definition),
            "estimate": estimate,
            "fee": quote(definition, dossier.data, on=timezone.localdate()),
            "deliveries": ResultDelivery.choices,
            "error": error,
            "error_fields": [
                (key.removeprefix("data."), labels.get(key.removeprefix("data."), ""), message)
                for key, message in (error.fields.items() if error else [])
            ],
        },
        status=400 if error else 200,
    )


@login_required
def submitted(request, code: str):
    """The confirmation: the dossier's code, when the result is expected, what
    happens next."""
    dossier = selectors.dossier_for(request.user, code)
    if dossier is None or dossier.applicant_id != request.user.pk or not dossier.submitted_at:
        raise Http404(code)
    return render(request, "dossiers/submitted.html", {"dossier": dossier})


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
        regex=r"^[0-9]{4}$",
        error_messages={"invalid": gettext_lazy("Nhập đúng 4 chữ số.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4"}),
    )


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
            dossier = selectors.tracked_dossier(
                form.cleaned_data["ma"], form.cleaned_data["so"], client=client_ip(request) or "-"
            )
        except selectors.TooManyAttempts:
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
