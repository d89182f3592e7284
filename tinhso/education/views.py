"""Pages: the teacher's mark sheet (HTMX), closing a term, the homeroom teacher's reviews
and attendance, year results and school reports, diplomas, pupil import, the parent's
e-contact book. Grade-10 admission's pages are in admission_views.py."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.accounts import authz
from tinhso.core.errors import DomainError

from . import diplomas as diploma_services
from . import (
    imports,
    records,
    results,
    school_reports,
    selectors,
    services,
)
from .access import is_admission_officer, staff_verified
from .models import (
    ConductLevel,
    DiplomaKind,
    Pupil,
    School,
    SchoolClass,
    SchoolYear,
    Session,
    Subject,
    Term,
)


@login_required
def home(request):
    """Sổ liên lạc điện tử: a teacher's classes, a principal's school, a parent's children."""
    if (response := staff_verified(request)) is not None:
        return response
    schools = [
        a.agency.school
        for a in authz.assignments(request.user)
        if a.role in services.PRINCIPAL_ROLES
        and a.agency is not None
        and hasattr(a.agency, "school")
    ]
    terms = list(Term.objects.select_related("year").order_by("-year__start_year", "number"))
    return render(
        request,
        "education/home.html",
        {
            "teaching": selectors.teaching_of(request.user),
            "homeroom": SchoolClass.objects.filter(homeroom_teacher_id=request.user.pk)
            .select_related("school__agency", "year")
            .order_by("name"),
            "children": selectors.children_of(request.user),
            "admission_officer": is_admission_officer(request.user),
            "schools": schools,
            "closing": [
                (school, [(t, t.pk in selectors.closed_terms(school)) for t in terms])
                for school in schools
            ],
            "terms": terms,
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
    if (response := staff_verified(request)) is not None:
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
    saved = None
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
            if request.htmx:  # shown in the sheet itself, never on the next page opened
                saved = changed
            else:
                messages.success(request, _("Đã lưu %(n)d ô điểm.") % {"n": changed})
            sheet = selectors.mark_sheet(school_class, subject, term)
        except DomainError as exc:
            error = str(exc.message)
    template = "education/_sheet.html" if request.htmx else "education/sheet.html"
    return render(request, template, {"sheet": sheet, "error": error, "saved": saved})


@login_required
@require_POST
def close_term(request, school_id: int, term_id: int):
    if (response := staff_verified(request)) is not None:
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
        {
            "pupil": p,
            "terms": terms,
            "lines": selectors.pupil_marks(p, terms),
            **selectors.pupil_record(p),
        },
    )


def _principal_or_403(request, school: School):
    try:
        services.require_principal(request.user, school)
    except DomainError:
        return render(request, "403.html", status=403)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def reviews(request, class_id: int, term_id: int):
    """Đánh giá rèn luyện và nhận xét: the homeroom teacher, per pupil, for a term."""
    if (response := staff_verified(request)) is not None:
        return response
    school_class = get_object_or_404(
        SchoolClass.objects.select_related("school__agency", "year"), pk=class_id
    )
    term = get_object_or_404(Term.objects.select_related("year"), pk=term_id)
    try:
        records.require_homeroom_teacher(request.user, school_class)
    except DomainError:
        return render(request, "403.html", status=403)
    errors: dict[int, str] = {}
    if request.method == "POST":
        saved = 0
        for p in school_class.members():
            conduct = request.POST.get(f"conduct-{p.pk}", "")
            comment = request.POST.get(f"comment-{p.pk}", "")
            if not conduct and not comment.strip():
                continue
            try:
                records.review_pupil(
                    actor=request.user, school_class=school_class, term=term, pupil_id=p.pk,
                    conduct=conduct, comment=comment, reason=request.POST.get("reason", ""),
                )  # fmt: skip
                saved += 1
            except DomainError as exc:
                errors[p.pk] = str(exc.message)
        if not errors:
            messages.success(request, _("Đã lưu đánh giá của %(n)d học sinh.") % {"n": saved})
            return redirect("education:reviews", class_id, term_id)
    return render(
        request,
        "education/reviews.html",
        {
            "school_class": school_class,
            "term": term,
            "rows": selectors.review_rows(school_class, term, request.POST if errors else None),
            "errors": errors,
            "closed": services.is_closed(school_class.school, term),
            "levels": ConductLevel.choices,
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, class_id: int):
    """Điểm danh: the homeroom teacher marks who was absent in a session."""
    if (response := staff_verified(request)) is not None:
        return response
    school_class = get_object_or_404(
        SchoolClass.objects.select_related("school__agency", "year"), pk=class_id
    )
    try:
        records.require_homeroom_teacher(request.user, school_class)
    except DomainError:
        return render(request, "403.html", status=403)
    error = ""
    day = datetime.date.today()
    if request.method == "POST":
        try:
            day = datetime.date.fromisoformat(request.POST.get("date", ""))
        except ValueError:
            error = _("Ngày điểm danh không hợp lệ.")
        absent = [int(x) for x in request.POST.getlist("absent") if x.isdigit()]
        if not error:
            try:
                with transaction.atomic():
                    for pupil_id in absent:
                        records.record_absence(
                            actor=request.user, school_class=school_class, pupil_id=pupil_id,
                            date=day, session=request.POST.get("session", ""),
                            excused=request.POST.get(f"excused-{pupil_id}") == "1",
                            reason=request.POST.get(f"reason-{pupil_id}", ""),
                        )  # fmt: skip
                messages.success(
                    request, _("Đã điểm danh: %(n)d học sinh nghỉ.") % {"n": len(absent)}
                )
                return redirect("education:attendance", class_id)
            except DomainError as exc:
                error = str(exc.message)
    return render(
        request,
        "education/attendance.html",
        {
            "school_class": school_class,
            "pupils": school_class.members().order_by("full_name", "pk"),
            "day": day,
            "error": error,
            "sessions": Session.choices,
            "recent": selectors.recent_absences(school_class),
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def class_results(request, class_id: int):
    """Kết quả cả năm and the school reports of a class: for the homeroom teacher and
    the principal, who signs the reports (the list shows whose it will sign)."""
    if (response := staff_verified(request)) is not None:
        return response
    school_class = get_object_or_404(
        SchoolClass.objects.select_related(
            "school__agency__unit", "school__agency__parent", "year"
        ),
        pk=class_id,
    )
    is_principal = authz.has_role(
        request.user, services.PRINCIPAL_ROLES, agency=school_class.school.agency
    )
    if not (is_principal or school_class.homeroom_teacher_id == request.user.pk):
        return render(request, "403.html", status=403)
    status = 200
    if request.method == "POST":
        try:
            signed = school_reports.sign_class_reports(
                actor=request.user, school_class=school_class
            )
            messages.success(request, _("Đã ký %(n)d học bạ.") % {"n": len(signed)})
            return redirect("education:class_results", class_id)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            status = 409
    rows = results.class_year_results(school_class)
    signed_reports = selectors.reports_of_class(school_class)
    return render(
        request,
        "education/class_results.html",
        {
            "school_class": school_class,
            "rows": [(r, signed_reports.get(r.pupil.pk)) for r in rows],
            "to_sign": [r.pupil for r in rows if r.complete],
            "is_principal": is_principal,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def diplomas(request, school_id: int):
    """Sổ gốc cấp văn bằng of a school: the principal issues and sees the register."""
    if (response := staff_verified(request)) is not None:
        return response
    school = get_object_or_404(School.objects.select_related("agency"), pk=school_id)
    if (response := _principal_or_403(request, school)) is not None:
        return response
    status = 200
    if request.method == "POST":
        pupil = get_object_or_404(Pupil, pk=request.POST.get("pupil") or 0, school=school)
        try:
            diploma = diploma_services.issue_diploma(
                actor=request.user, pupil=pupil, kind=request.POST.get("kind", "")
            )
            messages.success(request, _("Đã cấp văn bằng số %(n)s.") % {"n": diploma.number})
            return redirect("education:diplomas", school_id)
        except (DomainError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "message", exc)))
            status = 409
    return render(
        request,
        "education/diplomas.html",
        {
            "school": school,
            "register": selectors.diploma_register(school),
            "candidates": selectors.diploma_candidates(school),
            "kinds": DiplomaKind.choices,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_pupils(request, school_id: int):
    """Nhập danh sách học sinh từ tệp Excel/CSV (all or nothing, errors by row)."""
    if (response := staff_verified(request)) is not None:
        return response
    school = get_object_or_404(School.objects.select_related("agency"), pk=school_id)
    if (response := _principal_or_403(request, school)) is not None:
        return response
    years = SchoolYear.objects.all()
    report = None
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        year = years.filter(pk=request.POST.get("year") or 0).first()
        if upload is None or year is None:
            error = _("Chọn năm học và tệp danh sách học sinh.")
        elif upload.size > 5 * 2**20:
            error = _("Tệp quá lớn: tối đa 5 MB.")
        else:
            try:
                report = imports.import_pupils(
                    actor=request.user, school=school, year=year, content=upload.read(),
                    filename=upload.name,
                )  # fmt: skip
            except DomainError as exc:
                error = str(exc.message)
        if report is not None and report.imported:
            messages.success(request, _("Đã nhập %(n)d học sinh.") % {"n": report.imported})
            return redirect("education:import_pupils", school_id)
    return render(
        request,
        "education/import.html",
        {"school": school, "years": years, "report": report, "error": error},
        status=400 if error or (report and report.errors) else 200,
    )
