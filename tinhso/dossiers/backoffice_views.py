"""The officers' pages: the queue, and one dossier with the actions this officer may
take on it now. Actions post with HTMX and swap the work area; without JavaScript
they post and come back to the same page."""

from __future__ import annotations

import typing

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
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
    dossiers = selectors.officer_queue(request.user, **filters).select_related(
        "procedure", "assignee"
    )  # what a row shows
    page = _queue_page(request, dossiers, selectors.queue_total(request.user, **filters))
    horizon = rules.apology_horizon(timezone.localdate())
    for dossier in page:
        dossier.late = dossier.is_late()
        dossier.apology_due = dossier.needs_apology(horizon=horizon)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("after", None)
    query.pop("n", None)
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


QUEUE_PAGE_SIZE = 25


class _QueuePage(list):
    """A page of the queue by key: its rows, how many in all, its number, and the key
    the next one starts after (the API's `after`; page=N links still work)."""

    def __init__(self, rows, *, count: int, number: int, after: str | None):
        super().__init__(rows)
        self.total, self.number, self.after = count, number, after
        self.num_pages = max(1, -(-count // QUEUE_PAGE_SIZE))


def _queue_page(request, dossiers, known: int | None) -> _QueuePage:
    after = request.GET.get("after", "")
    number = request.GET.get("n", "")
    number = int(number) if number.isdigit() and int(number) > 0 else 1
    if request.GET.get("page") and not after:  # a page number given out before: OFFSET
        old = Paginator(dossiers, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
        rows, number = list(old.object_list), old.number
        more = old.has_next()
        after = selectors.queue_key(rows[-1]) if more and rows else ""
        count = old.paginator.count
        return _QueuePage(rows, count=count, number=number, after=after or None)
    try:
        rows = selectors.queue_rows_after(dossiers, after, QUEUE_PAGE_SIZE + 1)
    except DomainError:  # a key edited by hand: from the start
        rows, number = selectors.queue_rows_after(dossiers, "", QUEUE_PAGE_SIZE + 1), 1
    if not after:
        number = 1
    more = len(rows) > QUEUE_PAGE_SIZE
    rows = rows[:QUEUE_PAGE_SIZE]
    count = known if known is not None else dossiers.count()
    return _QueuePage(
        rows, count=count, number=number, after=selectors.queue_key(rows[-1]) if more else None
    )


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


APPROVE_AND_SIGN = "approve_and_sign"  # the leader's two steps in one (services.drafts)

# The action each state waits for: its button is the primary one, the others secondary.
NEXT_ACTION = {
    Status.SUBMITTED: "receive",
    Status.RECEIVED: "assign",
    Status.IN_PROGRESS: "submit_for_approval",
    Status.AWAITING_APPROVAL: APPROVE_AND_SIGN,  # "approve" for a leader who cannot sign
    Status.APPROVED: "sign",
    Status.RESULT_READY: "return",
}


def _error_items(error, action: str) -> list[tuple[str, str]]:
    """(the id of the field at fault, its message), for the summary's links. A list,
    not the error's dict, in the template: `fields.items` would look up a field
    named "items" (the supplement request's) before the dict's method."""
    if error is None:
        return []
    return [(f"{action}-{name}", str(message)) for name, message in error.fields.items()]


def _actions(request, dossier, *, error, error_action) -> list[dict[str, typing.Any]]:
    """The actions this officer may take now, the next expected one first, each with
    its inputs and, for the one that just failed, its error beside its fields."""
    rules_ = [
        rule
        for rule in services.allowed_actions(request.user, dossier)
        if workflow.APPLICANT not in rule.roles
    ]
    actions: list[dict[str, typing.Any]] = [
        {
            "action": rule.action,
            "label": rule.label,
            "fields": _action_fields(rule, dossier),
            "note_required": _note_required(rule),
        }
        for rule in rules_
    ]
    names = {a["action"] for a in actions}
    if "approve" in names and services.may(request.user, workflow.TRANSITIONS["sign"], dossier):
        actions.insert(
            0,
            {
                "action": APPROVE_AND_SIGN,
                "label": _("Phê duyệt và ký"),
                "fields": [],
                "note_required": False,
            },
        )
        names.add(APPROVE_AND_SIGN)
    expected = NEXT_ACTION.get(dossier.status)
    if expected == APPROVE_AND_SIGN and expected not in names:
        expected = "approve"
    for a in actions:
        failed = error if error is not None and a["action"] == error_action else None
        said = failed.fields if failed is not None else {}
        a["primary"] = a["action"] == expected
        a["error"] = failed
        a["error_items"] = _error_items(failed, a["action"])
        for f in a["fields"]:
            f["error"] = said.get(f["name"])
        a["note_error"] = said.get("note")
    actions.sort(key=lambda a: not a["primary"])
    return actions


def _work_context(request, dossier, *, error=None, error_action=None, done=None):
    from .results import draft_lines

    actions = _actions(request, dossier, error=error, error_action=error_action)
    shown = names = {a["action"] for a in actions}
    drafting = "submit_for_approval" in names
    signing = bool(names & {"approve", "sign", APPROVE_AND_SIGN}) or (
        dossier.status in {Status.AWAITING_APPROVAL, Status.APPROVED} and drafting
    )
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
        "error": error if error is not None and error_action not in shown else None,
        "error_action": error_action,
        "error_items": _error_items(error, error_action or "") if error_action not in shown else [],
        "done": done,
        "drafting": drafting,
        "draft_error": error if error_action == "draft" else None,
        "preview": drafting or signing,
        "draft_lines": draft_lines(dossier) if drafting or signing else [],
        "draft_body": (dossier.result_draft or {}).get("body", ""),
    }  # fmt: skip


def _visible_dossier(request, code: str):
    dossier = selectors.dossier_for(request.user, code)
    if dossier is None or dossier.applicant_id == request.user.pk:
        raise Http404(code)
    return services.with_declarations(dossier)


@login_required
def work(request, code: str):
    refused = _officer_or_redirect(request)
    if refused:
        return refused
    dossier = _visible_dossier(request, code)
    return render(request, "dossiers/office/work.html", _work_context(request, dossier))


def _work_response(request, dossier, *, error=None, action=None, done=None):
    """The work area again, in place (HTMX) or as the whole page: a refusal with its
    status, said beside the action's fields; a success said on this dossier only."""
    context = _work_context(request, dossier, error=error, error_action=action, done=done)
    status = error.status if error is not None else 200
    if request.htmx:
        response = render(request, "dossiers/office/_work.html", context, status=status)
        if error is not None:
            response["X-Swap-Error"] = "1"  # static/js/tinhso.js swaps it like a success
        return response
    return render(request, "dossiers/office/work.html", context, status=status)


@login_required
@require_POST
def act(request, code: str, action: str):
    refused = _officer_or_redirect(request)
    if refused:
        return refused
    payload = _form_payload(action, request.POST)
    error = None
    try:
        if action == APPROVE_AND_SIGN:
            services.approve_and_sign(actor=request.user, code=code)
        else:
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
    if error is not None:
        return _work_response(request, dossier, error=error, action=action)
    label = (
        _("Phê duyệt và ký") if action == APPROVE_AND_SIGN else workflow.TRANSITIONS[action].label
    )
    done = _("Đã thực hiện: %(action)s.") % {"action": label}
    if request.htmx:
        return _work_response(request, dossier, done=done)
    messages.success(request, done)  # shown by the very next page: this dossier's
    return redirect("office:work", code=code)


class DraftForm(forms.Form):
    body = forms.CharField(required=False, max_length=4000)
    file = forms.FileField(required=False)
    remove_file = forms.BooleanField(required=False)


@login_required
@require_POST
def draft(request, code: str):
    """The specialist keeps the result's draft: the template's lines edited, a free
    paragraph, or a PDF attached instead."""
    refused = _officer_or_redirect(request)
    if refused:
        return refused
    dossier = _visible_dossier(request, code)
    values = {
        key.removeprefix("line-"): value
        for key, value in request.POST.items()
        if key.startswith("line-")
    }
    try:
        services.save_result_draft(
            actor=request.user,
            code=code,
            values=values,
            body=request.POST.get("body", ""),
            upload=request.FILES.get("file"),
            remove_file=bool(request.POST.get("remove_file")),
        )
    except DomainError as exc:
        dossier.refresh_from_db()
        return _work_response(request, dossier, error=exc, action="draft")
    messages.success(request, _("Đã lưu dự thảo kết quả."))
    return redirect("office:work", code=code)


@login_required
def preview(request, code: str):
    """The PDF the leader signs, before it is signed (the number and date are the
    register's at signing)."""
    from .results import preview_result

    refused = _officer_or_redirect(request)
    if refused:
        return refused
    dossier = _visible_dossier(request, code)
    if dossier.status not in {Status.IN_PROGRESS, Status.AWAITING_APPROVAL, Status.APPROVED}:
        raise Http404(code)
    signer = request.user
    if not services.may(signer, workflow.TRANSITIONS["approve"], dossier):
        leader = (
            RoleAssignment.objects.filter(role=Role.LEADER, agency=dossier.agency)
            .select_related("user")
            .first()
        )
        signer = leader.user if leader else signer  # who will sign, as they will
    response = HttpResponse(preview_result(dossier, signer=signer), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="du-thao-{dossier.code}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def bulk_sign(request):
    """A leader signs many approved results at once, as a background job."""
    refused = _officer_or_redirect(request)
    if refused:
        return refused
    approved = selectors.officer_queue(request.user, status=Status.APPROVED).select_related(
        "procedure", "procedure_version", "agency", "desk"
    )[:500]
    ready = [d for d in approved if services.may(request.user, workflow.TRANSITIONS["sign"], d)]
    error = None
    if request.method == "POST":
        codes = request.POST.getlist("codes")
        if request.POST.get("confirm") == "1":
            try:
                job = services.sign_in_bulk(actor=request.user, codes=codes)
            except DomainError as exc:
                error = exc
            else:
                return redirect("office:job", pk=job.pk)
        else:  # the list it will sign, each result to open, before signing them
            chosen = [d for d in ready if d.code in set(codes)]
            if chosen:
                return render(request, "dossiers/office/bulk_confirm.html", {"dossiers": chosen})
            error = DomainError(_("Chọn ít nhất một hồ sơ để ký."), fields={"codes": ""})
    return render(
        request,
        "dossiers/office/bulk_sign.html",
        {"dossiers": ready, "error": error},
        status=error.status if error else 200,
    )


@login_required
def job_progress(request, pk: int):
    from tinhso.core.models import Job

    job = Job.objects.filter(pk=pk, created_by=request.user).first()
    if job is None:
        raise Http404(pk)
    template = "dossiers/office/_job.html" if request.htmx else "dossiers/office/job.html"
    return render(request, template, {"job": job})
