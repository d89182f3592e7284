"""Importing CSV files: bad input gets a clear message per row, good rows are kept,
a crash resumes where it stopped."""

import csv
import unicodedata

import pytest

from tinhso.audit.models import AuditEvent
from tinhso.core.errors import PermissionDenied, ValidationFailed
from tinhso.population import importing
from tinhso.population.models import DatePrecision, ImportBatch, SourceRecord

from .conftest import row

pytestmark = pytest.mark.django_db


def _cp1258(text: str) -> bytes:
    """How Windows-1258 writes Vietnamese: precomposed where it has the letter, else
    the base letter and a combining tone mark."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", decomposed[:-1])
            out += base.encode("cp1258") + decomposed[-1].encode("cp1258")
    return out


def _report(batch):
    with open(batch.error_report, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_a_file_with_wrong_columns_is_refused_up_front_naming_them(write_csv, registry_officer):
    path = write_csv([{"record_id": "1"}], columns=("record_id", "ho_ten", "ngay_sinh"))
    with pytest.raises(ValidationFailed) as exc:
        importing.start_import(actor=registry_officer, path=path)
    message = str(exc.value.message)
    assert "full_name" in message and "ho_ten" in message
    assert not ImportBatch.objects.exists()


def test_a_file_not_in_utf8_is_refused_with_the_reason(tmp_path, registry_officer):
    path = tmp_path / "cp1258.csv"
    path.write_bytes(_cp1258(",".join(["mã"] + ["x"] * 8)) + b"\n")
    with pytest.raises(ValidationFailed, match="UTF-8"):
        importing.start_import(actor=registry_officer, path=path)


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """start_import, with its background job run at commit as in production."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            batch = importing.start_import(**kwargs)
        batch.refresh_from_db()
        return batch

    return run


def test_bad_rows_are_reported_with_line_and_reason_and_good_rows_kept(
    write_csv, start, registry_officer
):
    path = write_csv(
        [
            row("A1", dob="12/05/1990"),
            row("A2", dob="1990-05-12"),
            row("A3", dob="1990"),
            row("A4", dob="05/1990"),
            row("B1", dob="31/02/1990"),
            row("B2", personal_id="12345"),
            row("B3", name=""),
            row("A1", name="Trần Thị Bình"),  # record_id seen above
            row("B4", phone="12"),
            row("B5", ward_code="99999"),
            row("A5", personal_id="022 190 012 345", phone="+84 912 345 678"),
        ]
    )
    batch = start(actor=registry_officer, path=path)
    assert batch.state == ImportBatch.State.DONE
    assert batch.job.state == "done" and batch.job.done == batch.file_size
    assert (batch.rows_ok, batch.rows_bad) == (5, 6)
    report = {r["line"]: r for r in _report(batch)}
    assert set(report) == {"6", "7", "8", "9", "10", "11"}
    assert "không có trên lịch" in report["6"]["reason"]
    assert "5 chữ số" in report["7"]["reason"]
    assert "họ và tên" in report["8"]["reason"]
    assert "lặp lại" in report["9"]["reason"] and report["9"]["record_id"] == "A1"
    assert "điện thoại" in report["10"]["reason"]
    assert "99999" in report["11"]["reason"]
    precisions = dict(SourceRecord.objects.values_list("record_id", "dob_precision"))
    assert precisions == {"A1": DatePrecision.FULL, "A2": DatePrecision.FULL,
                          "A3": DatePrecision.YEAR, "A4": DatePrecision.MONTH,
                          "A5": DatePrecision.FULL}  # fmt: skip
    a5 = SourceRecord.objects.get(record_id="A5")
    assert (a5.personal_id, a5.phone) == ("022190012345", "0912345678")
    assert a5.raw["personal_id"] == "022 190 012 345"  # kept as sent


def test_a_windows_1258_line_is_named_and_the_rest_imported(tmp_path, start, registry_officer):
    path = tmp_path / "mixed.csv"
    header = ",".join(importing.INPUT_COLUMNS) + "\n"
    good = "G1,Nguyễn Văn An,12/05/1990,male,,,,,police\n"
    bad = _cp1258("G2,Trần Văn Bình,01/01/1980,male,,,,,police\n")
    path.write_bytes(header.encode() + good.encode() + bad + good.replace("G1", "G3").encode())
    batch = start(actor=registry_officer, path=path)
    assert (batch.rows_ok, batch.rows_bad) == (2, 1)
    (line,) = _report(batch)
    assert line["line"] == "3" and "Windows-1258" in line["reason"]


def test_a_record_id_already_in_the_registry_is_refused(write_csv, start, registry_officer):
    start(actor=registry_officer, path=write_csv([row("X1")], name="a.csv"))
    batch = start(actor=registry_officer, path=write_csv([row("X1")], name="b.csv"))
    assert (batch.rows_ok, batch.rows_bad) == (0, 1)
    assert "đã có" in _report(batch)[0]["reason"]


def test_an_import_stopped_halfway_resumes_without_loss_or_repeat(write_csv, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK", 3)
    rows = [row(f"R{i}", name=f"Nguyễn Văn An {i}") for i in range(10)]
    rows[4]["date_of_birth"] = "không rõ"
    batch = importing.start_import(actor=None, path=write_csv(rows), run=False)
    importing.run_import(batch, stop_after_chunks=2)  # the "crash"
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.RUNNING
    assert batch.lines_done == 7 and batch.rows_ok == 5
    importing.run_import(batch)  # `tinhso import_population --resume ID`
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE
    assert SourceRecord.objects.count() == 9
    assert [r["record_id"] for r in _report(batch)] == ["R4"]
    assert AuditEvent.objects.filter(
        action="population.import_done", object_id=str(batch.pk)
    ).exists()


def test_a_citizen_may_not_import(write_csv, citizen):
    with pytest.raises(PermissionDenied):
        importing.start_import(actor=citizen, path=write_csv([row("C1")]))
