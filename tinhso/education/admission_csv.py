"""The admission files other systems exchange with `tinhso admission` (CONTRACT.md).

schools:    school_code,name,quota
applicants: applicant_id,math,literature,english,priority,incentive,wish1,wish2,wish3
output:     applicant_id,school_code,wish_rank,score   (one row per applicant, input order)

Every error names the file and its line (the header is line 1) and nothing is written.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from .admission import AdmissionResult, AdmissionRules, Applicant, School

SCHOOL_COLUMNS = ("school_code", "name", "quota")
APPLICANT_COLUMNS = (
    "applicant_id",
    "math",
    "literature",
    "english",
    "priority",
    "incentive",
    "wish1",
    "wish2",
    "wish3",
)
OUTPUT_COLUMNS = ("applicant_id", "school_code", "wish_rank", "score")
STEP = Decimal("0.25")
MAX_EXAM_SCORE = Decimal(10)


class AdmissionFileError(ValueError):
    """A row that cannot be read; the message names the file and the line."""


def _rows(path: str | Path, columns: tuple[str, ...]) -> Iterable[tuple[int, dict]]:
    name = Path(path).name
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise AdmissionFileError(
            _("%(file)s: không đọc được tệp (%(error)s).") % {"file": name, "error": exc}
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise AdmissionFileError(
            _("%(file)s, dòng 1: thiếu cột %(columns)s.")
            % {"file": name, "columns": ", ".join(missing)}
        )
    for row in reader:
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # a blank line
        yield reader.line_num, {c: (row.get(c) or "").strip() for c in columns}


def _where(path, line: int) -> str:
    return _("%(file)s, dòng %(line)d") % {"file": Path(path).name, "line": line}


def _points(path, line: int, column: str, value: str, *, maximum: Decimal | None) -> Decimal:
    if value == "" and column in ("priority", "incentive"):
        return Decimal(0)
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise AdmissionFileError(
            _("%(where)s: %(column)s “%(value)s” không phải là số.")
            % {"where": _where(path, line), "column": column, "value": value}
        )
    if number < 0 or (maximum is not None and number > maximum):
        raise AdmissionFileError(
            _("%(where)s: %(column)s “%(value)s” nằm ngoài thang điểm.")
            % {"where": _where(path, line), "column": column, "value": value}
        )
    if number % STEP:
        raise AdmissionFileError(
            _("%(where)s: %(column)s “%(value)s” không theo bước 0,25 điểm.")
            % {"where": _where(path, line), "column": column, "value": value}
        )
    return number


def read_schools(path: str | Path) -> list[School]:
    schools: list[School] = []
    seen: set[str] = set()
    for line, row in _rows(path, SCHOOL_COLUMNS):
        code = row["school_code"]
        if not code:
            raise AdmissionFileError(
                _("%(where)s: thiếu mã trường.") % {"where": _where(path, line)}
            )
        if code in seen:
            raise AdmissionFileError(
                _("%(where)s: mã trường %(code)s bị lặp.")
                % {"where": _where(path, line), "code": code}
            )
        quota = row["quota"]
        if not quota.isdigit():
            raise AdmissionFileError(
                _("%(where)s: chỉ tiêu “%(value)s” phải là số nguyên không âm.")
                % {"where": _where(path, line), "value": quota}
            )
        seen.add(code)
        schools.append(School(code=code, name=row["name"], quota=int(quota)))
    return schools


def read_applicants(
    path: str | Path, schools: Iterable[School], rules: AdmissionRules | None = None
) -> list[Applicant]:
    rules = rules or AdmissionRules()
    codes = {s.code for s in schools}
    applicants: list[Applicant] = []
    seen: set[str] = set()
    for line, row in _rows(path, APPLICANT_COLUMNS):
        applicants.append(_applicant(path, line, row, codes, seen, rules))
    return applicants


def _applicant(path, line, row, codes, seen, rules) -> Applicant:
    aid = row["applicant_id"]
    if not aid:
        raise AdmissionFileError(_("%(where)s: thiếu số báo danh.") % {"where": _where(path, line)})
    if aid in seen:
        raise AdmissionFileError(
            _("%(where)s: số báo danh %(id)s bị lặp.") % {"where": _where(path, line), "id": aid}
        )
    seen.add(aid)
    scores = {
        c: _points(path, line, c, row[c], maximum=MAX_EXAM_SCORE)
        for c in ("math", "literature", "english")
    }
    bonus = {c: _points(path, line, c, row[c], maximum=None) for c in ("priority", "incentive")}
    raw = [row["wish1"], row["wish2"], row["wish3"]][: rules.max_wishes]
    while raw and not raw[-1]:
        raw.pop()
    if not raw:
        raise AdmissionFileError(
            _("%(where)s: chưa có nguyện vọng 1.") % {"where": _where(path, line)}
        )
    for rank, code in enumerate(raw, start=1):
        if not code:
            raise AdmissionFileError(
                _("%(where)s: nguyện vọng %(rank)d bị bỏ trống trong khi có nguyện vọng sau.")
                % {"where": _where(path, line), "rank": rank}
            )
        if code not in codes:
            raise AdmissionFileError(
                _("%(where)s: nguyện vọng %(rank)d có mã trường không có: %(code)s.")
                % {"where": _where(path, line), "rank": rank, "code": code}
            )
    if len(set(raw)) != len(raw):
        raise AdmissionFileError(
            _("%(where)s: một trường được đăng ký hai lần.") % {"where": _where(path, line)}
        )
    return Applicant(applicant_id=aid, wishes=tuple(raw), **scores, **bonus)


def format_score(score: Decimal) -> str:
    return f"{score:.2f}"


def write_result(
    path: str | Path, applicants: Iterable[Applicant], result: AdmissionResult
) -> None:
    """One row per applicant, in the input's order; written whole or not at all."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=".admission-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(OUTPUT_COLUMNS)
            for a in applicants:
                p = result.placements[a.applicant_id]
                writer.writerow(
                    [
                        a.applicant_id,
                        p.school_code or "",
                        p.wish_rank or "",
                        format_score(p.score),
                    ]
                )
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
