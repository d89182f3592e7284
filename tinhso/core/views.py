from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tinhso.accounts import authz
from tinhso.accounts.models import Agency, AgencyKind
from tinhso.geo import selectors as geo

logger = logging.getLogger(__name__)


@require_GET
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # the answer *is* the error: report it, don't raise
        logger.exception("health check: database unreachable")
        database = "error"
    status = "ok" if database == "ok" else "error"
    return JsonResponse(
        {"status": status, "database": database}, status=200 if status == "ok" else 503
    )


def home(request):
    province = geo.home_province()
    wards = geo.units(parent=province.code, level="ward").count() if province else 0
    departments = Agency.objects.filter(kind=AgencyKind.DEPARTMENT).count()
    return render(
        request,
        "core/home.html",
        {"ward_count": wards, "department_count": departments},
    )


@login_required
def workspace(request):
    """The officer's landing page; citizens go to their profile."""
    if not authz.is_staff_member(request.user):
        return redirect("accounts:profile")
    if authz.needs_second_factor(request.user) and not request.user.is_verified():
        return redirect("accounts:otp_setup")
    assignments = authz.assignments(request.user)
    return render(request, "core/workspace.html", {"assignments": assignments})
