"""Marks and results by the rules: pure functions, no database.

Lower and upper secondary: Circular 22/2021/TT-BGDĐT (Thông tư quy định về đánh giá học
sinh trung học cơ sở và học sinh trung học phổ thông), articles cited per function.
Primary: Circular 27/2020/TT-BGDĐT (Thông tư ban hành Quy định đánh giá học sinh tiểu
học): levels and comments, no averages.

Marks are `Decimal`s with at most one decimal; averages are computed exactly
(`Fraction`) and then rounded half up to one decimal, as a teacher rounds by hand
(6.45 → 6.5, never the float's 6.4 or the banker's rounding).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

MAX_MARK = Decimal(10)
TENTH = Decimal("0.1")
WEEKS_PER_YEAR = 35  # the secondary curriculum's 35 weeks (Circular 32/2018)


class MarkError(ValueError):
    """A mark outside 0–10 or with more than one decimal."""


class Level(StrEnum):
    """Mức đánh giá (Circular 22/2021, Art. 8–9): learning results and conduct."""

    GOOD = "tot"  # Tốt
    FAIR = "kha"  # Khá
    PASS = "dat"  # Đạt
    FAIL = "chua_dat"  # Chưa đạt


LEVEL_ORDER = {Level.FAIL: 0, Level.PASS: 1, Level.FAIR: 2, Level.GOOD: 3}


class Comment(StrEnum):
    """Subjects assessed by comment (đánh giá bằng nhận xét, Circular 22/2021 Art. 5)."""

    PASS = "dat"  # Đạt
    FAIL = "chua_dat"  # Chưa đạt


def check_mark(mark: Decimal) -> Decimal:
    """A mark (điểm đánh giá) is 0–10, a whole number or one decimal (Art. 6.2)."""
    if not isinstance(mark, Decimal) or not mark.is_finite():
        raise MarkError(f"not a number: {mark!r}")
    if mark < 0 or mark > MAX_MARK:
        raise MarkError(f"outside 0–10: {mark}")
    if mark != mark.quantize(TENTH):
        raise MarkError(f"more than one decimal: {mark}")
    return mark


def round_half_up(value: Fraction | Decimal | int) -> Decimal:
    """Round to one decimal, halves up: 6.45 → 6.5, 6.449… → 6.4 (exact arithmetic)."""
    tenths = math.floor(Fraction(value) * 10 + Fraction(1, 2))
    return Decimal(tenths) / 10


def regular_marks_required(periods_per_year: int) -> int:
    """Số ĐĐGtx per term (Circular 22/2021, Art. 7.1.b): up to 35 periods a year → 2,
    over 35 up to 70 → 3, over 70 → 4."""
    if periods_per_year <= 35:
        return 2
    if periods_per_year <= 70:
        return 3
    return 4


def regular_marks_for_weekly(periods_per_week: float) -> int:
    """The same from the timetable's periods per week (× 35 weeks)."""
    return regular_marks_required(math.ceil(periods_per_week * WEEKS_PER_YEAR))


