"""Reads of the education app: mark sheets, a pupil's marks, who teaches and follows whom."""

from __future__ import annotations

from collections import Counter
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
    pupils = list(school_class.members().order_by("full_name", "pk"))
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
    pupils = list(school_class.members().order_by("full_name", "pk"))
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
        Absence.objects.filter(pupil__memberships__school_class=school_class)
        .select_related("pupil")
        .order_by("-date", "session", "pupil__full_name")[:limit]
    )


def reports_of_class(school_class: SchoolClass) -> dict[int, SchoolReport]:
    return {
        r.pupil_id: r
        for r in SchoolReport.objects.filter(
            pupil__memberships__school_class=school_class, year=school_class.year
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


def identity_coverage() -> Decimal | None:
    """% of pupils whose identity code (mã định danh) the population registry knows:
    the pupil is linked to the registry's person with that personal ID."""
    total = Pupil.objects.count()
    if not total:
        return None
    linked = Pupil.objects.filter(person__isnull=False).count()
    return (Decimal(linked) * 100 / total).quantize(Decimal("0.01"))


def report_coverage(year: int) -> Decimal | None:
    """% of the pupils of the school year that ended in `year` (or, before it ends, the
    last one that did) whose school report of that year is signed."""
    from .models import SchoolYear

    school_year = SchoolYear.objects.filter(start_year__lt=year).order_by("-start_year").first()
    if school_year is None:
        return None
    pupils = Pupil.objects.filter(
        pk__in=Mark.objects.filter(term__year=school_year).values("pupil_id")
    )
    total = pupils.count()
    if not total:
        return None
    signed = SchoolReport.objects.filter(year=school_year, pupil__in=pupils).count()
    return (Decimal(signed) * 100 / total).quantize(Decimal("0.01"))


def admission_statistics():
    """Per published admission year and school: quota, wishes 1–3, admitted, cut-off
    (for open data; no applicant)."""
    from .models import AdmissionRound, RoundStatus

    for round_ in AdmissionRound.objects.filter(status=RoundStatus.PUBLISHED).order_by("year"):
        stats = wish_statistics(round_)
        for school in round_.schools.all():
            w = stats.get(school.code, [0, 0, 0])
            yield {
                "nam": round_.year,
                "ma_truong": school.code,
                "ten_truong": school.name,
                "chi_tieu": school.quota,
                "nguyen_vong_1": w[0],
                "nguyen_vong_2": w[1],
                "nguyen_vong_3": w[2],
                "trung_tuyen": school.admitted,
                "diem_chuan": school.cutoff,
            }


def wish_statistics(round_) -> dict[str, list[int]]:
    """Applicants per school and wish rank (thống kê nguyện vọng): code → [w1, w2, w3]."""
    counts: Counter[tuple[str, int]] = Counter()
    for wishes in round_.applicants.values_list("wishes", flat=True):
        for rank, code in enumerate(wishes, 1):
            counts[(code, rank)] += 1
    return {s.code: [counts[(s.code, r)] for r in (1, 2, 3)] for s in round_.schools.all()}
