"""Grade-10 admission (tuyển sinh lớp 10): applicant-proposing deferred acceptance.

Pure: no database, no Django. The rules of a year are data (`AdmissionRules`); the
applicants and schools are plain values; `match` returns who is admitted where, each
school's cut-off and overrun, and an explanation per applicant.

The rules (Circular 30/2024/TT-BGDĐT, Quy chế tuyển sinh THCS và THPT, and the
province's plan for the year):

- admission score = the weighted exam subjects (Maths, Literature and, in Quảng Ninh,
  English; weight 1 each by default) + priority points + incentive points;
- an optional penalty per wish: an applicant who lists a school as wish k competes there
  with score − penalty[k] (so wish-1 applicants come first at equal scores);
- every applicant proposes to their wishes in order; a school holds the best applicants
  up to its quota and rejects the rest (Gale–Shapley, applicant-proposing);
- at a school, ties on the score are broken by Maths, then Literature, then English;
  applicants still tied for the last place are all admitted and the overrun is reported.

The school's choice (everyone whose key is at least the quota-th best key) is
substitutable and ignores rejected applicants, so deferred acceptance gives the
applicant-optimal stable matching whatever the order of proposals (Hatfield and
Milgrom 2005): the result does not depend on the order of the input.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

SUBJECTS = ("math", "literature", "english")
ZERO = Decimal(0)


@dataclass(frozen=True)
class School:
    """A school that admits to grade 10 (trường THPT), with its quota (chỉ tiêu)."""

    code: str
    name: str
    quota: int


@dataclass(frozen=True)
class Applicant:
    """Thí sinh: three exam scores, priority and incentive points, ordered wishes."""

    applicant_id: str
    math: Decimal
    literature: Decimal
    english: Decimal
    priority: Decimal = ZERO
    incentive: Decimal = ZERO
    wishes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdmissionRules:
    """One year's admission rules, as data (kept per year in the database)."""

    year: int | None = None
    weights: Mapping[str, Decimal] = field(
        default_factory=lambda: {s: Decimal(1) for s in SUBJECTS}
    )
    add_priority: bool = True
    add_incentive: bool = True
    # penalty for wish k is wish_penalties[k - 1]; a missing entry is 0
    wish_penalties: tuple[Decimal, ...] = ()
    max_wishes: int = 3

    def score(self, applicant: Applicant) -> Decimal:
        """The admission score (điểm xét tuyển) before any wish penalty."""
        total = sum(
            (Decimal(self.weights.get(s, 0)) * getattr(applicant, s) for s in SUBJECTS), ZERO
        )
        if self.add_priority:
            total += applicant.priority
        if self.add_incentive:
            total += applicant.incentive
        return total

    def penalty(self, rank: int) -> Decimal:
        return self.wish_penalties[rank - 1] if rank <= len(self.wish_penalties) else ZERO

    def score_at(self, applicant: Applicant, rank: int) -> Decimal:
        """The score the applicant competes with at their wish `rank` (1-based)."""
        return self.score(applicant) - self.penalty(rank)

    @classmethod
    def from_dict(cls, data: Mapping) -> AdmissionRules:
        """Rules from their stored form (JSON: numbers as strings or numbers)."""
        weights = {s: Decimal(str(w)) for s, w in (data.get("weights") or {}).items()}
        unknown = set(weights) - set(SUBJECTS)
        if unknown:
            raise ValueError(f"unknown subject(s) in weights: {', '.join(sorted(unknown))}")
        return cls(
            year=data.get("year"),
            weights=weights or {s: Decimal(1) for s in SUBJECTS},
            add_priority=bool(data.get("add_priority", True)),
            add_incentive=bool(data.get("add_incentive", True)),
            wish_penalties=tuple(Decimal(str(p)) for p in data.get("wish_penalties", ())),
            max_wishes=int(data.get("max_wishes", 3)),
        )

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "weights": {s: str(w) for s, w in self.weights.items()},
            "add_priority": self.add_priority,
            "add_incentive": self.add_incentive,
            "wish_penalties": [str(p) for p in self.wish_penalties],
            "max_wishes": self.max_wishes,
        }


