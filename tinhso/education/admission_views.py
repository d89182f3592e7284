"""Grade-10 admission's pages: the Department's rounds (load, run, publish, appeals) and
the public results, with words for an applicant's result: each wish, the score they
competed with there, the school's cut-off and what happened."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tinhso.core.errors import DomainError

from . import admission_rounds, selectors
from .access import is_admission_officer, staff_verified
from .models import AdmissionRound, RoundStatus

OUTCOMES = {
    "admitted": "Trúng tuyển",
    "below_cutoff": "Không trúng tuyển: điểm thấp hơn điểm chuẩn",
    "lost_tiebreak": "Không trúng tuyển: bằng điểm chuẩn nhưng thua ở tiêu chí phụ (Toán, Ngữ văn, Tiếng Anh)",
    "not_considered": "Không xét: đã trúng tuyển nguyện vọng trước",
}


def explain(applicant, schools) -> list[dict]:
    lines = []
    for wish in applicant.explanation:
        school = schools.get(wish["school"])
        lines.append(
            {
                "rank": wish["rank"],
                "school": school.name if school else wish["school"],
                "score": wish["score"],
                "cutoff": wish["cutoff"] or "—",
                "outcome": _(OUTCOMES.get(wish["outcome"], wish["outcome"])),
            }
        )
    return lines


@login_required
@require_http_methods(["GET", "POST"])
def admission_rounds_page(request):
    """Tuyển sinh lớp 10: the Department's rounds, and loading a year's files."""
    if (response := staff_verified(request)) is not None:
        return response
    if not is_admission_officer(request.user):
        return render(request, "403.html", status=403)
    error = ""
    if request.method == "POST":
        schools, applicants = request.FILES.get("schools"), request.FILES.get("applicants")
        year = request.POST.get("year", "")
        penalties = [
            p for p in request.POST.get("penalties", "").replace(",", ".").split(";") if p.strip()
        ]
        if not (year.isdigit() and schools and applicants):
            error = _("Nhập năm tuyển sinh và chọn cả hai tệp (trường, thí sinh).")
        elif schools.size + applicants.size > 50 * 2**20:
            error = _("Tệp quá lớn: tối đa 50 MB.")
        else:
            try:
                admission_rounds.load_round(
                    actor=request.user, year=int(year), schools_csv=schools.read(),
                    applicants_csv=applicants.read(), wish_penalties=penalties,
                )  # fmt: skip
                messages.success(request, _("Đã nạp dữ liệu tuyển sinh năm %(y)s.") % {"y": year})
                return redirect("education:admission_manage", int(year))
            except DomainError as exc:
                error = str(exc.message)
    return render(
        request,
        "education/admission_rounds.html",
        {"rounds": AdmissionRound.objects.all(), "error": error},
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def admission_manage(request, year: int):
    """One round for the Department: run, publish, appeals and who they moved."""
    if (response := staff_verified(request)) is not None:
        return response
    if not is_admission_officer(request.user):
        return render(request, "403.html", status=403)
    round_ = get_object_or_404(AdmissionRound, year=year)
    status = 200
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "run":
                admission_rounds.run_round(actor=request.user, round_=round_)
                messages.success(request, _("Đã xét tuyển."))
            elif step == "publish":
                admission_rounds.publish_round(actor=request.user, round_=round_)
                messages.success(request, _("Đã công bố kết quả."))
            elif step == "appeal":
                record = admission_rounds.appeal(
                    actor=request.user, round_=round_,
                    applicant_id=request.POST.get("applicant_id", ""),
                    subject=request.POST.get("subject", ""),
                    score=request.POST.get("score", ""), reason=request.POST.get("reason", ""),
                )  # fmt: skip
                messages.success(
                    request,
                    _("Đã cập nhật điểm phúc khảo; %(n)d thí sinh thay đổi kết quả.")
                    % {"n": len(record.moves)},
                )
            return redirect("education:admission_manage", year)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            status = 409 if exc.status == 409 else 400
    return render(
        request,
        "education/admission_manage.html",
        {
            "round": round_,
            "schools": round_.schools.all(),
            "stats": selectors.wish_statistics(round_),
            "appeals": round_.appeals.select_related("applicant")[:100],
            "subjects": admission_rounds.SUBJECT_NAMES.items(),
        },
        status=status,
    )


def admission_results(request, year: int):
    """Kết quả tuyển sinh, public once published: cut-offs per school, applicants per
    wish, and an applicant's own result with why not at the earlier wishes."""
    round_ = get_object_or_404(AdmissionRound, year=year, status=RoundStatus.PUBLISHED)
    number = request.GET.get("sbd", "").strip()[:30]
    applicant = round_.applicants.filter(applicant_id=number).first() if number else None
    schools = {s.code: s for s in round_.schools.all()}
    return render(
        request,
        "education/admission_results.html",
        {
            "round": round_,
            "schools": schools.values(),
            "school_names": {c: s.name for c, s in schools.items()},
            "stats": selectors.wish_statistics(round_),
            "number": number,
            "applicant": applicant,
            "explanation": explain(applicant, schools) if applicant else [],
        },
        status=404 if number and applicant is None else 200,
    )
