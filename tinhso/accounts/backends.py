"""The one door for passwords: every sign-in that checks a password (the pages, the
Django admin at /quan-tri/, anything that calls `django.contrib.auth.authenticate`)
goes through `LockoutBackend`, so that each counts failures against the account and
the address, and none answers anything about a locked account's password.

A second factor checked by django-otp's forms (the admin's) counts its failures
against the account too (`count_failed_second_factor`); the pages' own second-factor
step counts in `views.otp_verify`. An attempt is counted against the address before
it is judged, and given back unless it fails (`count_sign_in`)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from tinhso.core import throttle

from . import services
from .models import User

# Failed sign-ins (password or second factor) from one address within the window;
# on top of the per-account lockout, so that one address cannot try many accounts.
SIGN_IN_WINDOW_MINUTES = 15


def sign_in_key(request) -> str:
    return throttle.address_key(request, "sign-in")


def sign_in_limit() -> int:
    return throttle.limit_setting("SIGN_IN_FAILURES_PER_ADDRESS", 20)


def count_sign_in(request) -> throttle.Attempt:
    """Count a sign-in attempt against the address before it is judged (a password or
    a second factor), so that of attempts sent at the same moment only those within
    the limit are judged; give it back (`throttle.give_back`) unless it fails."""
    return throttle.count_all(
        [sign_in_key(request)], limit=sign_in_limit(), window_seconds=SIGN_IN_WINDOW_MINUTES * 60
    )


def too_many_sign_ins(request) -> bool:
    return throttle.exceeded(sign_in_key(request), limit=sign_in_limit())


class LockoutBackend(ModelBackend):
    """Django's password check, with the lockout and the address limit around it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        attempt = count_sign_in(request) if request is not None else None
        if attempt is not None and not attempt.allowed:
            throttle.give_back(attempt)  # not judged: not a failure either
            raise PermissionDenied  # stops every backend: nothing is checked
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            User().set_password(password)  # as slow as a real check: no hint who exists
            return None  # a failure: stays counted
        if not user.is_locked and not user.check_password(password):
            services.register_failed_login(user=user)
            return None  # a failure: stays counted
        if attempt is not None:
            throttle.give_back(attempt)
        if user.is_locked:
            User().set_password(password)  # the same time, and no answer about the password
            raise PermissionDenied
        return user if self.user_can_authenticate(user) else None


def count_failed_second_factor(sender, user, **kwargs) -> None:
    """django-otp's forms (the admin's sign-in) send `otp_verification_failed`."""
    if user is not None and user.pk is not None:
        services.register_failed_login(user=user)
