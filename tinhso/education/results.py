"""Year results (kết quả cả năm) of a class's pupils, from their marks and the homeroom
teacher's reviews, by the rules of Circular 22/2021 (grading.py): four queries for a
whole class, whatever its size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from . import grading
from .models import (
    Absence,
    Assessment,
    Mark,
    MarkKind,
    Pupil,
    SchoolClass,
    Subject,
    TermReview,
)


@dataclass
class SubjectYear:
    subject: Subject
    term1: Decimal | str | None = None  # an average, or a comment for comment subjects
    term2: Decimal | str | None = None
    year: Decimal | str | None = None


@dataclass
class YearResult:
    pupil: Pupil
    subjects: list[SubjectYear] = field(default_factory=list)
    conduct1: str = ""
    conduct2: str = ""
    comment2: str = ""
    absences: int = 0
    learning: grading.Level | None = None
    conduct: grading.Level | None = None
    title: grading.Title | None = None
    year_end: grading.YearEnd | None = None
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def learning_name(self) -> str:
        return level_name(self.learning)

    @property
    def conduct_name(self) -> str:
        return level_name(self.conduct)


LEVEL_NAMES = {
    grading.Level.GOOD: "Tốt",
    grading.Level.FAIR: "Khá",
    grading.Level.PASS: "Đạt",
    grading.Level.FAIL: "Chưa đạt",
}


def level_name(level) -> str:
    return _(LEVEL_NAMES[grading.Level(level)]) if level else "—"


# (kind, score, comment) of one mark, read as a tuple: a class's marks are thousands.
MarkCell = tuple[str, Decimal | None, str]


def _term_value(subject: Subject, marks: list[MarkCell]) -> Decimal | str | None:
    if subject.assessment == Assessment.COMMENT:
        comment = next((c for k, _s, c in marks if k == MarkKind.END and c), "")
        return comment or None
    n = grading.regular_marks_required(subject.periods_per_year)
    regular = [Decimal(s) for k, s, _c in marks if k == MarkKind.REGULAR and s is not None]
    mid = next((s for k, s, _c in marks if k == MarkKind.MID and s is not None), None)
    end = next((s for k, s, _c in marks if k == MarkKind.END and s is not None), None)
    if len(regular) < n or mid is None or end is None:
        return None
    return grading.term_average(regular[:n], Decimal(mid), Decimal(end))


def class_year_results(
    school_class: SchoolClass, pupils: list[Pupil] | None = None
) -> list[YearResult]:
    """Each pupil's year: term and year values per subject, learning and conduct results,
    absences, title and what happens next; `missing` says what is not entered yet."""
    terms = {t.number: t for t in school_class.year.terms.all()}
    t1, t2 = terms.get(1), terms.get(2)
    subjects = list(Subject.objects.filter(grade=school_class.grade).order_by("pk"))
    if pupils is None:
        pupils = list(school_class.members().order_by("full_name", "pk"))
    ids = [p.pk for p in pupils]
    marks: dict[tuple[int, int, int], list[MarkCell]] = defaultdict(list)
    for pupil_id, subject_id, term_id, kind, score, comment in Mark.objects.filter(
        pupil_id__in=ids, term__year=school_class.year_id
    ).values_list("pupil_id", "subject_id", "term_id", "kind", "score", "comment"):
        marks[(pupil_id, subject_id, term_id)].append((kind, score, comment))
    reviews = {
        (r.pupil_id, r.term_id): r
        for r in TermReview.objects.filter(pupil_id__in=ids, term__year=school_class.year_id)
    }
    absences: dict[int, int] = defaultdict(int)
    year = school_class.year
    for pupil_id in Absence.objects.filter(
        pupil_id__in=ids,
        date__gte=f"{year.start_year}-08-01",
        date__lt=f"{year.start_year + 1}-08-01",
    ).values_list("pupil_id", flat=True):
        absences[pupil_id] += 1
    return [_one(pupil, subjects, t1, t2, marks, reviews, absences[pupil.pk]) for pupil in pupils]


def _one(pupil, subjects, t1, t2, marks, reviews, absence_count) -> YearResult:
    result = YearResult(pupil=pupil, absences=absence_count)
    scored: dict[str, Decimal] = {}
    comments: dict[str, grading.Comment] = {}
    for subject in subjects:
        line = SubjectYear(subject)
        if t1 is not None:
            line.term1 = _term_value(subject, marks.get((pupil.pk, subject.pk, t1.pk), []))
        if t2 is not None:
            line.term2 = _term_value(subject, marks.get((pupil.pk, subject.pk, t2.pk), []))
        if line.term1 is None or line.term2 is None:
            result.missing.append(_("điểm môn %(subject)s") % {"subject": subject.name})
        elif subject.assessment == Assessment.COMMENT:
            line.year = grading.year_comment(
                grading.Comment(str(line.term1)), grading.Comment(str(line.term2))
            )
            comments[subject.code] = grading.Comment(line.year)
        else:
            assert isinstance(line.term1, Decimal) and isinstance(line.term2, Decimal)
            line.year = grading.year_average(line.term1, line.term2)
            scored[subject.code] = line.year
        result.subjects.append(line)
    r1 = reviews.get((pupil.pk, getattr(t1, "pk", None)))
    r2 = reviews.get((pupil.pk, getattr(t2, "pk", None)))
    result.conduct1 = r1.conduct if r1 else ""
    result.conduct2 = r2.conduct if r2 else ""
    result.comment2 = r2.comment if r2 else ""
    if not (r1 and r2):
        result.missing.append(_("đánh giá rèn luyện"))
    if result.missing:
        return result
    result.learning = grading.learning_result(scored.values(), comments.values())
    result.conduct = grading.year_conduct(grading.Level(r1.conduct), grading.Level(r2.conduct))
    result.title = grading.year_title(result.learning, result.conduct, scored.values())
    result.year_end = grading.year_end(
        learning=result.learning,
        conduct=result.conduct,
        absences=absence_count,
        scored=scored,
        comments=comments,
    )
    return result
