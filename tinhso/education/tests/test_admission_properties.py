"""Properties of the admission matching, checked against independent definitions."""

from __future__ import annotations

import itertools
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tinhso.education.admission import (
    AdmissionRules,
    Applicant,
    School,
    WishOutcome,
    match,
    rank_key,
)

CODES = ["S1", "S2", "S3", "S4"]
# few distinct values, so that ties (full and on the score only) are frequent
points = st.sampled_from([Decimal("5"), Decimal("6.5"), Decimal("7"), Decimal("8.25")])
bonus = st.sampled_from([Decimal("0"), Decimal("0.25"), Decimal("1.5")])


@st.composite
def instances(draw, max_applicants=8):
    n_schools = draw(st.integers(1, len(CODES)))
    schools = [School(c, c, draw(st.integers(0, 3))) for c in CODES[:n_schools]]
    ids = draw(
        st.lists(
            st.text("abcxyz0123", min_size=1, max_size=3),
            unique=True,
            max_size=max_applicants,
        )
    )
    applicants = []
    for aid in ids:
        wishes = draw(
            st.lists(st.sampled_from(CODES[:n_schools]), unique=True, min_size=1, max_size=3)
        )
        applicants.append(
            Applicant(
                aid,
                draw(points),
                draw(points),
                draw(points),
                draw(bonus),
                draw(bonus),
                tuple(wishes),
            )
        )
    penalties = draw(
        st.sampled_from([(), (Decimal(0), Decimal(1), Decimal(2)), (Decimal(0), Decimal("0.5"))])
    )
    return schools, applicants, AdmissionRules(wish_penalties=penalties)


def _chosen(keys: list, quota: int) -> int | None:
    """How a school chooses among `keys`: every key at least the quota-th best (None: all)."""
    if quota == 0:
        return 0  # marker: nobody
    if len(keys) <= quota:
        return None
    return sorted(keys, reverse=True)[quota - 1]


def _is_stable(schools, applicants, rules, assignment) -> bool:
    by_school = {s.code: [] for s in schools}
    for a in applicants:
        code = assignment[a.applicant_id]
        if code is not None:
            if code not in a.wishes:
                return False
            by_school[code].append(rank_key(rules, a, a.wishes.index(code) + 1))
    quota = {s.code: s.quota for s in schools}
    for code, keys in by_school.items():  # each school would keep everyone it has
        cut = _chosen(keys, quota[code])
        if cut == 0 and keys:
            return False
        if cut not in (None, 0) and min(keys) < cut:
            return False
    for a in applicants:  # no applicant and school would both rather have each other
        code = assignment[a.applicant_id]
        better = a.wishes if code is None else a.wishes[: a.wishes.index(code)]
        for rank, s in enumerate(better, start=1):
            mine = rank_key(rules, a, rank)
            cut = _chosen([*by_school[s], mine], quota[s])
            if cut is None or (cut != 0 and mine >= cut):
                return False
    return True


def _assignment(result):
    return {aid: p.school_code for aid, p in result.placements.items()}


@settings(max_examples=300, deadline=None)
@given(instances())
def test_the_matching_is_stable(instance):
    schools, applicants, rules = instance
    result = match(schools, applicants, rules)
    assert _is_stable(schools, applicants, rules, _assignment(result))


@settings(max_examples=200, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_the_order_of_the_input_does_not_change_the_result(instance, rnd):
    schools, applicants, rules = instance
    first = match(schools, applicants, rules)
    shuffled_a, shuffled_s = list(applicants), list(schools)
    rnd.shuffle(shuffled_a)
    rnd.shuffle(shuffled_s)
    again = match(shuffled_s, shuffled_a, rules)
    assert again.assignment() == first.assignment()
    assert again.schools == first.schools


@settings(max_examples=300, deadline=None)
@given(instances())
def test_quotas_hold_except_the_reported_ties_for_the_last_place(instance):
    schools, applicants, rules = instance
    result = match(schools, applicants, rules)
    by_id = {a.applicant_id: a for a in applicants}
    for s in schools:
        out = result.schools[s.code]
        keys = [
            rank_key(rules, by_id[aid], by_id[aid].wishes.index(s.code) + 1) for aid in out.admitted
        ]
        assert out.overrun == max(0, len(keys) - s.quota)
        if out.overrun:
            # those beyond the quota are tied, on every criterion, with the last place
            assert sum(1 for k in keys if k > min(keys)) < s.quota
            assert out.code in result.overruns()
        if keys:
            assert out.cutoff_key == min(keys)


@settings(max_examples=150, deadline=None)
@given(instances(max_applicants=5))
def test_every_applicant_does_at_least_as_well_as_in_any_stable_matching(instance):
    """Applicant-optimal: brute force over every matching of a small instance."""
    schools, applicants, rules = instance
    ours = _assignment(match(schools, applicants, rules))

    def rank(a, code):
        return a.wishes.index(code) if code is not None else len(a.wishes)

    options = [(None, *a.wishes) for a in applicants]
    for combo in itertools.product(*options):
        other = {a.applicant_id: c for a, c in zip(applicants, combo, strict=True)}
        if _is_stable(schools, applicants, rules, other):
            for a in applicants:
                assert rank(a, ours[a.applicant_id]) <= rank(a, other[a.applicant_id])


@settings(max_examples=200, deadline=None)
@given(instances())
def test_each_applicant_is_explained_wish_by_wish(instance):
    schools, applicants, rules = instance
    result = match(schools, applicants, rules)
    for a in applicants:
        p = result.placements[a.applicant_id]
        assert [w.school_code for w in p.wishes] == list(a.wishes)
        for w in p.wishes:
            if p.wish_rank is None or w.rank < p.wish_rank:
                # refused at a school it preferred: the school was full with better keys
                assert w.outcome in (WishOutcome.BELOW_CUTOFF, WishOutcome.LOST_TIEBREAK)
                school = result.schools[w.school_code]
                if school.cutoff is not None:
                    assert w.score <= school.cutoff
                    assert (w.outcome == WishOutcome.LOST_TIEBREAK) == (w.score == school.cutoff)
            elif w.rank == p.wish_rank:
                assert w.outcome == WishOutcome.ADMITTED
            else:
                assert w.outcome == WishOutcome.NOT_CONSIDERED
