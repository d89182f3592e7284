"""The layout rules of Decree 30/2020/NĐ-CP, Appendix I, as the slips and results use
them."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.core.document_layout import (
    date_words,
    issuing_lines,
    number_line,
    place_date_line,
    place_name,
    signature_titles,
)


def test_the_place_and_date_line_has_leading_zeros_where_the_decree_wants_them():
    assert place_date_line("Quảng Ninh", datetime.date(2026, 2, 26)) == (
        "Quảng Ninh, ngày 26 tháng 02 năm 2026"
    )
    assert date_words(datetime.date(2026, 3, 5)) == "ngày 05 tháng 3 năm 2026"
    assert date_words(datetime.date(2026, 1, 9)) == "ngày 09 tháng 01 năm 2026"
    assert date_words(datetime.date(2026, 12, 31)) == "ngày 31 tháng 12 năm 2026"


@given(st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_the_date_words_read_back_to_the_date(day):
    words = date_words(day).split()
    assert (int(words[1]), int(words[3]), int(words[5])) == (day.day, day.month, day.year)
    assert len(words[1]) == 2 and (len(words[3]) == 2) == (day.month <= 2 or day.month >= 10)
    assert ":" not in place_date_line("Quảng Ninh", day)  # never a clock time


@pytest.mark.parametrize(
    ("unit", "place"),
    [
        ("Quảng Ninh", "Quảng Ninh"),
        ("Tỉnh Quảng Ninh", "Quảng Ninh"),
        ("Thành phố Hà Nội", "Hà Nội"),
        ("Phường Hạ Long", "Hạ Long"),
        ("Đặc khu Vân Đồn", "Vân Đồn"),
        ("Phường 5", "Phường 5"),
    ],
)
def test_the_place_is_the_units_proper_name(unit, place):
    assert place_name(unit) == place


def test_numbers_below_ten_have_a_leading_zero():
    assert number_line(12, kind="GCN", agency="STP") == "Số: 12/GCN-STP"
    assert number_line(3, kind="GP", agency="UBND") == "Số: 03/GP-UBND"
    assert number_line(120, kind="", agency="TTPVHCC") == "Số: 120/TTPVHCC"


def test_the_province_is_named_once_in_the_issuing_lines():
    assert issuing_lines(
        parent_name="Ủy ban nhân dân tỉnh Quảng Ninh",
        agency_name="Sở Tư pháp tỉnh Quảng Ninh",
        province="Quảng Ninh",
    ) == ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH", "SỞ TƯ PHÁP")
    # a committee has no superior line and keeps its whole name
    assert issuing_lines(
        parent_name="", agency_name="Ủy ban nhân dân phường Hạ Long", province="Quảng Ninh"
    ) == ("", "ỦY BAN NHÂN DÂN PHƯỜNG HẠ LONG")


@pytest.mark.parametrize(
    ("position", "head", "lines"),
    [
        ("Phó Giám đốc", "Giám đốc", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
        ("Chủ tịch", "Chủ tịch", ["CHỦ TỊCH"]),
        ("PHÓ CHỦ TỊCH", "CHỦ TỊCH", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
        ("", "GIÁM ĐỐC", []),  # no title on record: none invented
    ],
)
def test_a_deputy_signs_for_the_head(position, head, lines):
    assert signature_titles(position_title=position, head_title=head) == lines