# The key a school ranks an applicant by: higher is better. Equal keys are a true tie.
Key = tuple[Decimal, Decimal, Decimal, Decimal]


def rank_key(rules: AdmissionRules, applicant: Applicant, rank: int) -> Key:
    return (
        rules.score_at(applicant, rank),
        applicant.math,
        applicant.literature,
        applicant.english,
    )


class WishOutcome(StrEnum):
    ADMITTED = "admitted"
    BELOW_CUTOFF = "below_cutoff"  # score at this wish below the school's cut-off
    LOST_TIEBREAK = "lost_tiebreak"  # same score as the cut-off, lower Maths/Literature/English
    NOT_CONSIDERED = "not_considered"  # admitted to an earlier wish


@dataclass(frozen=True)
class WishExplanation:
    rank: int
    school_code: str
    score: Decimal  # the score the applicant competed with at this school
    cutoff: Decimal | None  # the school's cut-off score (None: it admitted nobody)
    outcome: WishOutcome


@dataclass(frozen=True)
class Placement:
    applicant_id: str
    school_code: str | None
    wish_rank: int | None
    score: Decimal  # the admission score (before wish penalties)
    wishes: tuple[WishExplanation, ...] = ()

    @property
    def admitted(self) -> bool:
        return self.school_code is not None


@dataclass(frozen=True)
class SchoolOutcome:
    code: str
    quota: int
    admitted: tuple[str, ...]  # applicant ids, best first
    cutoff: Decimal | None  # score of the last admitted applicant (điểm chuẩn)
    cutoff_key: Key | None

    @property
    def overrun(self) -> int:
        """Admitted beyond the quota because they were tied for the last place."""
        return max(0, len(self.admitted) - self.quota)


@dataclass(frozen=True)
class AdmissionResult:
    placements: dict[str, Placement]
    schools: dict[str, SchoolOutcome]

    def assignment(self) -> dict[str, tuple[str | None, int | None]]:
        return {a: (p.school_code, p.wish_rank) for a, p in self.placements.items()}

    def overruns(self) -> dict[str, int]:
        return {c: s.overrun for c, s in self.schools.items() if s.overrun}


class AdmissionInputError(ValueError):
    """The applicants or schools do not fit together (unknown school, duplicate wish…)."""


def check_input(
    schools: Iterable[School], applicants: Iterable[Applicant], rules: AdmissionRules
) -> None:
    codes = set()
    for s in schools:
        if s.code in codes:
            raise AdmissionInputError(f"duplicate school code {s.code}")
        if s.quota < 0:
            raise AdmissionInputError(f"negative quota at {s.code}")
        codes.add(s.code)
    seen = set()
    for a in applicants:
        if a.applicant_id in seen:
            raise AdmissionInputError(f"duplicate applicant {a.applicant_id}")
        seen.add(a.applicant_id)
        if len(a.wishes) > rules.max_wishes:
            raise AdmissionInputError(f"{a.applicant_id}: more than {rules.max_wishes} wishes")
        if len(set(a.wishes)) != len(a.wishes):
            raise AdmissionInputError(f"{a.applicant_id}: a school listed twice")
        for w in a.wishes:
            if w not in codes:
                raise AdmissionInputError(f"{a.applicant_id}: unknown school {w}")


