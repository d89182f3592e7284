"""The pages that span apps: the public home and the officer's workspace."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from tinhso.accounts import authz
from tinhso.accounts.models import Agency, AgencyKind
from tinhso.dossiers import selectors as dossier_selectors
from tinhso.geo import selectors as geo


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
    roles = {a.role for a in assignments}
    return render(
        request,
        "core/workspace.html",
        {
            "assignments": assignments,
            "roles": roles,
            **dossier_selectors.waiting_work(request.user),
        },
    )


# The short pages every footer links to: (template, title) by address.
INFO_PAGES = {
    "lien-he": "core/info/contact.html",
    "cau-hoi-thuong-gap": "core/info/faq.html",
    "quyen-rieng-tu": "core/info/privacy.html",
    "tro-nang": "core/info/accessibility.html",
    "gop-y": "core/info/feedback.html",
}


def info_page(request, page: str):
    """Contact, FAQ, privacy notice, accessibility statement, feedback."""
    from django.http import Http404

    template = INFO_PAGES.get(page)
    if template is None:
        raise Http404(page)
    return render(request, template)
