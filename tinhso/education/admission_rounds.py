"""Grade-10 admission as the Department runs it: a round per year loaded from the
files other systems exchange (admission_csv.py, CONTRACT.md), matched by the pure
`admission.match`, published (cut-offs per school, each applicant's result with its
explanation), and appeals (phúc khảo) that change a score, run the matching again and
keep who moved. Only the Department's admission officers and leaders act; every step
is audited."""

from __future__ import annotations

import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.audit.services import record_event
from tinhso.core.errors import Conflict, ValidationFailed

from . import admission
from .admission_csv import MAX_EXAM_SCORE, STEP, AdmissionFileError, read_applicants, read_schools
from .error_codes import EducationErrorCode
from .models import (
    AdmissionAppeal,
    AdmissionApplicant,
    AdmissionRound,
    AdmissionSchool,
    RoundStatus,
)
from .services import DEPARTMENT, DEPARTMENT_ROLES, department

SUBJECT_NAMES = {"math": "Toán", "literature": "Ngữ văn", "english": "Tiếng Anh"}


def require_admission_officer(actor) -> None:
    authz.require_role(actor, DEPARTMENT_ROLES, agency=department())


def _read(content: bytes, reader, *args, name: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        return reader(path, *args)


@transaction.atomic
def load_round(
    *, actor, year: int, schools_csv: bytes, applicants_csv: bytes, wish_penalties=()
) -> AdmissionRound:
    """The year's schools and applicants (replacing what a draft round held). Every
    error names the file and the line; nothing is kept then."""
    require_admission_officer(actor)
    round_ = AdmissionRound.objects.select_for_update().filter(year=year).first()
    if round_ is not None and round_.status == RoundStatus.PUBLISHED:
        raise Conflict(
            _("Kết quả tuyển sinh năm %(year)s đã công bố: chỉ còn sửa điểm qua phúc khảo.")
            % {"year": year},
            code=EducationErrorCode.ROUND_PUBLISHED,
        )
    try:
        penalties = tuple(Decimal(str(p)) for p in wish_penalties)
    except InvalidOperation:
        raise ValidationFailed(_("Điểm trừ theo nguyện vọng không hợp lệ.")) from None
    rules = admission.AdmissionRules(year=year, wish_penalties=penalties)
    try:
        schools = _read(schools_csv, read_schools, name="truong.csv")
        applicants = _read(applicants_csv, read_applicants, schools, rules, name="thi-sinh.csv")
        admission.check_input(schools, applicants, rules)
    except (AdmissionFileError, admission.AdmissionInputError) as exc:
        raise ValidationFailed(str(exc), code=EducationErrorCode.BAD_IMPORT) from None
    if round_ is None:
        round_ = AdmissionRound.objects.create(year=year, rules=rules.to_dict(), created_by=actor)
    else:
        round_.schools.all().delete()
        round_.applicants.all().delete()
        round_.rules = rules.to_dict()
        round_.matched_at = None
        round_.save(update_fields=["rules", "matched_at"])
    AdmissionSchool.objects.bulk_create(
        AdmissionSchool(round=round_, code=s.code, name=s.name, quota=s.quota) for s in schools
    )
    AdmissionApplicant.objects.bulk_create(
        (
            AdmissionApplicant(
                round=round_, applicant_id=a.applicant_id, math=a.math,
                literature=a.literature, english=a.english, priority=a.priority,
                incentive=a.incentive, wishes=list(a.wishes),
            )
            for a in applicants
        ),
        batch_size=2000,
    )  # fmt: skip
    record_event(
        actor=actor,
        action="education.admission_loaded",
        object_type="education.AdmissionRound",
        object_id=round_.pk,
        after={"year": year, "schools": len(schools), "applicants": len(applicants)},
        agency_code=DEPARTMENT,
    )
    return round_


def _inputs(round_: AdmissionRound):
    schools = [admission.School(s.code, s.name, s.quota) for s in round_.schools.all()]
    applicants = [
        admission.Applicant(
            a.applicant_id, a.math, a.literature, a.english, a.priority, a.incentive,
            tuple(a.wishes),
        )
        for a in round_.applicants.all()
    ]  # fmt: skip
    return schools, applicants, admission.AdmissionRules.from_dict(round_.rules)


def _store(round_: AdmissionRound, result: admission.AdmissionResult) -> None:
    rows = list(round_.applicants.all())
    for row in rows:
        placement = result.placements[row.applicant_id]
        row.school_code = placement.school_code or ""
        row.wish_rank = placement.wish_rank
        row.score = placement.score
        row.explanation = [
            {
                "rank": w.rank,
                "school": w.school_code,
                "score": str(w.score),
                "cutoff": None if w.cutoff is None else str(w.cutoff),
                "outcome": str(w.outcome),
            }
            for w in placement.wishes
        ]
    AdmissionApplicant.objects.bulk_update(
        rows, ["school_code", "wish_rank", "score", "explanation"], batch_size=2000
    )
    schools = list(round_.schools.all())
    for school in schools:
        outcome = result.schools[school.code]
        school.cutoff = outcome.cutoff
        school.admitted = len(outcome.admitted)
        school.overrun = outcome.overrun
    AdmissionSchool.objects.bulk_update(schools, ["cutoff", "admitted", "overrun"])
    round_.matched_at = timezone.now()
    round_.save(update_fields=["matched_at"])


@transaction.atomic
def run_round(*, actor, round_: AdmissionRound) -> admission.AdmissionResult:
    """Xét tuyển: the matching over the round's applicants, stored with explanations."""
    require_admission_officer(actor)
    round_ = AdmissionRound.objects.select_for_update().get(pk=round_.pk)
    result = admission.match(*_inputs(round_))
    _store(round_, result)
    record_event(
        actor=actor,
        action="education.admission_matched",
        object_type="education.AdmissionRound",
        object_id=round_.pk,
        after={
            "admitted": sum(1 for p in result.placements.values() if p.admitted),
            "overruns": result.overruns(),
        },
        agency_code=DEPARTMENT,
    )
    return result


@transaction.atomic
def publish_round(*, actor, round_: AdmissionRound) -> AdmissionRound:
    require_admission_officer(actor)
    round_ = AdmissionRound.objects.select_for_update().get(pk=round_.pk)
    if round_.matched_at is None:
        raise Conflict(
            _("Chưa xét tuyển: chạy xét tuyển trước khi công bố."),
            code=EducationErrorCode.ROUND_NOT_MATCHED,
        )
    if round_.status == RoundStatus.PUBLISHED:
        raise Conflict(_("Kết quả đã được công bố."), code=EducationErrorCode.ROUND_PUBLISHED)
    round_.status = RoundStatus.PUBLISHED
    round_.published_at = timezone.now()
    round_.save(update_fields=["status", "published_at"])
    record_event(
        actor=actor,
        action="education.admission_published",
        object_type="education.AdmissionRound",
        object_id=round_.pk,
        after={"year": round_.year},
        agency_code=DEPARTMENT,
    )
    return round_


def _score(value: str) -> Decimal:
    try:
        score = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        score = Decimal(-1)
    if not (0 <= score <= MAX_EXAM_SCORE) or score % STEP:
        raise ValidationFailed(
            _("Điểm phúc khảo phải từ 0 đến 10, theo bước 0,25."),
            code=EducationErrorCode.BAD_MARK,
            fields={"score": _("Điểm không hợp lệ.")},
        )
    return score


@transaction.atomic
def appeal(
    *, actor, round_: AdmissionRound, applicant_id: str, subject: str, score: str, reason: str
) -> AdmissionAppeal:
    """Phúc khảo: the subject's score after review; the matching runs again at once and
    the appeal keeps everyone whose placement changed (an applicant admitted by the
    higher score may push another out of a school's last place)."""
    require_admission_officer(actor)
    round_ = AdmissionRound.objects.select_for_update().get(pk=round_.pk)
    if round_.matched_at is None:
        raise Conflict(_("Chưa xét tuyển."), code=EducationErrorCode.ROUND_NOT_MATCHED)
    if subject not in admission.SUBJECTS:
        raise ValidationFailed(_("Chọn môn phúc khảo."), fields={"subject": _("Chọn một môn.")})
    if not reason.strip():
        raise ValidationFailed(_("Cần ghi căn cứ phúc khảo."), fields={"reason": _("Bắt buộc.")})
    new = _score(score)
    applicant = round_.applicants.filter(applicant_id=applicant_id.strip()).first()
    if applicant is None:
        raise ValidationFailed(
            _("Không có thí sinh số báo danh %(id)s.") % {"id": applicant_id},
            fields={"applicant_id": _("Không tìm thấy.")},
        )
    old = getattr(applicant, subject)
    if old == new:
        raise ValidationFailed(_("Điểm mới bằng điểm cũ: không có gì thay đổi."))
    before = admission.match(*_inputs(round_))
    setattr(applicant, subject, new)
    applicant.save(update_fields=[subject])
    after = admission.match(*_inputs(round_))
    _store(round_, after)
    moved = [
        {"applicant": m.applicant_id, "before": list(m.before), "after": list(m.after)}
        for m in admission.moves(before, after)
    ]
    record = AdmissionAppeal.objects.create(
        round=round_, applicant=applicant, subject=subject, before=old, after=new,
        reason=reason.strip()[:300], moves=moved, decided_by=actor,
    )  # fmt: skip
    record_event(
        actor=actor,
        action="education.admission_appeal",
        object_type="education.AdmissionRound",
        object_id=round_.pk,
        before={"applicant": applicant.applicant_id, subject: str(old)},
        after={"applicant": applicant.applicant_id, subject: str(new), "moved": len(moved)},
        agency_code=DEPARTMENT,
    )
    return record
