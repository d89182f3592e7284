from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from tinhso.core import throttle
from tinhso.core.errors import DomainError, apply_domain_error

from . import authz, enrolment, identity, services
from .backends import SIGN_IN_WINDOW_MINUTES, count_sign_in, too_many_sign_ins
from .forms import (
    AgencySettingsForm,
    CitizenRegistrationForm,
    IdentityVerificationForm,
    OtpForm,
    ProfileForm,
    SignInForm,
)
from .models import Agency, Role, User

PENDING_KEY = "tinhso_pending_otp_user"


def _too_many_sign_ins(request, form, template: str):
    if not too_many_sign_ins(request):
        return None
    return _refused(request, form, template)


def _refused(request, form, template: str):
    form.add_error(
        None,
        _(
            "Có quá nhiều lần đăng nhập không thành công từ địa chỉ của bạn. "
            "Vui lòng thử lại sau %(minutes)s phút."
        )
        % {"minutes": SIGN_IN_WINDOW_MINUTES},
    )
    response = render(request, template, {"form": form}, status=429)
    response["Retry-After"] = str(SIGN_IN_WINDOW_MINUTES * 60)
    return response


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@never_cache
def sign_in(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST":
        refused = _too_many_sign_ins(request, form, "accounts/sign_in.html")
        if refused:
            return refused
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        known = User.objects.filter(username__iexact=username).first()
        if known is not None and known.is_locked:
            until = formats.time_format(timezone.localtime(known.locked_until), "H:i")
            form.add_error(
                None,
                _("Tài khoản tạm khóa do nhập sai nhiều lần. Vui lòng thử lại sau %(time)s.")
                % {"time": until},
            )
        else:
            user = authenticate(
                request,
                username=known.username if known else username,
                password=form.cleaned_data["password"],
            )
            if user is None:  # counted by the backend (LockoutBackend)
                form.add_error(None, _("Tên đăng nhập hoặc mật khẩu không đúng."))
            elif user_has_device(user, confirmed=True):
                request.session.cycle_key()
                request.session[PENDING_KEY] = user.pk
                request.session["tinhso_next"] = _next_url(request, "")
                return redirect("accounts:otp_verify")
            else:
                login(request, user)
                services.register_successful_login(user=user, second_factor=False)
                if authz.needs_second_factor(user):
                    messages.info(
                        request, _("Tài khoản cán bộ cần bật xác thực hai lớp trước khi làm việc.")
                    )
                    # The administrator's enrolment link, when it brought them here.
                    return redirect(_next_url(request, reverse("accounts:otp_setup")))
                return redirect(_next_url(request, "core:workspace"))
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@never_cache
def otp_verify(request):
    user_pk = request.session.get(PENDING_KEY)
    user = User.objects.filter(pk=user_pk, is_active=True).first() if user_pk else None
    if user is None:
        return redirect("accounts:login")
    form = OtpForm(request.POST or None)
    if request.method == "POST":
        refused = _too_many_sign_ins(request, form, "accounts/otp_verify.html")
        if refused:
            return refused
    if request.method == "POST" and form.is_valid():
        if user.is_locked:
            form.add_error(None, _("Tài khoản tạm khóa do nhập sai nhiều lần."))
        else:
            attempt = count_sign_in(request)  # counted first: see backends.count_sign_in
            if not attempt.allowed:
                throttle.give_back(attempt)
                return _refused(request, form, "accounts/otp_verify.html")
            device = match_token(user, form.cleaned_data["otp_token"].strip())
            if device is None:
                services.register_failed_login(user=user)  # (the attempt stays counted)
                form.add_error("otp_token", _("Mã xác thực không đúng hoặc đã hết hạn."))
            else:
                throttle.give_back(attempt)
                next_url = request.session.get("tinhso_next") or ""
                login(request, user)
                otp_login(request, device)
                services.register_successful_login(user=user, second_factor=True)
                return redirect(next_url or "core:workspace")
    return render(
        request, "accounts/otp_verify.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET"])
