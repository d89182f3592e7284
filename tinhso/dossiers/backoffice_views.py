"""The officers' pages: the queue, and one dossier with the actions this officer may
take on it now. Actions post with HTMX and swap the work area; without JavaScript
they post and come back to the same page."""

from __future__ import annotations

import typing

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tinhso.accounts import authz
from tinhso.accounts.models import Agency, Role, RoleAssignment
from tinhso.core.errors import DomainError

from . import rules, selectors, services, workflow
from .models import ResultDelivery, Status


def _officer_or_redirect(request):
    if not authz.is_staff_member(request.user):
        return render(request, "403.html", status=403)
    if not request.user.is_verified():
        return redirect("accounts:otp_setup")
    return None


class QueueFilter(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Mã hồ sơ, tên hoặc số định danh"), required=False, max_length=100
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Trạng thái"),
        required=False,
        choices=[("", gettext_lazy("Tất cả"))]
        + [c for c in Status.choices if c[0] != Status.DRAFT],
    )
    due = forms.ChoiceField(
        label=gettext_lazy("Thời hạn"),
        required=False,
        choices=[
            ("", gettext_lazy("Tất cả")),
            ("soon", gettext_lazy("Sắp đến hạn")),
            ("late", gettext_lazy("Quá hạn")),
            ("apology", gettext_lazy("Sắp trễ hạn, chưa xin lỗi")),
        ],
    )
    mine = forms.BooleanField(label=gettext_lazy("Chỉ hồ sơ giao cho tôi"), required=False)


@login_required
def queue(request):
    refused = _officer_or_redirect(request)
    if refused:
        return refused
    form = QueueFilter(request.GET or None)
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
    dossiers = selectors.officer_queue(request.user, **filters).select_related("assignee")
    page = Paginator(dossiers, 25).get_page(request.GET.get("page"))
    horizon = rules.apology_horizon(timezone.localdate())
    for dossier in page:
        dossier.late = dossier.is_late()
        dossier.apology_due = dossier.needs_apology(horizon=horizon)
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.queue_counts(request.user)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "counts": [(Status(k).label, k, v) for k, v in sorted(counts.items())],
        "load": selectors.agency_load(request.user)
        if authz.roles_of(request.user) & {Role.LEADER, Role.ADMINISTRATOR}
        else None,
    }
    template = "dossiers/office/_queue_rows.html" if request.htmx else "dossiers/office/queue.html"
    return render(request, template, context)


def _specialists(dossier) -> list[tuple[str, str]]:
    people = RoleAssignment.objects.filter(role=Role.SPECIALIST, agency=dossier.agency).values_list(
        "user__username", "user__full_name"
    )
    return [("", "—")] + [(u, f"{n} ({u})") for u, n in people]


def _other_agencies(dossier) -> list[tuple[str, str]]:
    agencies = (
        Agency.objects.exclude(pk=dossier.agency_id)
        .filter(kind__in=["department", "ward_committee", "other"])
        .order_by("name")
    )
    return [(a.code, a.name) for a in agencies]


# How the officer's form draws each input of the actions' models (inputs.py): the
# fields and whether they are required come from the model, not from here.
WIDGETS = {
    "items": lambda dossier: {
        "type": "textarea",
        "label": _("Những gì cần bổ sung (mỗi dòng một mục, nêu đủ một lần)"),
    },
    "reasons": lambda dossier: {
        "type": "textarea",
        "label": _("Lý do của từng mục (mỗi dòng một lý do, theo thứ tự các mục ở trên)"),
    },
    "result_delivery": lambda dossier: {
        "type": "select",
        "label": _("Cách nhận kết quả"),
        "choices": [("", "—"), *ResultDelivery.choices],
    },
    "assignee": lambda dossier: {
        "type": "select",
        "label": _("Chuyên viên (để trống: chia lần lượt)"),
        "choices": _specialists(dossier),
    },
    "agency": lambda dossier: {
        "type": "select",
        "label": _("Chuyển đến cơ quan"),
        "choices": _other_agencies(dossier),
    },
    "new_due_date": lambda dossier: {"type": "date", "label": _("Ngày hẹn mới")},
    "notice": lambda dossier: {
        "type": "select",
        "label": _("Loại thông báo"),
        "choices": [
            ("refusal", _("Từ chối giải quyết (hồ sơ không đủ điều kiện)")),
            ("stop", _("Dừng giải quyết (không thể tiếp tục xử lý)")),
        ],
    },
}


