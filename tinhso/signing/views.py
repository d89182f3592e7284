"""Verification for anyone (no sign-in), the CRL and root at stable URLs, and the
administrators' certificate page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.accounts import authz
from tinhso.accounts.models import Role
from tinhso.core.errors import DomainError

from . import services
from .models import SigningCertificate


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp PDF cần kiểm tra"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )


VERIFY_WINDOW_SECONDS = 600


def verification_allowed(request) -> bool:
    """Anyone may check a PDF, but each check parses a whole file: a limit per address
    (shared by the page and the API)."""
    from tinhso.core import throttle

    return throttle.allow(
        throttle.address_key(request, "verify"),
        limit=throttle.limit_setting("VERIFICATIONS_PER_ADDRESS", 30),
        window_seconds=VERIFY_WINDOW_SECONDS,
    )


@require_http_methods(["GET", "POST"])
def verify_page(request):
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and not verification_allowed(request):
        form.add_error(
            None,
            _(
                "Bạn đã gửi quá nhiều tệp để kiểm tra trong thời gian ngắn. "
                "Vui lòng thử lại sau %(minutes)s phút."
            )
            % {"minutes": VERIFY_WINDOW_SECONDS // 60},
        )
        response = render(
            request, "signing/verify.html", {"form": form, "result": None}, status=429
        )
        response["Retry-After"] = str(VERIFY_WINDOW_SECONDS)
        return response
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        limit = services.max_verify_bytes()
        if upload.size > limit:
            form.add_error("file", _("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": limit // 2**20})
        else:
            result = services.verify(upload.read())
    return render(
        request,
        "signing/verify.html",
        {"form": form, "result": result, "code": request.GET.get("ma", "")},
        status=400 if form.errors else 200,
    )


def crl(request):
    response = HttpResponse(services.current_crl(), content_type="application/pkix-crl")
    response["Cache-Control"] = "public, max-age=300"
    return response


def root_certificate(request):
    path = services.pki_dir() / "root.crt"
    if not path.exists():
        raise Http404("no PKI yet")
    return HttpResponse(path.read_bytes(), content_type="application/x-pem-file")


@login_required
def certificates(request):
    if not authz.has_role(request.user, Role.ADMINISTRATOR, anywhere=True):
        return render(request, "403.html", status=403)
    if not request.user.is_verified():
        return redirect("accounts:otp_setup")
    rows = [
        c
        for c in SigningCertificate.objects.select_related("user", "revoked_by")[:500]
        if authz.has_role(request.user, Role.ADMINISTRATOR, agency=authz.managing_agency(c.user))
    ]
    return render(request, "signing/certificates.html", {"certificates": rows})


@login_required
@require_POST
def revoke(request, pk: int):
    certificate = get_object_or_404(SigningCertificate, pk=pk)
    if not request.user.is_verified():
        return redirect("accounts:otp_setup")
    try:
        services.revoke_certificate(
            actor=request.user, certificate=certificate, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Đã thu hồi chứng thư và công bố lại danh sách thu hồi."))
    return redirect("signing:certificates")
