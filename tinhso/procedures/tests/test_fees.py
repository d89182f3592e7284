"""Fees computed from the form (fees.py): the rules as data on the procedure version,
checked against the circulars that set them."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.procedures.fees import fee_for, quote, units_price
from tinhso.procedures.schema import FeeRule, ProcedureDefinition
from tinhso.procedures.services import DATA_FILE, parse_definition

DAY = datetime.date(2026, 2, 26)


def _catalogue(code: str) -> ProcedureDefinition:
    import json

    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return parse_definition(next(p for p in raw["procedures"] if p["code"] == code))


def _circular_226(pages: int) -> int:
    """Circular 226/2016/TT-BTC, Art. 4: 2,000 đồng/page for pages 1–2, 1,000 đồng
    from the third, at most 200,000 đồng a copy."""
    return min(2000 * min(pages, 2) + 1000 * max(pages - 2, 0), 200_000)


@pytest.mark.parametrize(
    ("pages", "copies", "amount"),
    [(1, 1, 2000), (2, 1, 4000), (3, 1, 5000), (10, 2, 24000), (198, 1, 200_000),
     (500, 3, 600_000)],
)  # fmt: skip
def test_certifying_copies_costs_by_page_with_the_decreasing_step_and_the_cap(
    pages, copies, amount
):
    definition = _catalogue("2.000815")
    assert quote(definition, {"so_trang": pages, "so_ban_sao": copies}).amount == amount


@given(st.integers(0, 2000), st.integers(1, 50))
def test_the_certification_fee_is_circular_226s_formula(pages, copies):
    definition = _catalogue("2.000815")
    data = {"so_trang": pages, "so_ban_sao": copies}
    assert quote(definition, data).amount == _circular_226(pages) * copies


def test_copies_of_an_extract_cost_per_copy():
    definition = _catalogue("2.000635")
    assert quote(definition, {"so_luong_ban_sao": 3}).amount == 24000


def test_a_judicial_record_costs_more_from_the_third_certificate():
    definition = _catalogue("3.000333")
    assert quote(definition, {"so_luong_phieu": 1}).amount == 200_000
    assert quote(definition, {"so_luong_phieu": 2}).amount == 200_000
    assert quote(definition, {"so_luong_phieu": 4}).amount == 210_000


def test_an_exemption_waives_the_fee_with_its_reason():
    definition = ProcedureDefinition.model_validate(
        {
            "code": "9.000009",
            "name": "Đăng ký khai sinh (thử)",
            "sector": "x",
            "agency": "STP",
            "level": "province",
            "online_level": "full",
            "processing_days": 1,
            "fee": 0,
            "fields": [{"name": "ngay_sinh_tre", "label": "Ngày sinh", "type": "date"}],
            "fee_rule": {
                "base": 5000,
                "exemptions": [
                    {"field": "ngay_sinh_tre", "within_days": 60, "reason": "Đăng ký đúng hạn"}
                ],
            },
        }
    )
    on_time = quote(definition, {"ngay_sinh_tre": "2026-01-10"}, on=DAY)
    assert (on_time.amount, on_time.exemption) == (0, "Đăng ký đúng hạn")
    late = quote(definition, {"ngay_sinh_tre": "2025-10-01"}, on=DAY)
    assert late.amount == 5000 and not late.exemption


def test_tiers_must_go_up_and_name_what_they_count():
    with pytest.raises(ValueError):
        FeeRule.model_validate({"per": "x", "tiers": [{"price": 1}, {"upto": 2, "price": 2}]})
    with pytest.raises(ValueError):
        FeeRule.model_validate({"tiers": [{"price": 1}]})
    assert units_price(FeeRule(per="x", tiers=[{"upto": 2, "price": 3}, {"price": 1}]), 5) == 9


def test_without_a_rule_the_flat_fee(db):
    from tinhso.procedures import selectors

    version = selectors.current_version(selectors.procedure("9.000001"))
    assert fee_for(version, {}) == 135000