def _action_fields(rule: workflow.Transition, dossier) -> list[dict]:
    """The inputs an action needs, besides its note."""
    return [
        {"name": name, **WIDGETS[name](dossier), "required": field.is_required()}
        for name, field in rule.inputs.model_fields.items()
        if name != "note"
    ]


def _note_required(rule: workflow.Transition) -> bool:
    return rule.inputs.model_fields["note"].is_required()


def _form_payload(action: str, data) -> dict:
    """What the form posted, as the action's model takes it: a list field is a
    textarea, one item a line."""
    rule = workflow.transition(action)
    payload = {k: v for k, v in data.items() if k != "csrfmiddlewaretoken"}
    for name, field in rule.inputs.model_fields.items() if rule else ():
        if name in payload and typing.get_origin(field.annotation) is list:
            payload[name] = [line.strip() for line in payload[name].splitlines() if line.strip()]
    return payload


def _work_context(request, dossier, *, error=None, error_action=None):
    actions = [
        {
            "rule": rule,
            "fields": _action_fields(rule, dossier),
            "note_required": _note_required(rule),
        }
        for rule in services.allowed_actions(request.user, dossier)
        if workflow.APPLICANT not in rule.roles
    ]
    definition = services.definition_of(dossier)
    labels = {f.name: f.label for f in definition.fields}
    return {
        "dossier": dossier,
        "status_label": Status(dossier.status).label,
        "late": dossier.is_late(),
        "apology_due": dossier.needs_apology(horizon=rules.apology_horizon(timezone.localdate())),
        "answers": [(labels.get(k, k), v) for k, v in dossier.data.items()],
        "steps": dossier.steps.select_related("agency", "assignee", "finished_by").order_by("started_at", "pk"),
        "slips": dossier.slips.all(),
        "actions": actions,
        "error": error,
        "error_action": error_action,
    }  # fmt: skip


@login_required
def work(request, code: str):
    refused = _officer_or_redirect(request)
    if refused:
        return refused
    dossier = selectors.dossier_for(request.user, code)
    if dossier is None or dossier.applicant_id == request.user.pk:
        raise Http404(code)
    return render(request, "dossiers/office/work.html", _work_context(request, dossier))


@login_required
@require_POST
def act(request, code: str, action: str):
    refused = _officer_or_redirect(request)
    if refused:
        return refused
    payload = _form_payload(action, request.POST)
    error = None
    try:
        services.take_action(actor=request.user, code=code, action=action, payload=payload)
    except DomainError as exc:
        error = exc
    dossier = selectors.dossier_for(request.user, code)
    if dossier is None and error is not None:
        raise Http404(code)
    if dossier is None:  # forwarded out of this officer's reach
        messages.success(request, _("Đã chuyển hồ sơ %(code)s.") % {"code": code})
        if request.htmx:
            response = render(request, "dossiers/office/_gone.html", {"code": code})
            response["HX-Redirect"] = "/lam-viec/ho-so/"
            return response
        return redirect("office:queue")
    if error is None:
        rule = workflow.TRANSITIONS[action]
        messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": rule.label})
    if request.htmx:
        context = _work_context(request, dossier, error=error, error_action=action)
        return render(
            request, "dossiers/office/_work.html", context, status=(error.status if error else 200)
        )
    if error is not None:
        messages.error(request, str(error.message))
    return redirect("office:work", code=code)


@login_required
def bulk_sign(request):
    """A leader signs many approved results at once, as a background job."""
    refused = _officer_or_redirect(request)
    if refused:
        return refused
    if request.method == "POST":
        try:
            job = services.sign_in_bulk(actor=request.user, codes=request.POST.getlist("codes"))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            return redirect("office:job", pk=job.pk)
    approved = selectors.officer_queue(request.user, status=Status.APPROVED)[:500]
    ready = [d for d in approved if services.may(request.user, workflow.TRANSITIONS["sign"], d)]
    return render(request, "dossiers/office/bulk_sign.html", {"dossiers": ready})


@login_required
def job_progress(request, pk: int):
    from tinhso.core.models import Job

    job = Job.objects.filter(pk=pk, created_by=request.user).first()
    if job is None:
        raise Http404(pk)
    template = "dossiers/office/_job.html" if request.htmx else "dossiers/office/job.html"
    return render(request, template, {"job": job})
