"""The service index of Decision 766/QĐ-TTg: the points of each component and the
score, from an agency's (or a unit's) counts. Each component is a ratio in [0, 1] ×
its points; a component with nothing to measure is not applicable and its points go
to the other components of its group; a group with nothing to measure is left out
and the score is rescaled to 100. Reading the counts is `selectors`' job."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import IndicatorComponent


@dataclass
class ComponentValue:
    points: Decimal | None  # None: not applicable
    max: Decimal
    value: float | None  # the ratio
    numerator: int = 0
    denominator: int = 0


FORMULAS = {
    "procedures_complete": lambda d, p: p,
    "resolved_on_time": lambda d, p: (d.get("on_time", 0), d.get("resolved", 0)),
    "filed_online": lambda d, p: (d.get("online", 0), d.get("submitted", 0)),
    "paid_online": lambda d, p: (d.get("paid", 0), d.get("with_fee", 0)),
    "digitized_at_receipt": lambda d, p: (d.get("digitized", 0), d.get("received", 0)),
    "reused_documents": lambda d, p: (d.get("reused", 0), d.get("received", 0)),
    "results_issued_electronically": lambda d, p: (d.get("e_results", 0), d.get("resolved", 0)),
    "rated_satisfied": lambda d, p: (d.get("satisfied", 0), d.get("rated", 0)),
    # Citizen feedback (feedback.selectors.answered_counts_by_agency_month).
    "feedback_answered_on_time": lambda d, p: (
        d.get("feedback_on_time", 0),
        d.get("feedback_answered", 0),
    ),
}

TWO = Decimal("0.01")


def score_of(d: dict, p: tuple[int, int], components) -> tuple[Decimal, dict[str, ComponentValue]]:
    """Points of each component from the counts `d` and procedures `p`; the score out of
    100 over the groups that had something to measure."""
    values: dict[str, ComponentValue] = {}
    for c in components:
        num, den = FORMULAS[c.formula](d, p)
        ratio = (num / den) if den else None
        values[c.code] = ComponentValue(None, c.max_points, ratio, num, den)
    groups: dict[int, list[IndicatorComponent]] = {}
    for c in components:
        groups.setdefault(c.group, []).append(c)
    score = Decimal(0)
    counted_max = Decimal(0)
    for members in groups.values():
        applicable = [c for c in members if values[c.code].value is not None]
        if not applicable:
            continue
        group_max = sum((c.max_points for c in members), Decimal(0))
        weight = sum((c.max_points for c in applicable), Decimal(0))
        for c in applicable:
            share = group_max * c.max_points / weight  # redistributed within the group
            points = (share * Decimal(str(values[c.code].value))).quantize(TWO, ROUND_HALF_UP)
            values[c.code].points = points
            values[c.code].max = share.quantize(TWO, ROUND_HALF_UP)
            score += points
        counted_max += group_max
    total = (score * 100 / counted_max).quantize(TWO, ROUND_HALF_UP) if counted_max else Decimal(0)
    return total, values
