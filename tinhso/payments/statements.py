"""Reading a bank statement: the canonical CSV of CONTRACT.md, or a bank's own export
through a column mapping kept as data (data/statement_formats.csv)."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from tinhso.core.errors import ValidationFailed

from .error_codes import PaymentsErrorCode

FORMATS_FILE = Path(__file__).resolve().parent / "data" / "statement_formats.csv"
COLUMNS = ("transaction_date", "bank_reference", "amount", "description")
MAX_AMOUNT = 10**15  # đồng; far above any fee, far below the column's 2**63
MAX_REFERENCE = 60  # StatementLine.bank_reference


@dataclass(frozen=True)
class StatementFormat:
    name: str
    columns: dict[str, str]  # our column → the bank's header
    date_format: str
    encoding: str
    delimiter: str


@dataclass(frozen=True)
class Credit:
    transaction_date: datetime.date
    bank_reference: str
    amount: int
    description: str


def formats() -> dict[str, StatementFormat]:
    with FORMATS_FILE.open(encoding="utf-8") as f:
        return {
            row["format"]: StatementFormat(
                name=row["format"],
                columns={c: row[c] for c in COLUMNS},
                date_format=row["date_format"],
                encoding=row["encoding"],
                delimiter=row["delimiter"],
            )
            for row in csv.DictReader(f)
        }


def _bad(message: str) -> ValidationFailed:
    return ValidationFailed(message, code=PaymentsErrorCode.BAD_STATEMENT)


def parse_amount(text: str) -> int:
    """Whole đồng from "150000", "150.000", "150,000", "150,000.00" or "150.000,00"."""
    raw = re.sub(r"[\s₫]|VND|đ", "", (text or "").strip(), flags=re.IGNORECASE)
    match = re.fullmatch(r"(\d[\d.,]*?)(?:[.,](\d{1,2}))?", raw)
    if not raw or match is None:
        raise ValueError(text)
    whole, cents = match.group(1), match.group(2)
    if cents is not None and re.fullmatch(r"\d{1,3}([.,]\d{3})*", whole) is None:
        raise ValueError(text)
    if cents and int(cents):
        raise ValueError(text)  # VND has no subunit in use
    if not re.fullmatch(r"\d{1,3}([.,]\d{3})*|\d+", whole):
        raise ValueError(text)
    return int(re.sub(r"[.,]", "", whole))


def _detect(header: list[str], wanted: str | None) -> StatementFormat:
    known = formats()
    if wanted:
        if wanted not in known:
            raise _bad(_("Không có mẫu sao kê “%(name)s”.") % {"name": wanted})
        candidates = [known[wanted]]
    else:
        candidates = list(known.values())
    names = {h.strip() for h in header}
    for fmt in candidates:
        if set(fmt.columns.values()) <= names:
            return fmt
    raise _bad(
        _("Không nhận ra các cột của sao kê (cần: %(cols)s).") % {"cols": ", ".join(COLUMNS)}
    )


def read(content: bytes, *, format_name: str | None = None) -> list[Credit]:
    """The credits of a statement, in order; a row that cannot be read refuses the file
    (nothing imported), naming its line."""
    try:
        text = content.decode("utf-8-sig", errors="strict") if content else ""
    except UnicodeDecodeError as exc:
        raise _bad(_("Sao kê phải là tệp CSV mã UTF-8.")) from exc
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    fmt = _detect(list(reader.fieldnames or []), format_name)
    credits: list[Credit] = []
    try:
        for number, row in enumerate(reader, start=2):
            if (credit := _credit(number, row, fmt)) is not None:
                credits.append(credit)
    except csv.Error as exc:  # a cell beyond the reader's limit, a broken quote
        raise _bad(_("Sao kê không đọc được: có ô quá dài hoặc sai định dạng.")) from exc
    return credits


def _credit(number: int, row: dict, fmt) -> Credit | None:
    row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
    get = {ours: row.get(theirs, "") for ours, theirs in fmt.columns.items()}
    if not get["amount"] or get["amount"] in {"0", "-"}:
        return None  # a debit line in a bank's export
    try:
        day = datetime.datetime.strptime(get["transaction_date"][:10], fmt.date_format)
        amount = parse_amount(get["amount"])
    except ValueError as exc:
        raise _bad(_("Dòng %(n)s của sao kê không đọc được.") % {"n": number}) from exc
    if amount > MAX_AMOUNT or len(get["bank_reference"]) > MAX_REFERENCE:
        # what the line's columns cannot hold: refused here, not in the job
        raise _bad(_("Dòng %(n)s của sao kê không đọc được.") % {"n": number})
    if not get["bank_reference"]:
        raise _bad(_("Dòng %(n)s thiếu số tham chiếu giao dịch.") % {"n": number})
    return Credit(day.date(), get["bank_reference"], amount, get["description"])
