"""Importing population CSV files of any size: streamed, validated row by row,
resumable after a crash.

The file is read line by line from a byte offset. Every `CHUNK` lines, the good
rows are inserted and the checkpoint (byte offset, line, counters, length of the
error report) is saved in one transaction: a crash loses at most the chunk being
read, and `resume_import` starts again exactly there (the error report is cut
back to the length recorded with the checkpoint, so no line is reported twice).
Bad rows go to the error report (`line,record_id,reason`) and never stop the file.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.audit.services import record_event
from tinhso.core import jobs
from tinhso.core.cells import plain_row
from tinhso.core.errors import ValidationFailed
from tinhso.core.text import fold
from tinhso.geo.models import AdministrativeUnit, UnitLevel

from .error_codes import PopulationErrorCode
from .models import ImportBatch, SourceRecord
from .normalize import (
    INPUT_COLUMNS,
    OPTIONAL_COLUMNS,
    InvalidValue,
    normalize_personal_id,
    normalize_phone,
    parse_birth_date,
)
from .permissions import require_province_keeper

CHUNK = 5000
_SEX = {"male": "male", "nam": "male", "m": "male", "female": "female", "nữ": "female",
        "nu": "female", "f": "female"}  # fmt: skip


def imports_dir() -> Path:
    path = Path(settings.VAR_DIR) / "population"
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_header(path: str | Path) -> list[str]:
    """The file's columns, or ValidationFailed saying what is wrong with the file."""
    with Path(path).open("rb") as f:
        first = f.readline()
    if not first.strip():
        raise ValidationFailed(_("Tệp rỗng."), code=PopulationErrorCode.BAD_FILE)
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(
            _(
                "Tệp không ở mã UTF-8 (có thể là Windows-1258/TCVN3). "
                "Hãy lưu lại tệp dưới dạng CSV UTF-8 rồi nhập lại."
            ),
            code=PopulationErrorCode.BAD_ENCODING,
        ) from None
    header = [h.strip() for h in next(csv.reader([text]))]
    missing = [c for c in INPUT_COLUMNS if c not in header]
    unknown = [c for c in header if c not in INPUT_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("thiếu cột %(cols)s") % {"cols": ", ".join(missing)})
        if unknown:
            parts.append(_("cột không nhận biết %(cols)s") % {"cols": ", ".join(unknown)})
        raise ValidationFailed(
            _("Tệp không đúng cấu trúc: %(what)s. Các cột cần có: %(cols)s.")
            % {"what": "; ".join(parts), "cols": ", ".join(INPUT_COLUMNS)},
            code=PopulationErrorCode.BAD_COLUMNS,
        )
    return header


def start_import(*, actor, path: str | Path, file_name: str = "", run: bool = True) -> ImportBatch:
    """Check the file's columns and encoding up front, then import it as a
    background job (`run=False`: the caller runs it, as the CLI does)."""
    require_province_keeper(actor)
    path = Path(path)
    read_header(path)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            file_path=str(path),
            file_name=file_name or path.name,
            file_size=path.stat().st_size,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        batch.error_report = str(imports_dir() / f"import-{batch.pk}-errors.csv")
        if run:
            batch.job = jobs.enqueue(
                kind="population.import",
                actor=actor if getattr(actor, "pk", None) else None,
                params={"batch": batch.pk},
                total=max(1, batch.file_size),
            )
        batch.save(update_fields=["error_report", "job"])
        record_event(
            actor=actor,
            action="population.import_started",
            object_type="population.importbatch",
            object_id=batch.pk,
            after={"file": batch.file_name, "bytes": batch.file_size},
        )
    return batch


