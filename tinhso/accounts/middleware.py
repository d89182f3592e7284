"""An officer signed in with only a password sees nothing but enrolment.

Runs after django-otp's middleware. For a session whose user needs a second factor
(officers, leaders, administrators, superusers) and has not passed one, every page
but the enrolment, sign-in and sign-out pages redirects to the enrolment page, and
the JSON API treats the session as nobody's (a token, issued by an administrator,
counts as strong authentication on its own: CONTRACT.md)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect

from . import authz

# What a password-only officer may open: enrolment, sign-in, sign-out, the language.
ENROLMENT_VIEWS = frozenset(
    {
        "accounts:otp_setup",
        "accounts:otp_enrol",
        "accounts:otp_verify",
        "accounts:login",
        "accounts:logout",
        "set_language",
        "healthz",
    }
)


def _unverified_officer(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return authz.needs_second_factor(user) and not user.is_verified()


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _unverified_officer(request):
            return None
        if request.path.startswith("/api/"):
            if "HTTP_AUTHORIZATION" not in request.META:
                request.user = AnonymousUser()
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ENROLMENT_VIEWS:
            return None
        return redirect("accounts:otp_setup")
