"""Bulk import of a school's pupils from the spreadsheet schools keep (XLSX or CSV):
columns "Mã định danh", "Họ và tên", "Ngày sinh" (dd/mm/yyyy) and "Lớp" (the class's
name this year). All or nothing: when any row is wrong nothing is imported and every
wrong row is reported with its line number, so the school fixes the file and sends it
again. Each pupil goes through `enrol_pupil` (the registry's match, the audit)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.core.errors import ValidationFailed
from tinhso.core.identity import parse_personal_id
from tinhso.core.sheets import SheetError, read_rows

from .error_codes import EducationErrorCode
from .models import School, SchoolClass, SchoolYear
from .services import enrol_pupil, require_principal

COLUMNS = {
    "personal_id": ("ma dinh danh", "so dinh danh", "ma dinh danh ca nhan", "so cccd", "cccd"),
    "full_name": ("ho va ten", "ho ten", "ten hoc sinh"),
    "date_of_birth": ("ngay sinh",),
    "class_name": ("lop",),
}


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _column(values: dict, name: str):
    for key in COLUMNS[name]:
        if key in values:
            return values[key]
    return None


def _date(value) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def import_pupils(
    *, actor, school: School, year: SchoolYear, content: bytes, filename: str
) -> ImportReport:
    require_principal(actor, school)
    try:
        rows = read_rows(content, filename=filename)
    except SheetError as exc:
        raise ValidationFailed(str(exc), code=EducationErrorCode.BAD_IMPORT) from exc
    if rows and (
        _column(rows[0].values, "personal_id") is None
        or _column(rows[0].values, "full_name") is None
    ):
        raise ValidationFailed(
            _("Tệp cần các cột: Mã định danh, Họ và tên, Ngày sinh, Lớp."),
            code=EducationErrorCode.BAD_IMPORT,
        )
    classes = {c.name.casefold(): c for c in SchoolClass.objects.filter(school=school, year=year)}
    report = ImportReport()
    good: list[tuple[str, str, datetime.date, SchoolClass | None]] = []
    seen: dict[str, int] = {}
    for row in rows:
        problems = []
        personal_id = str(_column(row.values, "personal_id") or "").strip()
        if personal_id.isdigit() and len(personal_id) == 11:
            personal_id = "0" + personal_id  # a spreadsheet dropped the leading zero
        name = " ".join(str(_column(row.values, "full_name") or "").split())
        try:
            born = _date(_column(row.values, "date_of_birth"))
        except ValueError:
            born = None
            problems.append(_("ngày sinh phải có dạng ngày/tháng/năm, ví dụ 02/09/2013"))
        if not name:
            problems.append(_("thiếu họ và tên"))
        try:
            parse_personal_id(personal_id, birth_year=born.year if born else None)
        except ValueError:
            problems.append(_("mã định danh “%(id)s” không hợp lệ") % {"id": personal_id})
        if personal_id in seen:
            problems.append(_("mã định danh trùng với dòng %(line)d") % {"line": seen[personal_id]})
        seen.setdefault(personal_id, row.line)
        class_name = str(_column(row.values, "class_name") or "").strip()
        school_class = classes.get(class_name.casefold()) if class_name else None
        if class_name and school_class is None:
            problems.append(
                _("không có lớp “%(name)s” trong năm học %(year)s")
                % {"name": class_name, "year": year}
            )
        if problems:
            report.errors.append((row.line, "; ".join(problems)))
        elif born is not None:
            good.append((personal_id, name, born, school_class))
    if report.errors or not good:
        if not good and not report.errors:
            report.errors.append((0, _("Tệp không có dòng học sinh nào.")))
        return report
    with transaction.atomic():
        for personal_id, name, born, school_class in good:
            enrol_pupil(
                actor=actor, school=school, personal_id=personal_id, full_name=name,
                date_of_birth=born, school_class=school_class,
            )  # fmt: skip
            report.imported += 1
    return report
