"""The applicant's filing pages, one thing per page: the form (step 1), the papers
(step 2, uploaded or reused from their store), check your answers and submit (step
3), and the confirmation. The draft is kept at every step."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.core import workdays
from tinhso.core.errors import DomainError, apply_domain_error
from tinhso.procedures import selectors as procedure_selectors
from tinhso.procedures.fees import quote

from . import selectors, services
from .answers import answers, shown
from .forms import dossier_form, form_values
from .models import ResultDelivery


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