def term_average(regular: Sequence[Decimal], mid: Decimal, end: Decimal) -> Decimal:
    """ĐTBmhk = (TĐĐGtx + 2 × ĐĐGgk + 3 × ĐĐGck) / (số ĐĐGtx + 5), one decimal
    (Circular 22/2021, Art. 9.1.a)."""
    for m in (*regular, mid, end):
        check_mark(m)
    # In whole tenths (every mark has at most one decimal), so exact and fast:
    # round half up of total / d is ⌊(2 × total + d) / 2d⌋.
    total = sum(int(m * 10) for m in regular) + 2 * int(mid * 10) + 3 * int(end * 10)
    d = len(regular) + 5
    return Decimal((2 * total + d) // (2 * d)) / 10


def year_average(term1: Decimal, term2: Decimal) -> Decimal:
    """ĐTBmcn = (ĐTBmhkI + 2 × ĐTBmhkII) / 3, one decimal (Circular 22/2021, Art. 9.1.b);
    from the two rounded term averages, as the school report shows them."""
    check_mark(term1)
    check_mark(term2)
    return round_half_up((Fraction(term1) + 2 * Fraction(term2)) / 3)


def year_comment(term1: Comment, term2: Comment) -> Comment:
    """A comment subject's year result is its term-2 result (Art. 9.1.b)."""
    return term2


def learning_result(scored: Iterable[Decimal], comments: Iterable[Comment]) -> Level:
    """Kết quả học tập of a term or the year (Circular 22/2021, Art. 9.2):

    Tốt: every comment subject Đạt; every scored subject ≥ 6.5, at least 6 of them ≥ 8.0.
    Khá: every comment subject Đạt; every scored subject ≥ 5.0, at least 6 of them ≥ 6.5.
    Đạt: at most one comment subject Chưa đạt; at least 6 scored subjects ≥ 5.0 and none
    below 3.5.
    Chưa đạt: the rest.
    """
    averages = list(scored)
    failed_comments = sum(1 for c in comments if c == Comment.FAIL)

    def at_least(x: str) -> int:
        return sum(1 for a in averages if a >= Decimal(x))

    def every(x: str) -> bool:
        return all(a >= Decimal(x) for a in averages)

    if failed_comments == 0 and every("6.5") and at_least("8.0") >= 6:
        return Level.GOOD
    if failed_comments == 0 and every("5.0") and at_least("6.5") >= 6:
        return Level.FAIR
    if failed_comments <= 1 and at_least("5.0") >= 6 and every("3.5"):
        return Level.PASS
    return Level.FAIL


def year_conduct(term1: Level, term2: Level) -> Level:
    """Kết quả rèn luyện cả năm from the two terms' (Circular 22/2021, Art. 8.3):

    Tốt: term 2 Tốt, term 1 Khá or better.
    Khá: term 2 Khá, term 1 Đạt or better; or term 2 Đạt, term 1 Tốt; or term 2 Tốt,
    term 1 Đạt or Chưa đạt.
    Đạt: term 2 Đạt, term 1 Khá, Đạt or Chưa đạt; or term 2 Khá, term 1 Chưa đạt.
    Chưa đạt: the rest (term 2 Chưa đạt).
    """
    t1 = LEVEL_ORDER[term1]
    if term2 == Level.GOOD:
        return Level.GOOD if t1 >= LEVEL_ORDER[Level.FAIR] else Level.FAIR
    if term2 == Level.FAIR:
        return Level.FAIR if t1 >= LEVEL_ORDER[Level.PASS] else Level.PASS
    if term2 == Level.PASS:
        return Level.FAIR if term1 == Level.GOOD else Level.PASS
    return Level.FAIL


class Title(StrEnum):
    """Danh hiệu (Circular 22/2021, Art. 15)."""

    EXCELLENT = "xuat_sac"  # Học sinh Xuất sắc
    GOOD = "gioi"  # Học sinh Giỏi


def year_title(learning: Level, conduct: Level, year_averages: Iterable[Decimal]) -> Title | None:
    """Xuất sắc: learning and conduct Tốt and at least 6 year averages ≥ 9.0;
    Giỏi: learning and conduct Tốt (Art. 15.1)."""
    if learning != Level.GOOD or conduct != Level.GOOD:
        return None
    if sum(1 for a in year_averages if a >= Decimal(9)) >= 6:
        return Title.EXCELLENT
    return Title.GOOD


MAX_ABSENCES = 45  # buổi, excused or not (Art. 12.1.c)


@dataclass(frozen=True)
class YearEnd:
    """What happens to a pupil at the end of the year (Circular 22/2021, Art. 12–13)."""

    moves_up: bool  # lên lớp
    retake: tuple[str, ...] = ()  # subjects to be assessed again in the summer
    summer_conduct: bool = False  # rèn luyện trong kì nghỉ hè
    repeats: bool = False  # ở lại lớp without a summer chance (absences)
    reasons: tuple[str, ...] = field(default=())


def year_end(
    *,
    learning: Level,
    conduct: Level,
    absences: int,
    scored: dict[str, Decimal],
    comments: dict[str, Comment],
) -> YearEnd:
    """Lên lớp when conduct and learning are Đạt or better and absences ≤ 45 (Art. 12.1).
    More than 45 absences: the pupil stays down (Art. 12.2.b). Learning Chưa đạt: retakes
    in the summer of the subjects below 5.0 and the comment subjects Chưa đạt (Art. 13.1);
    conduct Chưa đạt: conduct training in the summer (Art. 13.2)."""
    if absences > MAX_ABSENCES:
        return YearEnd(moves_up=False, repeats=True, reasons=("absences",))
    if learning != Level.FAIL and conduct != Level.FAIL:
        return YearEnd(moves_up=True)
    retake: tuple[str, ...] = ()
    reasons = []
    if learning == Level.FAIL:
        retake = tuple(
            sorted(
                [s for s, a in scored.items() if a < Decimal(5)]
                + [s for s, c in comments.items() if c == Comment.FAIL]
            )
        )
        reasons.append("learning")
    if conduct == Level.FAIL:
        reasons.append("conduct")
    return YearEnd(
        moves_up=False,
        retake=retake,
        summer_conduct=conduct == Level.FAIL,
        reasons=tuple(reasons),
    )


# -- primary school: Circular 27/2020 --------------------------------------------------


class PrimaryLevel(StrEnum):
    """A subject's level (Circular 27/2020, Art. 6.2.a)."""

    VERY_GOOD = "T"  # Hoàn thành tốt
    DONE = "H"  # Hoàn thành
    NOT_DONE = "C"  # Chưa hoàn thành


class QualityLevel(StrEnum):
    """Qualities and competences (phẩm chất, năng lực; Circular 27/2020, Art. 6.2.b)."""

    GOOD = "T"  # Tốt
    PASS = "Đ"  # Đạt
    TRY = "C"  # Cần cố gắng


class PrimaryResult(StrEnum):
    """The year's education result (Circular 27/2020, Art. 9.2)."""

    EXCELLENT = "hoan_thanh_xuat_sac"  # Hoàn thành xuất sắc
    VERY_GOOD = "hoan_thanh_tot"  # Hoàn thành tốt
    DONE = "hoan_thanh"  # Hoàn thành
    NOT_DONE = "chua_hoan_thanh"  # Chưa hoàn thành


def check_primary_test_score(score: int) -> int:
    """End-of-term tests are marked 1–10 in whole numbers (Circular 27/2020, Art. 7.2)."""
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 10:
        raise MarkError(f"a primary test score is a whole number 1–10: {score!r}")
    return score


def primary_year_result(
    subjects: Iterable[PrimaryLevel],
    qualities: Iterable[QualityLevel],
    test_scores: Iterable[int],
) -> PrimaryResult:
    """Circular 27/2020, Art. 9.2 — no averages, levels only:

    Hoàn thành xuất sắc: every subject Hoàn thành tốt, every quality and competence Tốt,
    every end-of-year test 9 or more.
    Hoàn thành tốt: the same with every test 7 or more.
    Hoàn thành: every subject Hoàn thành tốt or Hoàn thành, every quality and competence
    Tốt or Đạt, every test 5 or more.
    Chưa hoàn thành: the rest.
    """
    levels, quals = list(subjects), list(qualities)
    scores = [check_primary_test_score(s) for s in test_scores]
    all_very_good = all(s == PrimaryLevel.VERY_GOOD for s in levels)
    all_good = all(q == QualityLevel.GOOD for q in quals)
    if all_very_good and all_good and all(s >= 9 for s in scores):
        return PrimaryResult.EXCELLENT
    if all_very_good and all_good and all(s >= 7 for s in scores):
        return PrimaryResult.VERY_GOOD
    if (
        all(s != PrimaryLevel.NOT_DONE for s in levels)
        and all(q != QualityLevel.TRY for q in quals)
        and all(s >= 5 for s in scores)
    ):
        return PrimaryResult.DONE
    return PrimaryResult.NOT_DONE
