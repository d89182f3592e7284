"""Pages: the teacher's mark sheet (HTMX), closing a term, the parent's e-contact book."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.accounts import authz
from tinhso.core.errors import DomainError

from . import selectors, services
from .models import Pupil, School, SchoolClass, Subject, Term


def _staff_verified(request):
    if authz.is_staff_member(request.user) and not request.user.is_verified():
        return redirect("accounts:otp_setup")
    return None


@login_required
def home(request):
    """Sổ liên lạc điện tử: a teacher's classes, a principal's school, a parent's children."""
    if (response := _staff_verified(request)) is not None:
        return response
    schools = [
        a.agency.school
        for a in authz.assignments(request.user)
        if a.role in services.PRINCIPAL_ROLES
        and a.agency is not None
        and hasattr(a.agency, "school")
    ]
    return render(
        request,
        "education/home.html",
        {
            "teaching": selectors.teaching_of(request.user),
            "children": selectors.children_of(request.user),
            "schools": schools,
            "terms": Term.objects.select_related("year").order_by("-year__start_year", "number"),
        },
    )


def _entries(post, sheet) -> list[services.MarkEntry]:
    entries = []
    for row in sheet.rows:
        cells = [("regular", i) for i in range(1, sheet.n_regular + 1)]
        for kind, index in [*cells, ("mid", 1), ("end", 1)]:
            key = f"m-{row.pupil.pk}-{kind}-{index}"
            if key in post:
                entries.append(services.MarkEntry(row.pupil.pk, kind, index, post[key]))
    return entries


@login_required
def mark_sheet(request, class_id: int, subject_id: int, term_id: int):
    """Sổ điểm: the subject teacher enters a class's marks for a term."""
    if (response := _staff_verified(request)) is not None:
        return response
    school_class = get_object_or_404(SchoolClass.objects.select_related("school"), pk=class_id)
    subject = get_object_or_404(Subject, pk=subject_id)
    term = get_object_or_404(Term.objects.select_related("year"), pk=term_id)
    try:
        services.require_subject_teacher(request.user, school_class, subject)
    except DomainError:
        return render(request, "403.html", status=403)
    sheet = selectors.mark_sheet(school_class, subject, term)
    error = ""
    if request.method == "POST":
        try:
            changed = services.save_marks(
                actor=request.user,
                school_class=school_class,
                subject=subject,
                term=term,
                entries=_entries(request.POST, sheet),
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("Đã lưu %(n)d ô điểm.") % {"n": changed})
            sheet = selectors.mark_sheet(school_class, subject, term)
        except DomainError as exc:
            error = str(exc.message)
    template = "education/_sheet.html" if request.htmx else "education/sheet.html"
    return render(request, template, {"sheet": sheet, "error": error})


@login_required
@require_POST
def close_term(request, school_id: int, term_id: int):
    if (response := _staff_verified(request)) is not None:
        return response
    school = get_object_or_404(School.objects.select_related("agency"), pk=school_id)
    term = get_object_or_404(Term, pk=term_id)
    try:
        services.close_term(actor=request.user, school=school, term=term)
        messages.success(request, _("Đã chốt điểm %(term)s.") % {"term": term})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("education:home")


@login_required
def pupil(request, pupil_id: int):
    """A pupil's marks: for their parents, and for the staff of their school."""
    p = get_object_or_404(
        Pupil.objects.select_related("school__agency", "school_class"), pk=pupil_id
    )
    allowed = selectors.is_parent_of(request.user, p) or (
        request.user.is_verified()
        and authz.has_role(
            request.user, {*services.PRINCIPAL_ROLES, "teacher"}, agency=p.school.agency
        )
    )
    if not allowed:
        raise Http404(pupil_id)
    terms = list(Term.objects.select_related("year").order_by("year__start_year", "number"))
    return render(
        request,
        "education/pupil.html",
        {"pupil": p, "terms": terms, "lines": selectors.pupil_marks(p, terms)},
    )
