"""The finance officer's pages (statement upload with progress, the queue of credits
to resolve, desk payments), the citizen's receipt download, and a gateway's callback.
Thin: each calls a service or a selector; permissions are checked in the services."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tinhso.accounts import authz
from tinhso.core import uploads
from tinhso.core.errors import DomainError, NotFound, apply_domain_error, domain_error_response

from . import providers, selectors, services
from .forms import DeskPaymentForm, ResolveForm, StatementUploadForm

logger = logging.getLogger("tinhso.payments")

STATEMENT_MAX_BYTES = 50 * 1024 * 1024


def _finance_or_refuse(request):
    if not authz.has_role(request.user, services.FINANCE_ROLES, anywhere=True):
        return render(request, "403.html", status=403)
    if not request.user.is_verified():
        return redirect("accounts:otp_setup")
    return None


def _refusal(form, exc: DomainError) -> None:
    """The service's message at the top, and beside the fields it names."""
    if exc.fields:
        form.add_error(None, str(exc.message))
    apply_domain_error(form, exc)


@login_required
def home(request):
    refused = _finance_or_refuse(request)
    if refused:
        return refused
    return render(
        request,
        "payments/finance/home.html",
        {"waiting": selectors.queue_for(request.user).count()},
    )


@login_required
def upload_statement(request):
    """Upload a bank statement; it is reconciled in the background, with progress."""
    refused = _finance_or_refuse(request)
    if refused:
        return refused
    form = StatementUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > STATEMENT_MAX_BYTES:
            form.add_error("file", _("Tệp quá lớn: tối đa 50 MB."))
        else:
            try:
                job = services.start_reconcile(
                    actor=request.user,
                    content=upload.read(),
                    source=uploads.clean_display_name(upload.name),
                    format_name=form.cleaned_data["format"] or None,
                )
            except DomainError as exc:
                _refusal(form, exc)
            else:
                messages.success(
                    request, _("Đang đối soát sao kê; kết quả hiện dưới đây khi xong.")
                )
                return redirect("finance:job", pk=job.pk)
    return render(
        request,
        "payments/finance/upload.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def job(request, pk: int):
    """The progress of a statement's reconciliation (the same block the other long
    jobs show, refreshed by HTMX)."""
    from tinhso.core.models import Job

    refused = _finance_or_refuse(request)
    if refused:
        return refused
    found = Job.objects.filter(pk=pk, created_by=request.user, kind="payments.reconcile").first()
    if found is None:
        raise Http404(pk)
    return render(request, "payments/finance/job.html", {"job": found})


@login_required
def queue(request):
    refused = _finance_or_refuse(request)
    if refused:
        return refused
    page = Paginator(selectors.queue_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "payments/finance/queue.html", {"page": page, "query": ""})


@login_required
def resolve(request, pk: int):
    refused = _finance_or_refuse(request)
    if refused:
        return refused
    line = selectors.queue_for(request.user).filter(pk=pk).first()
    if line is None:
        raise Http404(pk)
    form = ResolveForm(
        request.POST or None, initial={"code": line.payment.code if line.payment else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resolve_line(
                actor=request.user,
                line_id=line.pk,
                resolution=form.cleaned_data["resolution"],
                note=form.cleaned_data["note"],
                code=form.cleaned_data["code"],
            )
        except DomainError as exc:
            _refusal(form, exc)
        else:
            messages.success(
                request, _("Đã xử lý giao dịch %(ref)s.") % {"ref": line.bank_reference}
            )
            return redirect("finance:queue")
    return render(
        request,
        "payments/finance/resolve.html",
        {"line": line, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def desk_payment(request):
    """A fee paid at the desk, in cash or by card, with the desk's document number."""
    refused = _finance_or_refuse(request)
    if refused:
        return refused
    form = DeskPaymentForm(request.POST or None, initial={"code": request.GET.get("ma", "")})
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.record_desk_payment(
                actor=request.user,
                code=form.cleaned_data["code"],
                method=form.cleaned_data["method"],
                receipt_number=form.cleaned_data["receipt_number"],
            )
        except DomainError as exc:
            _refusal(form, exc)
        else:
            messages.success(
                request,
                _("Đã ghi nhận hồ sơ %(code)s đã nộp phí; biên lai điện tử số %(n)s.")
                % {"code": payment.code, "n": payment.receipt.number_text},
            )
            return redirect("finance:desk")
    return render(
        request,
        "payments/finance/desk.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def receipt(request, code: str):
    """The electronic receipt, for whoever may see the dossier."""
    found = selectors.receipt_for(request.user, code)
    if found is None:
        raise Http404(code)
    return uploads.stored_file_response(
        found.file_path,
        content_type="application/pdf",
        filename=f"bien-lai-{found.payment.code}.pdf",
        attachment=False,
    )


@csrf_exempt  # a gateway's server calls; the HMAC signature is its credential
@require_POST
def gateway_callback(request, provider: str):
    """A gateway says a fee was paid. Trusted only when signed by the configured
    provider; the same transaction twice has one effect."""
    current = providers.current()
    try:
        if provider != current.name or not current.has_callback:
            raise NotFound(_("Không có cổng thanh toán này."))
        paid = current.verify_callback(body=request.body, headers=request.headers)
        result = services.record_gateway_payment(
            provider=current.name,
            transaction_id=paid.transaction_id,
            code=paid.code,
            amount=paid.amount,
            paid_on=paid.paid_on,
        )
    except DomainError as exc:
        logger.warning("payment callback refused (%s): %s", provider, exc.code)
        return domain_error_response(exc, request.path)
    return JsonResponse({"result": result})
