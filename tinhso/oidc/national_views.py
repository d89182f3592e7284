"""Sign-in with the national identity (VNeID): off to the national provider, and back."""

from __future__ import annotations

import logging

import requests
from authlib.common.errors import AuthlibBaseError
from django.conf import settings
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_otp import user_has_device
from joserfc.errors import JoseError

from tinhso.accounts import authz
from tinhso.accounts import services as accounts
from tinhso.accounts.views import PENDING_KEY
from tinhso.core.errors import DomainError

from . import national, services

log = logging.getLogger(__name__)
NEXT_KEY = "tinhso_national_next"


def _failure(request, message, status: int):
    return render(
        request,
        "accounts/message_page.html",
        {"title": _("Không đăng nhập được bằng định danh quốc gia"), "message": message},
        status=status,
    )


@require_GET
@never_cache
def start(request):
    if not national.enabled():
        raise Http404
    next_url = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    request.session[NEXT_KEY] = next_url if safe else ""
    return national.client().authorize_redirect(request, national.callback_url())


@require_GET
@never_cache
def callback(request):
    if not national.enabled():
        raise Http404
    try:
        token = national.client().authorize_access_token(request)
    except (AuthlibBaseError, JoseError, requests.RequestException) as exc:
        log.warning("national sign-in refused: %s", exc)
        return _failure(
            request, _("Định danh quốc gia không xác nhận được lần đăng nhập này."), 400
        )
    claims = token.get("userinfo")  # the ID token's claims, checked by Authlib
    if not claims:
        return _failure(request, _("Định danh quốc gia không gửi thông tin đăng nhập."), 400)
    try:
        user = services.link_national_identity(
            issuer=settings.VNEID_ISSUER,
            claims=claims,
            signed_in=request.user if request.user.is_authenticated else None,
        )
    except DomainError as exc:
        return _failure(request, exc.message, exc.status)
    next_url = request.session.pop(NEXT_KEY, "")
    # As after a password: an account with an authenticator app passes it too.
    if user_has_device(user, confirmed=True):
        request.session.cycle_key()
        request.session[PENDING_KEY] = user.pk
        request.session["tinhso_next"] = next_url
        return redirect("accounts:otp_verify")
    login(request, user)
    accounts.register_successful_login(user=user, second_factor=False)
    if authz.needs_second_factor(user):
        return redirect("accounts:otp_setup")
    return redirect(next_url or "core:workspace")