class _Rows:
    """Validates one row at a time; knows the wards and the record_ids seen."""

    def __init__(self, header: list[str]):
        self.header = header
        self.wards = set(
            AdministrativeUnit.objects.filter(level=UnitLevel.WARD).values_list("code", flat=True)
        )

    def parse(self, line_no: int, raw_line: bytes) -> tuple[dict | None, str, str]:
        """(fields for SourceRecord, record_id, reason); reason is empty when good."""
        try:
            text = raw_line.decode("utf-8")
        except UnicodeDecodeError:
            guess = raw_line.decode("cp1258", errors="replace").strip()[:60]
            return (
                None,
                "",
                _(
                    "Dòng không ở mã UTF-8 (có vẻ là Windows-1258: “%(text)s”); "
                    "lưu lại tệp dưới dạng UTF-8."
                )
                % {"text": guess},
            )
        try:
            values = next(csv.reader([text]))
        except (csv.Error, StopIteration):
            return None, "", _("Dòng không đọc được theo định dạng CSV.")
        if len(values) != len(self.header):
            return (
                None,
                "",
                _("Dòng có %(n)s cột, cần %(m)s.")
                % {
                    "n": len(values),
                    "m": len(self.header),
                },
            )
        row = {k: v.strip() for k, v in zip(self.header, values, strict=True)}
        record_id = row["record_id"]
        if not record_id:
            return None, "", _("Thiếu record_id.")
        if len(record_id) > 64:
            return None, record_id[:64], _("record_id dài quá 64 ký tự.")
        name = row["full_name"]
        if not name:
            return None, record_id, _("Thiếu họ và tên.")
        fields = {
            "record_id": record_id,
            "source": row["source"][:40],
            "line": line_no,
            "raw": row,
            "full_name": name[:150],
            "name_folded": fold(name)[:150],
            "address": row["address"][:300],
            **{c: row.get(c, "")[:n] for c, n in _OPTIONAL_LENGTHS.items()},
        }
        try:
            if row["date_of_birth"]:
                dob = parse_birth_date(row["date_of_birth"])
                fields["date_of_birth"] = dob.as_date()
                fields["dob_precision"] = dob.precision
            if row["personal_id"]:
                fields["personal_id"], _kind = normalize_personal_id(row["personal_id"])
            if row["phone"]:
                fields["phone"] = normalize_phone(row["phone"])
        except InvalidValue as exc:
            return None, record_id, str(exc)
        if row["sex"]:
            sex = _SEX.get(row["sex"].lower())
            if sex is None:
                return (
                    None,
                    record_id,
                    _("Giới tính “%(v)s” không rõ (Nam/Nữ).") % {"v": row["sex"][:10]},
                )
            fields["sex"] = sex
        if row["ward_code"]:
            code = row["ward_code"].zfill(5)
            if code not in self.wards:
                return None, record_id, _("Mã phường/xã %(code)s không có.") % {"code": code}
            fields["ward_id"] = code
        return fields, record_id, ""


def run_import(batch: ImportBatch, *, progress: Callable[[ImportBatch], None] | None = None,
               stop_after_chunks: int | None = None) -> ImportBatch:  # fmt: skip
    """Import from the batch's checkpoint to the end of the file. Safe to call again
    after a crash (`stop_after_chunks` simulates one in tests)."""
    batch.refresh_from_db()
    if batch.state == ImportBatch.State.DONE:
        return batch
    try:
        header = read_header(batch.file_path)
    except ValidationFailed as exc:
        batch.state, batch.message = ImportBatch.State.FAILED, str(exc.message)
        batch.finished_at = timezone.now()
        batch.save(update_fields=["state", "message", "finished_at"])
        return batch
    rows = _Rows(header)
    report = Path(batch.error_report)
    with report.open("ab") as r:
        r.truncate(batch.error_bytes)  # what the last checkpoint had: nothing twice
    chunks = 0
    with (
        Path(batch.file_path).open("rb") as f,
        report.open("a", newline="", encoding="utf-8") as out,
    ):
        errors = csv.writer(out)
        if batch.error_bytes == 0:
            errors.writerow(["line", "record_id", "reason"])
        offset = batch.byte_offset
        line_no = batch.lines_done
        if offset == 0:
            offset = len(f.readline())
            line_no = 1
        f.seek(offset)
        while True:
            good: list[dict] = []
            bad: list[tuple[int, str, str]] = []
            seen: set[str] = set()
            for _i in range(CHUNK):
                raw_line = f.readline()
                if not raw_line:
                    break
                offset += len(raw_line)
                line_no += 1
                if not raw_line.strip():
                    continue
                fields, record_id, reason = rows.parse(line_no, raw_line.rstrip(b"\r\n"))
                if fields is not None and record_id in seen:
                    fields, reason = (
                        None,
                        _("record_id %(id)s lặp lại trong tệp.") % {"id": record_id},
                    )
                if fields is None:
                    bad.append((line_no, record_id, reason))
                else:
                    seen.add(record_id)
                    good.append(fields)
            if not good and not bad:
                break
            _commit_chunk(batch, good, bad, errors, out, offset=offset, line_no=line_no)
            if progress:
                progress(batch)
            chunks += 1
            if stop_after_chunks is not None and chunks >= stop_after_chunks:
                return batch
    batch.state = ImportBatch.State.DONE
    batch.finished_at = timezone.now()
    with transaction.atomic():
        batch.save(update_fields=["state", "finished_at"])
        record_event(
            actor=batch.created_by,
            action="population.import_done",
            object_type="population.importbatch",
            object_id=batch.pk,
            after={"rows_ok": batch.rows_ok, "rows_bad": batch.rows_bad},
        )
    return batch