def match(
    schools: Sequence[School], applicants: Sequence[Applicant], rules: AdmissionRules
) -> AdmissionResult:
    """Run deferred acceptance; see the module's docstring for the rules."""
    check_input(schools, applicants, rules)
    by_id = {a.applicant_id: a for a in applicants}
    quota = {s.code: s.quota for s in schools}
    # Each (applicant, wish) key once, then as its rank among all keys: the heaps compare
    # small integers instead of tuples of decimals (same order, same ties).
    base = {aid: rules.score(a) for aid, a in by_id.items()}
    keys = {
        aid: [
            (base[aid] - rules.penalty(k), a.math, a.literature, a.english)
            for k in range(1, len(a.wishes) + 1)
        ]
        for aid, a in by_id.items()
    }
    order = {key: i for i, key in enumerate(sorted({k for ks in keys.values() for k in ks}))}
    ranks = {aid: [order[k] for k in ks] for aid, ks in keys.items()}
    held: dict[str, list[tuple[int, str]]] = {s.code: [] for s in schools}  # min-heaps
    next_wish = dict.fromkeys(by_id, 0)
    # Proposals in a fixed order (by id) so that even the trace is reproducible.
    free = sorted(by_id, reverse=True)
    while free:
        aid = free.pop()
        k = next_wish[aid]
        wishes = by_id[aid].wishes
        if k >= len(wishes):
            continue
        next_wish[aid] = k + 1
        heap = held[wishes[k]]
        heapq.heappush(heap, (ranks[aid][k], aid))
        free.extend(_reject_below_last_place(heap, quota[wishes[k]]))
    final = {
        code: [(keys[aid][by_id[aid].wishes.index(code)], aid) for _, aid in heap]
        for code, heap in held.items()
    }
    return _result(schools, applicants, base, keys, final)


def _reject_below_last_place(heap: list[tuple[int, str]], quota: int) -> list[str]:
    """Drop the worst tied groups while the rest still fill the quota; return them."""
    rejected: list[str] = []
    while len(heap) > quota:
        worst = heap[0][0]
        group = []
        while heap and heap[0][0] == worst:
            group.append(heapq.heappop(heap))
        if len(heap) >= quota:
            rejected.extend(aid for _, aid in group)
        else:  # the group is tied for the last place: all of them stay
            for item in group:
                heapq.heappush(heap, item)
            break
    return rejected


def _result(schools, applicants, base, keys, held) -> AdmissionResult:
    outcomes: dict[str, SchoolOutcome] = {}
    where: dict[str, str] = {}
    for s in schools:
        # best first; truly tied applicants by id (a stable sort keeps the id order)
        by_id = sorted(held[s.code], key=lambda item: item[1])
        best_first = sorted(by_id, key=lambda item: item[0], reverse=True)
        for _, aid in best_first:
            where[aid] = s.code
        last = best_first[-1][0] if best_first else None
        outcomes[s.code] = SchoolOutcome(
            code=s.code,
            quota=s.quota,
            admitted=tuple(aid for _, aid in best_first),
            cutoff=last[0] if last else None,
            cutoff_key=last,
        )
    placements = {}
    for a in applicants:
        school = where.get(a.applicant_id)
        rank = a.wishes.index(school) + 1 if school else None
        placements[a.applicant_id] = Placement(
            applicant_id=a.applicant_id,
            school_code=school,
            wish_rank=rank,
            score=base[a.applicant_id],
            wishes=_explain(a, rank, keys[a.applicant_id], outcomes),
        )
    return AdmissionResult(placements=placements, schools=outcomes)


def _explain(a: Applicant, admitted_rank, keys, outcomes) -> tuple[WishExplanation, ...]:
    out = []
    for i, code in enumerate(a.wishes, start=1):
        key = keys[i - 1]
        school = outcomes[code]
        if admitted_rank is not None and i > admitted_rank:
            outcome = WishOutcome.NOT_CONSIDERED
        elif i == admitted_rank:
            outcome = WishOutcome.ADMITTED
        elif school.cutoff_key is not None and key[0] == school.cutoff_key[0]:
            outcome = WishOutcome.LOST_TIEBREAK
        else:
            outcome = WishOutcome.BELOW_CUTOFF
        out.append(WishExplanation(i, code, key[0], school.cutoff, outcome))
    return tuple(out)


@dataclass(frozen=True)
class Move:
    """An applicant whose placement changed between two runs (after appeals)."""

    applicant_id: str
    before: tuple[str | None, int | None]
    after: tuple[str | None, int | None]


def moves(before: AdmissionResult, after: AdmissionResult) -> list[Move]:
    """Who moved between two runs (phúc khảo: a changed score re-runs the matching)."""
    old, new = before.assignment(), after.assignment()
    return [
        Move(aid, old.get(aid, (None, None)), new[aid])
        for aid in sorted(new)
        if old.get(aid, (None, None)) != new[aid]
    ]
