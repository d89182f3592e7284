"""The homeroom teacher's part of the e-contact book (sổ liên lạc điện tử): conduct and
comments each term, and attendance. Parents are told through the notification outbox
as things are entered."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.accounts.models import Role
from tinhso.audit.services import record_event
from tinhso.core.errors import Conflict, PermissionDenied, ValidationFailed
from tinhso.notifications.services import notify

from .error_codes import EducationErrorCode
from .models import (
    Absence,
    ConductLevel,
    Guardianship,
    Pupil,
    SchoolClass,
    Session,
    Term,
    TermReview,
)
from .services import is_closed


def require_homeroom_teacher(actor, school_class: SchoolClass) -> None:
    if not (
        school_class.homeroom_teacher_id == actor.pk
        and authz.has_role(actor, Role.TEACHER, agency=school_class.school.agency)
    ):
        raise PermissionDenied(
            _("Chỉ giáo viên chủ nhiệm của lớp mới được làm việc này."),
            code=EducationErrorCode.NOT_HOMEROOM,
        )


def _pupil_of(school_class: SchoolClass, pupil_id: int) -> Pupil:
    pupil = school_class.members().filter(pk=pupil_id).first()
    if pupil is None:
        raise ValidationFailed(_("Học sinh không thuộc lớp."), code=EducationErrorCode.BAD_REVIEW)
    return pupil


def _tell(pupil: Pupil, subject: str, body: str) -> None:
    for link in Guardianship.objects.filter(pupil=pupil).select_related("parent"):
        notify(user=link.parent, subject=subject, body=body, link=f"/giao-duc/hoc-sinh/{pupil.pk}/")


@transaction.atomic
def review_pupil(
    *,
    actor,
    school_class: SchoolClass,
    term: Term,
    pupil_id: int,
    conduct: str,
    comment: str,
    reason: str = "",
) -> TermReview:
    """Đánh giá rèn luyện và nhận xét: the homeroom teacher's review of a pupil for a
    term. Locked with the marks when the term closes: a later change needs a reason."""
    require_homeroom_teacher(actor, school_class)
    pupil = _pupil_of(school_class, pupil_id)
    if conduct not in ConductLevel.values:
        raise ValidationFailed(
            _("Chọn mức đánh giá rèn luyện: Tốt, Khá, Đạt hoặc Chưa đạt."),
            code=EducationErrorCode.BAD_REVIEW,
            fields={"conduct": _("Chọn một mức.")},
        )
    if term.year_id != school_class.year_id:
        raise ValidationFailed(
            _("Học kì không thuộc năm học của lớp."), code=EducationErrorCode.BAD_REVIEW
        )
    closed = is_closed(school_class.school, term)
    if closed and not reason.strip():
        raise Conflict(
            _("Học kì đã chốt điểm: cần ghi lý do khi sửa đánh giá."),
            code=EducationErrorCode.REASON_REQUIRED,
        )
    existing = TermReview.objects.filter(pupil=pupil, term=term).first()
    before = {"conduct": existing.conduct, "comment": existing.comment} if existing else None
    review, _created = TermReview.objects.update_or_create(
        pupil=pupil,
        term=term,
        defaults={"conduct": conduct, "comment": comment.strip()[:2000], "reviewed_by": actor},
    )
    after = {"conduct": conduct, "comment": review.comment}
    if before == after:
        return review
    record_event(
        actor=actor,
        action="education.review_changed_after_close" if closed else "education.review_saved",
        object_type="education.Pupil",
        object_id=pupil.pk,
        before=before,
        after={**after, "term": term.pk, **({"reason": reason.strip()} if closed else {})},
        agency_code=school_class.school.code,
    )
    _tell(
        pupil,
        _("Nhận xét mới của giáo viên chủ nhiệm cho %(pupil)s") % {"pupil": pupil.full_name},
        _("Giáo viên chủ nhiệm đã đánh giá %(term)s.") % {"term": term},
    )
    return review


@transaction.atomic
def record_absence(
    *,
    actor,
    school_class: SchoolClass,
    pupil_id: int,
    date: datetime.date,
    session: str,
    excused: bool,
    reason: str = "",
) -> Absence:
    """Điểm danh: a pupil absent for a session (có phép or không phép); parents are told
    the same day."""
    require_homeroom_teacher(actor, school_class)
    pupil = _pupil_of(school_class, pupil_id)
    if session not in Session.values:
        raise ValidationFailed(
            _("Chọn buổi sáng hoặc buổi chiều."), code=EducationErrorCode.BAD_REVIEW
        )
    year = school_class.year
    if not (
        datetime.date(year.start_year, 8, 1) <= date < datetime.date(year.start_year + 1, 8, 1)
    ):
        raise ValidationFailed(
            _("Ngày nghỉ phải nằm trong năm học %(year)s.") % {"year": year},
            code=EducationErrorCode.BAD_REVIEW,
            fields={"date": _("Ngày ngoài năm học.")},
        )
    if date > datetime.date.today():
        raise ValidationFailed(
            _("Không điểm danh trước cho ngày chưa tới."),
            code=EducationErrorCode.BAD_REVIEW,
            fields={"date": _("Ngày ở tương lai.")},
        )
    absence, created = Absence.objects.update_or_create(
        pupil=pupil,
        date=date,
        session=session,
        defaults={"excused": excused, "reason": reason.strip()[:200], "recorded_by": actor},
    )
    record_event(
        actor=actor,
        action="education.absence_recorded",
        object_type="education.Pupil",
        object_id=pupil.pk,
        after={"date": date.isoformat(), "session": session, "excused": excused},
        agency_code=school_class.school.code,
    )
    if created:
        _tell(
            pupil,
            _("%(pupil)s nghỉ học %(session)s ngày %(date)s")
            % {
                "pupil": pupil.full_name,
                "session": Session(session).label.lower(),
                "date": date.strftime("%d/%m/%Y"),
            },
            _("Có phép.") if excused else _("Không phép. Vui lòng liên hệ giáo viên chủ nhiệm."),
        )
    return absence
