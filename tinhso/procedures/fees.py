"""The fee a dossier owes, computed from its form under the procedure version's fee
rule (schema.FeeRule): one function, `fee_for`, used by the dossier at submission
(the amount is stored on it), its receipt and its payment.

The shapes the rules take come from the fee circulars, for example:

- certification of copies (Circular 226/2016/TT-BTC, Art. 4): 2,000 đồng per page
  of the original for the first two pages, 1,000 đồng per page from the third, at
  most 200,000 đồng per copy — `per` the pages, two tiers, `cap`, times the copies;
- a copy of a civil-status extract (Circular 281/2016/TT-BTC): 8,000 đồng per copy;
- a judicial-record certificate (Circular 244/2016/TT-BTC): 200,000 đồng a request,
  5,000 đồng more for each certificate from the third — `base` and two tiers;
- birth registration on time (Law on Civil Status 2014, Art. 11): no fee — an
  exemption on the date of birth.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from .schema import FeeExemption, FeeRule, ProcedureDefinition
from .selectors import definition_of


@dataclass(frozen=True)
class FeeQuote:
    amount: int  # VND
    lines: list[str] = field(default_factory=list)  # how it was reached, in Vietnamese
    exemption: str = ""  # the reason no fee is due, when one applies


def _count(data: dict[str, Any], name: str | None, default: int) -> int:
    if not name:
        return default
    value = data.get(name)
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return default
    return max(number, 0)


def _exempt(rule: FeeExemption, data: dict[str, Any], on: datetime.date) -> bool:
    value = data.get(rule.field)
    if rule.within_days is not None:
        try:
            day = datetime.date.fromisoformat(str(value)[:10])
        except ValueError:
            return False
        return 0 <= (on - day).days <= rule.within_days
    if rule.equals is not None:
        return value == rule.equals
    return bool(value)


def units_price(rule: FeeRule, units: int) -> int:
    """The price of `units` (pages, copies…) through the tiers, before the cap."""
    total, counted = 0, 0
    for tier in rule.tiers:
        upto = units if tier.upto is None else min(units, tier.upto)
        if upto > counted:
            total += (upto - counted) * tier.price
            counted = upto
    return total


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def quote(
    definition: ProcedureDefinition, data: dict[str, Any], *, on: datetime.date | None = None
) -> FeeQuote:
    """The fee for `data` under `definition` on the filing day `on`, with how it was
    reached. Without a fee rule: the flat fee."""
    rule = definition.fee_rule
    if rule is None:
        return FeeQuote(definition.fee)
    on = on or datetime.date.today()
    for exemption in rule.exemptions:
        if _exempt(exemption, data, on):
            return FeeQuote(0, [exemption.reason], exemption.reason)
    units = _count(data, rule.per, 0)
    per_copy = units_price(rule, units)
    lines = []
    if rule.per:
        lines.append(f"{units} × theo biểu mức: {_vnd(per_copy)}")
    if rule.cap is not None and per_copy > rule.cap:
        per_copy = rule.cap
        lines.append(f"tối đa {_vnd(rule.cap)}/bản")
    copies = _count(data, rule.copies, 1)
    if rule.copies:
        lines.append(f"× {copies} bản")
    amount = rule.base + per_copy * copies
    if rule.base:
        lines.insert(0, f"mức thu {_vnd(rule.base)}")
    if rule.source:
        lines.append(f"({rule.source})")
    return FeeQuote(amount, lines)


def fee_for(version, data: dict[str, Any], *, on: datetime.date | None = None) -> int:
    """The fee (VND) a dossier filed under procedure `version` with the answers
    `data` owes on the filing day `on` (default today)."""
    return quote(definition_of(version), data, on=on).amount
