"""Reads of the education app: mark sheets, a pupil's marks, who teaches and follows whom."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from . import grading
from .models import (
    DIPLOMA_GRADE,
    Absence,
    Assessment,
    Diploma,
    Guardianship,
    Mark,
    MarkKind,
    Pupil,
    SchoolClass,
    SchoolReport,
    Subject,
    TeachingAssignment,
    Term,
    TermClosure,
    TermReview,
)


def teaching_of(user) -> QuerySet[TeachingAssignment]:
    """The classes and subjects a teacher teaches (their mark sheets)."""
    return (
        TeachingAssignment.objects.filter(teacher_id=user.pk)
        .select_related("school_class__school__agency", "school_class__year", "subject")
        .order_by("school_class__name", "subject__pk")
    )


def children_of(user) -> QuerySet[Pupil]:
    """The pupils a parent follows."""
    return (
        Pupil.objects.filter(guardianship__parent_id=user.pk)
        .select_related("school__agency", "school_class")
        .order_by("full_name")
    )


def is_parent_of(user, pupil: Pupil) -> bool:
    return Guardianship.objects.filter(pupil=pupil, parent_id=user.pk).exists()


def closed_terms(school) -> set[int]:
    return set(TermClosure.objects.filter(school=school).values_list("term_id", flat=True))


@dataclass
class SheetRow:
    pupil: Pupil
    regular: list[str]
    mid: str = ""
    end: str = ""
    average: Decimal | None = None


@dataclass
class MarkSheet:
    school_class: SchoolClass
    subject: Subject
    term: Term
    n_regular: int
    closed: bool
    rows: list[SheetRow] = field(default_factory=list)

    @property
    def by_comment(self) -> bool:
        return self.subject.assessment == Assessment.COMMENT


def _show(mark: Mark) -> str:
    return str(mark.score) if mark.score is not None else mark.comment


def mark_sheet(school_class: SchoolClass, subject: Subject, term: Term) -> MarkSheet:
    """Sổ điểm of one class, subject and term: 2 queries whatever the class size."""
    n = grading.regular_marks_required(subject.periods_per_year)
    sheet = MarkSheet(
        school_class,
        subject,
        term,
        n,
        TermClosure.objects.filter(school_id=school_class.school_id, term=term).exists(),
    )
    pupils = list(school_class.pupils.order_by("full_name", "pk"))
    rows = {p.pk: SheetRow(p, [""] * n) for p in pupils}
    for m in Mark.objects.filter(pupil__in=pupils, subject=subject, term=term):
        row = rows[m.pupil_id]
        if m.kind == MarkKind.REGULAR and m.index <= n:
            row.regular[m.index - 1] = _show(m)
        elif m.kind == MarkKind.MID:
            row.mid = _show(m)
        elif m.kind == MarkKind.END:
            row.end = _show(m)
    for row in rows.values():
        if not sheet.by_comment and row.mid and row.end and all(row.regular):
            row.average = grading.term_average(
                [Decimal(r) for r in row.regular], Decimal(row.mid), Decimal(row.end)
            )
    sheet.rows = [rows[p.pk] for p in pupils]
    return sheet


@dataclass
class SubjectLine:
    subject: Subject
    marks: dict[int, list[Mark]]  # term id → marks
    averages: dict[int, Decimal | None]


def pupil_marks(pupil: Pupil, terms: list[Term]) -> list[SubjectLine]:
    """A pupil's marks per subject and term, with the term averages when complete."""
    marks = (
        Mark.objects.filter(pupil=pupil, term__in=terms)
        .select_related("subject")
        .order_by("subject__pk", "term_id", "kind", "index")
    )
    lines: dict[int, SubjectLine] = {}
    for m in marks:
        line = lines.setdefault(m.subject_id, SubjectLine(m.subject, {}, {}))
        line.marks.setdefault(m.term_id, []).append(m)
    for line in lines.values():
        for term_id, ms in line.marks.items():
            line.averages[term_id] = _average(line.subject, ms)
    return list(lines.values())


def _average(subject: Subject, marks: list[Mark]) -> Decimal | None:
    if subject.assessment == Assessment.COMMENT:
        return None
    n = grading.regular_marks_required(subject.periods_per_year)
    regular = [m.score for m in marks if m.kind == MarkKind.REGULAR and m.score is not None]
    mid = next((m.score for m in marks if m.kind == MarkKind.MID), None)
    end = next((m.score for m in marks if m.kind == MarkKind.END), None)
    if len(regular) < n or mid is None or end is None:
        return None
    return grading.term_average([Decimal(r) for r in regular], Decimal(mid), Decimal(end))


@dataclass
class ReviewRow:
    pupil: Pupil
    conduct: str
    comment: str


def review_rows(school_class: SchoolClass, term: Term, posted=None) -> list[ReviewRow]:
    """The homeroom teacher's review form: each pupil with the saved (or just posted)
    conduct level and comment. Two queries."""
    pupils = list(school_class.pupils.order_by("full_name", "pk"))
    saved = {r.pupil_id: r for r in TermReview.objects.filter(pupil__in=pupils, term=term)}
    rows = []
    for p in pupils:
        review = saved.get(p.pk)
        conduct = review.conduct if review else ""
        comment = review.comment if review else ""
        if posted is not None:
            conduct = posted.get(f"conduct-{p.pk}", conduct)
            comment = posted.get(f"comment-{p.pk}", comment)
        rows.append(ReviewRow(p, conduct, comment))
    return rows


def recent_absences(school_class: SchoolClass, limit: int = 50) -> QuerySet[Absence]:
    return (
        Absence.objects.filter(pupil__school_class=school_class)
        .select_related("pupil")
        .order_by("-date", "session", "pupil__full_name")[:limit]
    )


def reports_of_class(school_class: SchoolClass) -> dict[int, SchoolReport]:
    return {
        r.pupil_id: r
        for r in SchoolReport.objects.filter(
            pupil__school_class=school_class, year=school_class.year
        ).select_related("issued")
    }


def diploma_register(school) -> QuerySet[Diploma]:
    return Diploma.objects.filter(school=school).select_related("pupil", "issued", "year")


def diploma_candidates(school) -> QuerySet[Pupil]:
    """Pupils in the final grade of a level (5, 9, 12) without that diploma yet."""
    return (
        Pupil.objects.filter(school=school, school_class__grade__in=set(DIPLOMA_GRADE.values()))
        .exclude(diplomas__isnull=False)
        .select_related("school_class")
        .order_by("school_class__name", "full_name")
    )


def pupil_record(pupil: Pupil) -> dict:
    """The e-contact book's other parts for a parent: reviews, absences, signed
    reports and diplomas."""
    return {
        "reviews": TermReview.objects.filter(pupil=pupil).select_related("term__year"),
        "absences": Absence.objects.filter(pupil=pupil)[:100],
        "reports": SchoolReport.objects.filter(pupil=pupil).select_related("year", "issued"),
        "diplomas": Diploma.objects.filter(pupil=pupil).select_related("issued"),
    }