def _commit_chunk(batch, good, bad, errors, out, *, offset: int, line_no: int) -> None:
    existing = set(
        SourceRecord.objects.filter(record_id__in=[g["record_id"] for g in good]).values_list(
            "record_id", flat=True
        )
    )
    records = []
    for g in good:
        if g["record_id"] in existing:
            bad.append(
                (
                    g["line"],
                    g["record_id"],
                    _("record_id %(id)s đã có trong sổ.") % {"id": g["record_id"]},
                )
            )
        else:
            records.append(g)
    for line, record_id, reason in sorted(bad):
        errors.writerow(plain_row([line, record_id, reason]))  # opened in a spreadsheet
    out.flush()
    os.fsync(out.fileno())
    with transaction.atomic():
        _insert(batch, records)
        batch.byte_offset = offset
        batch.lines_done = line_no
        batch.rows_ok += len(records)
        batch.rows_bad += len(bad)
        batch.error_bytes = out.tell()
        batch.save(
            update_fields=["byte_offset", "lines_done", "rows_ok", "rows_bad", "error_bytes"]
        )
    if batch.job_id:
        from tinhso.core.models import Job

        Job.objects.filter(pk=batch.job_id).update(done=offset, failed=0)


_COLUMNS = ("record_id", "source", "batch_id", "line", "raw", "full_name", "name_folded",
            "date_of_birth", "dob_precision", "sex", "personal_id", "phone", "address",
            "ward_id", "imported_at", *OPTIONAL_COLUMNS)  # fmt: skip
_OPTIONAL_LENGTHS = {"birth_place": 150, "hometown": 150, "father_name": 150,
                     "mother_name": 150, "ethnicity": 60}  # fmt: skip


def _insert(batch: ImportBatch, records: list[dict]) -> None:
    """One prepared INSERT for the chunk (the ORM's bulk_create spends most of an
    import building SQL, value by value)."""
    if not records:
        return
    table = connection.ops.quote_name(SourceRecord._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"  # noqa: S608  # nosec B608: quoted identifiers from code, values bound
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    rows = []
    for r in records:
        dob = r.get("date_of_birth")
        rows.append((
            r["record_id"], r["source"], batch.pk, r["line"],
            json.dumps(r["raw"], ensure_ascii=False), r["full_name"], r["name_folded"],
            ops.adapt_datefield_value(dob) if dob else None,
            r.get("dob_precision", ""), r.get("sex", ""), r.get("personal_id", ""),
            r.get("phone", ""), r["address"], r.get("ward_id"),
            now, *(r.get(c, "") for c in OPTIONAL_COLUMNS),
        ))  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def error_report_text(batch: ImportBatch, *, limit: int = 200) -> list[list[str]]:
    """The first lines of the error report, for the page."""
    path = Path(batch.error_report)
    if not batch.error_report or not path.exists():
        return []
    with path.open(encoding="utf-8") as f:
        reader = csv.reader(io.StringIO(f.read(200_000)))
        next(reader, None)
        return [row for _i, row in zip(range(limit), reader, strict=False)]
