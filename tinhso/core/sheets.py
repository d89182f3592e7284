"""Rows of the spreadsheets people keep (XLSX from Excel or LibreOffice, or CSV in
UTF-8 with commas or semicolons), as dicts keyed by the header's folded words
("Mã định danh" → "ma dinh danh"), so a column is found however it was typed. Empty
rows are skipped; each row keeps its line number in the file for error reports."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from typing import Any

from .text import fold

MAX_ROWS = 20_000


class SheetError(ValueError):
    """The file is not a spreadsheet we can read (the message says why, in Vietnamese)."""


@dataclass(frozen=True)
class SheetRow:
    line: int
    values: dict[str, Any]


def header_key(text: Any) -> str:
    return " ".join(fold(str(text or "")).split())


def read_rows(content: bytes, *, filename: str, max_rows: int = MAX_ROWS) -> list[SheetRow]:
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        raw = _xlsx(content)
    else:
        raw = _csv(content)
    header: list[str] | None = None
    rows: list[SheetRow] = []
    for line, values in raw:
        if not any(str(v).strip() for v in values if v is not None):
            continue
        if header is None:
            header = [header_key(v) for v in values]
            continue
        if len(rows) >= max_rows:
            raise SheetError(f"Tệp có quá {max_rows} dòng; hãy chia thành nhiều tệp.")
        padded = list(values) + [None] * (len(header) - len(values))
        rows.append(
            SheetRow(line, {k: _clean(v) for k, v in zip(header, padded, strict=False) if k})
        )
    if header is None:
        raise SheetError("Tệp không có dòng tiêu đề.")
    return rows


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def _xlsx(content: bytes):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise SheetError("Không đọc được tệp Excel (.xlsx).") from exc
    sheet = book.worksheets[0]
    for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
        yield number, list(row)
    book.close()


def _csv(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError("Tệp CSV phải được lưu với bảng mã UTF-8.") from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        yield from enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)
    except csv.Error as exc:  # a cell beyond the reader's limit, a broken quote
        raise SheetError("Không đọc được tệp CSV: có ô quá dài hoặc sai định dạng.") from exc
