"""Cells of the CSV files people download and open in a spreadsheet (Excel,
LibreOffice): text that starts like a formula (`=`, `+`, `-`, `@`, a tab or a carriage
return) would be run as one ("CSV injection"). Such text gets a leading apostrophe,
which spreadsheets show as plain text (OWASP's advice); a number written as text
("-5", "+84912345678") cannot be a formula and is left as it is.

XLSX files need none of this: their strings are written as strings (see
`monitoring/exports.py`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def plain_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def plain_row(values: Iterable[Any]) -> list[Any]:
    return [plain_cell(v) for v in values]