@never_cache
def otp_enrol(request, token: str):
    """An administrator's enrolment link, opened while signed in as its officer: the
    session may then enrol one authenticator (see `enrolment.py`)."""
    try:
        link = enrolment.usable_link(token, user=request.user)
    except DomainError as exc:
        context = {"title": _("Không dùng được đường dẫn"), "message": exc.message}
        return render(request, "accounts/message_page.html", context, status=404)
    request.session[enrolment.SESSION_KEY] = link.pk
    return redirect("accounts:otp_setup")


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def otp_setup(request):
    """Enrol an authenticator app: scan the QR code, type one code to confirm. An
    officer's first (or replacement) authenticator needs an administrator's link."""
    user = request.user
    link = None
    if enrolment.needs_link(user):
        link = enrolment.session_link(request)
        if link is None:
            context = {"has_device": user_has_device(user, confirmed=True)}
            return render(request, "accounts/otp_needs_link.html", context, status=403)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or request.method == "GET" and "new" in request.GET:
        device = services.start_totp_enrolment(user=user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = enrolment.confirm_enrolment(
                user=user, device=device, token=form.cleaned_data["otp_token"], link=link
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            otp_login(request, confirmed)
            request.session.pop(enrolment.SESSION_KEY, None)
            messages.success(request, _("Đã bật xác thực hai lớp."))
            return redirect("core:workspace")
    uri = device.config_url
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, title=_("Mã QR cho ứng dụng xác thực"))
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr_svg": qr_svg, "otpauth_uri": uri},
        status=400 if form.errors else 200,
    )


@require_POST
def sign_out(request):
    logout(request)
    messages.info(request, _("Bạn đã đăng xuất."))
    return redirect("core:home")


@sensitive_post_parameters("password", "personal_id")
@require_http_methods(["GET", "POST"])
def register(request):
    form = CitizenRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.register_citizen(**data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            login(request, user, backend="tinhso.accounts.backends.LockoutBackend")
            messages.success(request, _("Đã tạo tài khoản. Chào mừng bạn!"))
            messages.info(
                request,
                _(
                    "Để nộp hồ sơ, tài khoản cần được xác minh danh tính: mang căn cước đến "
                    "bộ phận một cửa bất kỳ để cán bộ đối chiếu."
                ),
            )
            return redirect("accounts:profile")
    return render(
        request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={"email": user.email, "phone": user.phone})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(actor=user, user=user, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin liên hệ."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "assignments": authz.assignments(user),
            "has_otp": user_has_device(user, confirmed=True),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_settings(request, code: str):
    agency = get_object_or_404(Agency, code=code)
    if not authz.has_role(request.user, {Role.LEADER, Role.ADMINISTRATOR}, agency=agency):
        return render(request, "403.html", status=403)
    if authz.needs_second_factor(request.user) and not request.user.is_verified():
        return redirect("accounts:otp_setup")
    form = AgencySettingsForm(
        request.POST or None,
        initial={
            "email": agency.email,
            "phone": agency.phone,
            "address": agency.address,
            "cut_off_time": agency.cut_off_time,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_agency(actor=request.user, agency=agency, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin cơ quan."))
            return redirect("accounts:agency_settings", code=agency.code)
    return render(
        request,
        "accounts/agency_settings.html",
        {"form": form, "agency": agency},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def verify_identity(request):
    """The one-stop desk verifies a citizen's account against their ID card."""
    if not identity.can_verify(request.user):
        return render(request, "403.html", status=403)
    form = IdentityVerificationForm(request.POST or None)
    verified = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            verified = identity.verify_identity(
                actor=request.user,
                personal_id=data["personal_id"],
                date_of_birth=data["date_of_birth"],
                note=data["note"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            form = IdentityVerificationForm()
    return render(
        request,
        "accounts/verify_identity.html",
        {"form": form, "verified": verified},
        status=400 if form.errors else 200,
    )


class AuditedPasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/form_page.html"
    success_url = reverse_lazy("accounts:profile")
    extra_context = {"title": gettext_lazy("Đổi mật khẩu")}

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            services.record_password_changed(user=form.user, via="change")
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return response


class AuditedPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/form_page.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"title": gettext_lazy("Đặt mật khẩu mới")}

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            services.record_password_changed(user=form.user, via="reset")
        return response
