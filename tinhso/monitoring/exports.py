"""A table as a download: CSV (UTF-8 with BOM, which Excel opens right) or XLSX."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import HttpResponse

FORMATS = ("csv", "xlsx")


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    return value if isinstance(value, int | float) or value is None else str(value)


def table_response(*, filename: str, columns: list, rows: list[list], fmt: str) -> HttpResponse:
    header = [str(c) for c in columns]
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=filename[:31])
        sheet.append(header)
        for row in rows:
            sheet.append([_cell(v) for v in row])
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
        writer.writerow(header)
        writer.writerows([_cell(v) for v in row] for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
