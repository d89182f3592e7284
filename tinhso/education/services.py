"""Every write of the education app: schools, years, classes, pupils, parents, marks.

Each function checks the actor's role (accounts.authz, scoped to the school's agency),
runs in a transaction and leaves an audit event. Marks of a closed term are locked: a
later change needs a reason, which goes into the audit event.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.accounts import services as accounts
from tinhso.accounts.models import Agency, AgencyKind, Role
from tinhso.audit.services import record_event
from tinhso.core.errors import Conflict, PermissionDenied, ValidationFailed
from tinhso.core.identity import mask_id, parse_personal_id
from tinhso.notifications.services import notify
from tinhso.population import selectors as registry

from . import grading
from .error_codes import EducationErrorCode
from .models import (
    Assessment,
    ClassMembership,
    Guardianship,
    Mark,
    MarkKind,
    Pupil,
    School,
    SchoolClass,
    SchoolYear,
    Subject,
    TeachingAssignment,
    Term,
    TermClosure,
)

DEPARTMENT = "SGDDT"  # Sở Giáo dục và Đào tạo
DEPARTMENT_ROLES = {Role.SPECIALIST, Role.LEADER, Role.ADMINISTRATOR}
PRINCIPAL_ROLES = {Role.LEADER, Role.ADMINISTRATOR}


def department() -> Agency:
    return Agency.objects.get(code=DEPARTMENT)


@transaction.atomic
def create_school(*, actor, code: str, name: str, level: str, unit=None) -> School:
    """A school, as an agency under the Department of Education (roles scope to it)."""
    agency = accounts.create_agency(
        actor=actor,
        code=code,
        name=name,
        kind=AgencyKind.OTHER,
        parent=department(),
        unit=unit,
    )
    school, created = School.objects.get_or_create(agency=agency, defaults={"level": level})
    if created:
        record_event(
            actor=actor,
            action="education.school_created",
            object_type="education.School",
            object_id=school.pk,
            after={"code": code, "level": level},
            agency_code=code,
        )
    return school


@transaction.atomic
def open_school_year(*, actor, start_year: int) -> SchoolYear:
    """A school year and its two terms, by the Department."""
    if actor is not None:
        authz.require_role(actor, DEPARTMENT_ROLES, agency=department())
    year, created = SchoolYear.objects.get_or_create(start_year=start_year)
    for number in (1, 2):
        Term.objects.get_or_create(year=year, number=number)
    if created:
        record_event(
            actor=actor,
            action="education.year_opened",
            object_type="education.SchoolYear",
            object_id=year.pk,
            after={"start_year": start_year},
        )
    return year


@transaction.atomic
def add_subject(
    *, actor, code: str, name: str, grade: int, assessment: str, periods_per_year: int
) -> Subject:
    """A subject of a grade (the programme is the Department's)."""
    if actor is not None:
        authz.require_role(actor, DEPARTMENT_ROLES, agency=department())
    subject, _created = Subject.objects.update_or_create(
        code=code,
        grade=grade,
        defaults={"name": name, "assessment": assessment, "periods_per_year": periods_per_year},
    )
    record_event(
        actor=actor,
        action="education.subject_saved",
        object_type="education.Subject",
        object_id=subject.pk,
        after={"code": code, "grade": grade, "assessment": assessment},
    )
    return subject


def _registry_person(actor, personal_id: str, full_name: str, date_of_birth):
    """The registry's person whose personal ID is the pupil's (the identity code): the
    best candidate of the match service, taken only on that exact ID."""
    candidates = registry.match_person(
        viewer=actor,
        purpose="school_enrolment",
        personal_id=personal_id,
        full_name=full_name,
        date_of_birth=date_of_birth.isoformat(),
    )
    for candidate in candidates:
        if candidate["person"].personal_id == personal_id:
            return candidate["person"]
    return None


def require_principal(actor, school: School) -> None:
    if actor is not None:
        authz.require_role(actor, PRINCIPAL_ROLES, agency=school.agency)


def _require_teacher_of(teacher, school: School) -> None:
    if not authz.has_role(teacher, Role.TEACHER, agency=school.agency):
        raise ValidationFailed(
            _("%(name)s không phải là giáo viên của trường.") % {"name": teacher},
            code=EducationErrorCode.NOT_A_TEACHER,
        )


@transaction.atomic
def create_class(
    *, actor, school: School, year: SchoolYear, grade: int, name: str, homeroom_teacher=None
) -> SchoolClass:
    require_principal(actor, school)
    if homeroom_teacher is not None:
        _require_teacher_of(homeroom_teacher, school)
    school_class, _created = SchoolClass.objects.update_or_create(
        school=school,
        year=year,
        name=name,
        defaults={"grade": grade, "homeroom_teacher": homeroom_teacher},
    )
    record_event(
        actor=actor,
        action="education.class_saved",
        object_type="education.SchoolClass",
        object_id=school_class.pk,
        after={"name": name, "grade": grade, "homeroom": getattr(homeroom_teacher, "pk", None)},
        agency_code=school.code,
    )
    return school_class


@transaction.atomic
def assign_teacher(*, actor, school_class: SchoolClass, subject: Subject, teacher) -> None:
    """The subject teacher of a class (giáo viên bộ môn), by the principal."""
    require_principal(actor, school_class.school)
    _require_teacher_of(teacher, school_class.school)
    TeachingAssignment.objects.update_or_create(
        school_class=school_class, subject=subject, defaults={"teacher": teacher}
    )
    record_event(
        actor=actor,
        action="education.teacher_assigned",
        object_type="education.SchoolClass",
        object_id=school_class.pk,
        after={"subject": subject.code, "teacher": teacher.pk},
        agency_code=school_class.school.code,
    )


@transaction.atomic
def enrol_pupil(
    *,
    actor,
    school: School,
    personal_id: str,
    full_name: str,
    date_of_birth: datetime.date,
    school_class: SchoolClass | None = None,
) -> Pupil:
    """A pupil, linked to the registry's person with the same personal ID when there is
    one (the registry's match service, for school enrolment, audited there; no second
    copy of the person)."""
    require_principal(actor, school)
    try:
        parse_personal_id(personal_id, birth_year=date_of_birth.year)
    except ValueError as exc:
        raise ValidationFailed(
            _("Mã định danh không hợp lệ."),
            code=EducationErrorCode.BAD_PERSONAL_ID,
            fields={"personal_id": str(exc)},
        ) from exc
    person = _registry_person(actor, personal_id, full_name, date_of_birth)
    pupil, created = Pupil.objects.update_or_create(
        school=school,
        personal_id=personal_id,
        defaults={
            "full_name": " ".join(full_name.split()),
            "date_of_birth": date_of_birth,
            "person": person,
            "school_class": school_class,
        },
    )
    if school_class is not None:
        # one class a year: moving within the year leaves the other class of that year
        ClassMembership.objects.filter(
            pupil=pupil, school_class__year_id=school_class.year_id
        ).exclude(school_class=school_class).delete()
        ClassMembership.objects.get_or_create(pupil=pupil, school_class=school_class)
    record_event(
        actor=actor,
        action="education.pupil_enrolled" if created else "education.pupil_updated",
        object_type="education.Pupil",
        object_id=pupil.pk,
        after={
            "personal_id": mask_id(personal_id),
            "class": getattr(school_class, "pk", None),
            "registry_person": getattr(person, "pk", None),
        },
        agency_code=school.code,
    )
    return pupil


@transaction.atomic
def link_parent(*, actor, pupil: Pupil, parent, relation: str = "") -> Guardianship:
    """A parent's account follows the pupil (by the school)."""
    require_principal(actor, pupil.school)
    link, _created = Guardianship.objects.update_or_create(
        pupil=pupil, parent=parent, defaults={"relation": relation}
    )
    record_event(
        actor=actor,
        action="education.parent_linked",
        object_type="education.Pupil",
        object_id=pupil.pk,
        after={"parent": parent.pk, "relation": relation},
        agency_code=pupil.school.code,
    )
    return link


def is_closed(school: School, term: Term) -> bool:
    return TermClosure.objects.filter(school=school, term=term).exists()


@transaction.atomic
def close_term(*, actor, school: School, term: Term) -> TermClosure:
    """Chốt điểm: the principal closes the term; its marks are locked from now on."""
    require_principal(actor, school)
    if is_closed(school, term):
        raise Conflict(_("Học kì này đã được chốt."), code=EducationErrorCode.TERM_CLOSED)
    closure = TermClosure.objects.create(school=school, term=term, closed_by=actor)
    record_event(
        actor=actor,
        action="education.term_closed",
        object_type="education.Term",
        object_id=term.pk,
        after={"school": school.code},
        agency_code=school.code,
    )
    return closure


@dataclass(frozen=True)
class MarkEntry:
    """One cell of the mark sheet: `value` is a score ("7.5") or a comment ("dat")."""

    pupil_id: int
    kind: str
    index: int
    value: str


def require_subject_teacher(actor, school_class: SchoolClass, subject: Subject) -> None:
    if not (
        authz.has_role(actor, Role.TEACHER, agency=school_class.school.agency)
        and TeachingAssignment.objects.filter(
            school_class=school_class, subject=subject, teacher_id=actor.pk
        ).exists()
    ):
        raise PermissionDenied(
            _("Chỉ giáo viên bộ môn của lớp mới được nhập điểm môn này."),
            code=EducationErrorCode.NOT_SUBJECT_TEACHER,
        )


def _parse(subject: Subject, entry: MarkEntry, n_regular: int) -> tuple[Decimal | None, str]:
    if entry.kind not in MarkKind.values or not 1 <= entry.index <= (
        n_regular if entry.kind == MarkKind.REGULAR else 1
    ):
        raise ValidationFailed(_("Ô điểm không hợp lệ."), code=EducationErrorCode.BAD_MARK)
    value = entry.value.strip().replace(",", ".")
    if subject.assessment == Assessment.COMMENT:
        if value and value not in {c.value for c in grading.Comment}:
            raise ValidationFailed(
                _("Môn đánh giá bằng nhận xét chỉ nhận Đạt hoặc Chưa đạt."),
                code=EducationErrorCode.BAD_MARK,
            )
        return None, value
    if not value:
        return None, ""
    try:
        return grading.check_mark(Decimal(value)), ""
    except (InvalidOperation, grading.MarkError):
        raise ValidationFailed(
            _("Điểm “%(value)s” không hợp lệ: từ 0 đến 10, lấy một chữ số thập phân.")
            % {"value": entry.value},
            code=EducationErrorCode.BAD_MARK,
            fields={f"{entry.pupil_id}-{entry.kind}-{entry.index}": _("Điểm không hợp lệ.")},
        ) from None


@transaction.atomic
def save_marks(
    *,
    actor,
    school_class: SchoolClass,
    subject: Subject,
    term: Term,
    entries: list[MarkEntry],
    reason: str = "",
) -> int:
    """The subject teacher saves cells of the mark sheet; returns how many changed.
    After the term is closed a change needs a reason, kept in the audit event. Parents
    of the pupils whose marks changed are notified (outbox)."""
    require_subject_teacher(actor, school_class, subject)
    if term.year_id != school_class.year_id:
        raise ValidationFailed(
            _("Học kì không thuộc năm học của lớp."), fields={"term": _("Chọn học kì khác.")}
        )
    closed = is_closed(school_class.school, term)
    if closed and not reason.strip():
        raise Conflict(
            _("Học kì đã chốt điểm: cần ghi lý do khi sửa điểm."),
            code=EducationErrorCode.REASON_REQUIRED,
        )
    pupils = {p.pk: p for p in school_class.members()}
    existing = {
        (m.pupil_id, m.kind, m.index): m
        for m in Mark.objects.filter(pupil__in=pupils.values(), subject=subject, term=term)
    }
    n_regular = grading.regular_marks_required(subject.periods_per_year)
    changes = []
    for entry in entries:
        if entry.pupil_id not in pupils:
            raise ValidationFailed(_("Học sinh không thuộc lớp."), code=EducationErrorCode.BAD_MARK)
        score, comment = _parse(subject, entry, n_regular)
        mark = existing.get((entry.pupil_id, entry.kind, entry.index))
        before = _cell(mark)
        if before == (score, comment):
            continue
        if score is None and not comment:
            if mark is not None:
                mark.delete()
        else:
            Mark.objects.update_or_create(
                pupil_id=entry.pupil_id,
                subject=subject,
                term=term,
                kind=entry.kind,
                index=entry.index,
                defaults={"score": score, "comment": comment, "entered_by": actor},
            )
        changes.append((entry, before, (score, comment)))
    if changes:
        _record_changes(actor, school_class, subject, term, changes, closed, reason)
        _tell_parents(school_class, subject, {e.pupil_id for e, _b, _a in changes}, pupils)
    return len(changes)


def _cell(mark: Mark | None) -> tuple[Decimal | None, str]:
    if mark is None:
        return None, ""
    return (Decimal(mark.score) if mark.score is not None else None), mark.comment


def _record_changes(actor, school_class, subject, term, changes, closed, reason) -> None:
    def show(cell):
        return str(cell[0]) if cell[0] is not None else cell[1]

    record_event(
        actor=actor,
        action="education.marks_changed_after_close" if closed else "education.marks_saved",
        object_type="education.SchoolClass",
        object_id=school_class.pk,
        before={f"{e.pupil_id}/{e.kind}/{e.index}": show(b) for e, b, _a in changes},
        after={
            "subject": subject.code,
            "term": term.pk,
            "marks": {f"{e.pupil_id}/{e.kind}/{e.index}": show(a) for e, _b, a in changes},
            **({"reason": reason.strip()} if closed else {}),
        },
        agency_code=school_class.school.code,
    )


def _tell_parents(school_class, subject, pupil_ids, pupils) -> None:
    links = Guardianship.objects.filter(pupil_id__in=pupil_ids).select_related("parent")
    for link in links:
        pupil = pupils[link.pupil_id]
        notify(
            user=link.parent,
            subject=_("Điểm mới môn %(subject)s của %(pupil)s")
            % {"subject": subject.name, "pupil": pupil.full_name},
            body=_("Giáo viên đã cập nhật điểm môn %(subject)s, %(class)s.")
            % {"subject": subject.name, "class": school_class},
            link=f"/giao-duc/hoc-sinh/{pupil.pk}/",
        )
