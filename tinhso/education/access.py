"""Who may open the education pages: the officer's second factor, the Department's
admission officers (shared by views.py and admission_views.py)."""

from __future__ import annotations

from django.shortcuts import redirect

from tinhso.accounts import authz
from tinhso.core.errors import DomainError

from . import admission_rounds


def staff_verified(request):
    """The enrolment page for an officer without a verified second factor, else None."""
    if authz.is_staff_member(request.user) and not request.user.is_verified():
        return redirect("accounts:otp_setup")
    return None


def is_admission_officer(user) -> bool:
    try:
        admission_rounds.require_admission_officer(user)
    except DomainError:
        return False
    return True
