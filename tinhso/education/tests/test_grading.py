"""Circular 22/2021 and Circular 27/2020 formulas: examples from the texts, and properties."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.education.grading import (
    Comment,
    Level,
    MarkError,
    PrimaryLevel,
    PrimaryResult,
    QualityLevel,
    Title,
    check_mark,
    learning_result,
    primary_year_result,
    regular_marks_for_weekly,
    regular_marks_required,
    round_half_up,
    term_average,
    year_average,
    year_conduct,
    year_end,
    year_title,
)

marks = st.integers(0, 100).map(lambda t: Decimal(t) / 10)
levels = st.sampled_from(list(Level))
comments = st.sampled_from(list(Comment))


def reference_half_up(numerator: Decimal, denominator: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return (numerator / denominator).quantize(D("0.1"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(
    ("periods", "count"), [(18, 2), (35, 2), (36, 3), (52, 3), (70, 3), (71, 4), (105, 4)]
)
def test_the_number_of_regular_marks_follows_the_periods_a_year(periods, count):
    assert regular_marks_required(periods) == count


def test_the_number_of_regular_marks_from_the_weekly_timetable():
    assert [regular_marks_for_weekly(w) for w in (1, 1.5, 2, 3, 4)] == [2, 3, 3, 4, 4]


def test_the_term_average_weights_mid_term_twice_and_end_of_term_three_times():
    assert term_average([D(8), D(7), D(9)], D("7.5"), D(8)) == D("7.9")  # 63 / 8 = 7.875
    assert term_average([D(6), D(6), D(6)], D("6.3"), D(7)) == D("6.5")  # 51.6 / 8 = 6.45


def test_halves_round_up_not_to_even():
    # 58 / 8 = 7.25: half up gives 7.3 where Python's round() gives 7.2
    assert term_average([D(7), D(7), D(8)], D("7.5"), D(7)) == D("7.3")
    assert round(7.25, 1) == 7.2
    assert year_average(D("6.5"), D("7.0")) == D("6.8")  # 20.5 / 3 = 6.833…
    assert year_average(D("7.1"), D("7.7")) == D("7.5")  # 22.5 / 3 = 7.5


@given(st.lists(marks, min_size=2, max_size=4), marks, marks)
def test_the_term_average_is_the_formula_rounded_half_up(regular, mid, end):
    average = term_average(regular, mid, end)
    assert average == reference_half_up(sum(regular) + 2 * mid + 3 * end, len(regular) + 5)
    everything = [*regular, mid, end]
    assert min(everything) <= average <= max(everything)


@given(st.lists(marks, min_size=2, max_size=4), marks, marks, st.data())
def test_a_better_mark_never_lowers_the_term_average(regular, mid, end, data):
    before = term_average(regular, mid, end)
    better = data.draw(marks.filter(lambda m: m >= end))
    assert term_average(regular, mid, better) >= before
    better_mid = data.draw(marks.filter(lambda m: m >= mid))
    assert term_average(regular, better_mid, end) >= before


@given(marks)
def test_equal_marks_average_to_themselves(m):
    assert term_average([m, m, m], m, m) == m
    assert year_average(m, m) == m


@given(marks, marks)
def test_the_year_average_counts_term_two_twice(t1, t2):
    assert year_average(t1, t2) == reference_half_up(t1 + 2 * t2, 3)
    assert min(t1, t2) <= year_average(t1, t2) <= max(t1, t2)


@pytest.mark.parametrize("bad", [D("-0.5"), D("10.5"), D("7.25"), D("NaN")])
def test_a_mark_outside_the_scale_is_refused(bad):
    with pytest.raises(MarkError):
        check_mark(bad)
    with pytest.raises(MarkError):
        term_average([bad, D(5)], D(5), D(5))


@given(st.fractions(min_value=0, max_value=10))
def test_rounding_is_within_half_a_tenth(value):
    rounded = round_half_up(value)
    assert abs(rounded - Decimal(value.numerator) / Decimal(value.denominator)) <= D("0.05")


PASS = Comment.PASS
FAIL = Comment.FAIL


@pytest.mark.parametrize(
    ("scored", "comments", "level"),
    [
        (["8"] * 6 + ["6.5"] * 2, [PASS] * 4, Level.GOOD),
        (["8"] * 5 + ["7.9"] + ["6.5"] * 2, [PASS] * 4, Level.FAIR),  # only 5 at 8.0
        (["8"] * 6 + ["6.4"] * 2, [PASS] * 4, Level.FAIR),  # one below 6.5
        (["8"] * 8, [PASS, PASS, FAIL], Level.PASS),  # a comment subject failed
        (["6.5"] * 6 + ["5"] * 2, [PASS], Level.FAIR),
        (["6.5"] * 6 + ["4.9"] * 2, [PASS], Level.PASS),
        (["5"] * 6 + ["3.5"] * 2, [FAIL], Level.PASS),
        (["5"] * 6 + ["3.4"], [PASS], Level.FAIL),  # one below 3.5
        (["5"] * 5 + ["4.9"] * 3, [PASS], Level.FAIL),  # only 5 at 5.0
        (["9"] * 8, [FAIL, FAIL], Level.FAIL),  # two comment subjects failed
    ],
)
def test_learning_results_by_the_circulars_thresholds(scored, comments, level):
    assert learning_result([D(s) for s in scored], comments) == level


@given(st.lists(marks, min_size=6, max_size=12), st.lists(comments, max_size=4), st.data())
def test_a_better_mark_or_comment_never_lowers_the_learning_result(scored, cs, data):
    from tinhso.education.grading import LEVEL_ORDER

    before = LEVEL_ORDER[learning_result(scored, cs)]
    i = data.draw(st.integers(0, len(scored) - 1))
    raised = [*scored]
    raised[i] = data.draw(marks.filter(lambda m: m >= scored[i]))
    assert LEVEL_ORDER[learning_result(raised, cs)] >= before
    passed = [PASS] + cs[1:] if cs else cs
    assert LEVEL_ORDER[learning_result(scored, passed)] >= before


G, K, P, F = Level.GOOD, Level.FAIR, Level.PASS, Level.FAIL

# Circular 22/2021 Art. 8.3, (term 1, term 2) → year, written out as the text reads.
CONDUCT_TABLE = {
    (G, G): G, (K, G): G,
    (P, G): K, (F, G): K,
    (G, K): K, (K, K): K, (P, K): K, (F, K): P,
    (G, P): K, (K, P): P, (P, P): P, (F, P): P,
    (G, F): F, (K, F): F, (P, F): F, (F, F): F,
}  # fmt: skip


@pytest.mark.parametrize(("terms", "year"), CONDUCT_TABLE.items())
def test_the_years_conduct_from_the_two_terms(terms, year):
    assert year_conduct(*terms) == year


def test_titles_need_good_learning_and_conduct():
    nines = [D(9)] * 6 + [D(7)]
    assert year_title(G, G, nines) == Title.EXCELLENT
    assert year_title(G, G, nines[1:]) == Title.GOOD
    assert year_title(G, K, nines) is None


def test_who_moves_up_and_who_retakes_in_the_summer():
    kw = {"scored": {"toan": D("4.5"), "van": D(6)}, "comments": {"the_duc": FAIL}}
    assert year_end(learning=P, conduct=P, absences=45, **kw).moves_up
    stays = year_end(learning=P, conduct=G, absences=46, **kw)
    assert (stays.moves_up, stays.repeats) == (False, True)
    retake = year_end(learning=F, conduct=K, absences=3, **kw)
    assert (retake.moves_up, retake.retake, retake.summer_conduct) == (
        False,
        ("the_duc", "toan"),
        False,
    )
    training = year_end(learning=K, conduct=F, absences=0, **kw)
    assert (training.moves_up, training.retake, training.summer_conduct) == (False, (), True)


T, H, C = PrimaryLevel.VERY_GOOD, PrimaryLevel.DONE, PrimaryLevel.NOT_DONE
QT, QD, QC = QualityLevel.GOOD, QualityLevel.PASS, QualityLevel.TRY


@pytest.mark.parametrize(
    ("subjects", "qualities", "tests", "result"),
    [
        ([T, T], [QT, QT], [9, 10], PrimaryResult.EXCELLENT),
        ([T, T], [QT, QT], [8, 10], PrimaryResult.VERY_GOOD),
        ([T, H], [QT, QT], [10, 10], PrimaryResult.DONE),
        ([T, T], [QT, QD], [10, 10], PrimaryResult.DONE),
        ([T, T], [QT, QT], [4, 10], PrimaryResult.NOT_DONE),
        ([T, C], [QT, QT], [10, 10], PrimaryResult.NOT_DONE),
        ([T, T], [QC, QT], [10, 10], PrimaryResult.NOT_DONE),
    ],
)
def test_primary_results_are_levels_without_averages(subjects, qualities, tests, result):
    assert primary_year_result(subjects, qualities, tests) == result


@pytest.mark.parametrize("bad", [0, 11, 7.5, True])
def test_primary_test_scores_are_whole_numbers_from_one_to_ten(bad):
    with pytest.raises(MarkError):
        primary_year_result([T], [QT], [bad])


@given(
    st.lists(st.sampled_from(list(PrimaryLevel)), min_size=1, max_size=8),
    st.lists(st.sampled_from(list(QualityLevel)), min_size=1, max_size=10),
    st.lists(st.integers(1, 10), max_size=6),
)
def test_a_better_test_score_never_lowers_the_primary_result(subjects, qualities, tests):
    order = list(PrimaryResult)[::-1]
    before = order.index(primary_year_result(subjects, qualities, tests))
    raised = [min(10, s + 1) for s in tests]
    assert order.index(primary_year_result(subjects, qualities, raised)) >= before
