"""A table as a download: CSV (UTF-8 with BOM, which Excel opens right) or XLSX.
People's text (names, notes) is never taken for a formula: plain text cells in CSV
(`core.cells`), cells typed as strings in XLSX."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import HttpResponse

from tinhso.core.cells import plain_row

FORMATS = ("csv", "xlsx")


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    return value if isinstance(value, int | float) or value is None else str(value)


def table_response(*, filename: str, columns: list, rows: list[list], fmt: str) -> HttpResponse:
    header = [str(c) for c in columns]
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=filename[:31])

        def typed(value):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl makes "=…" a formula otherwise
            return cell

        sheet.append([typed(v) for v in header])
        for row in rows:
            sheet.append([typed(_cell(v)) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(plain_row(header))
        writer.writerows(plain_row(_cell(v) for v in row) for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
