"""The register of diplomas (numbered, signed, once per pupil) and the bulk import of a
school's pupils (all or nothing, errors by row)."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings

from tinhso.core.errors import Conflict, PermissionDenied
from tinhso.education import diplomas, imports, records, services
from tinhso.education.models import Assessment, DiplomaKind, Pupil
from tinhso.education.services import MarkEntry
from tinhso.signing import services as signing

SUBJECTS = ["toan", "van", "anh", "ly", "hoa", "sinh"]


@pytest.fixture
def grade9(school, year, principal, teacher):
    signing.issue_certificate(actor=None, user=principal)
    subjects = [
        services.add_subject(
            actor=None, code=code, name=code.title(), grade=9, assessment=Assessment.SCORE,
            periods_per_year=35,
        )
        for code in SUBJECTS
    ]  # fmt: skip
    c = services.create_class(
        actor=principal, school=school, year=year, grade=9, name="9A", homeroom_teacher=teacher
    )
    for s in subjects:
        services.assign_teacher(actor=principal, school_class=c, subject=s, teacher=teacher)
    pupil = services.enrol_pupil(
        actor=principal, school=school, personal_id="022209000301", full_name="Lê Thu Hà",
        date_of_birth=datetime.date(2009, 5, 6), school_class=c,
    )  # fmt: skip
    for term in year.terms.all():
        for s in subjects:  # 35 periods a year: 2 regular marks
            cells = [MarkEntry(pupil.pk, "regular", i, "7") for i in (1, 2)]
            cells += [MarkEntry(pupil.pk, "mid", 1, "7"), MarkEntry(pupil.pk, "end", 1, "7")]
            services.save_marks(actor=teacher, school_class=c, subject=s, term=term, entries=cells)
        records.review_pupil(
            actor=teacher, school_class=c, term=term, pupil_id=pupil.pk, conduct="kha", comment=""
        )
    return pupil


def test_a_diploma_is_numbered_in_the_schools_register_and_issued_once(grade9, principal):
    diploma = diplomas.issue_diploma(
        actor=principal, pupil=grade9, kind=DiplomaKind.LOWER_SECONDARY
    )
    assert diploma.number == "01/TN-THCS-THCS-TEST"
    content = (Path(settings.MEDIA_ROOT) / diploma.issued.file_path).read_bytes()
    assert signing.verify(content).valid
    with pytest.raises(Conflict):
        diplomas.issue_diploma(actor=principal, pupil=grade9, kind=DiplomaKind.LOWER_SECONDARY)


def test_a_diploma_needs_the_final_grade_and_the_principal(grade9, principal, teacher, pupils):
    with pytest.raises(Conflict, match="cuối cấp"):
        diplomas.issue_diploma(actor=principal, pupil=pupils[0], kind=DiplomaKind.LOWER_SECONDARY)
    with pytest.raises(Conflict, match="cuối cấp"):
        diplomas.issue_diploma(actor=principal, pupil=grade9, kind=DiplomaKind.UPPER_SECONDARY)
    with pytest.raises(PermissionDenied):
        diplomas.issue_diploma(actor=teacher, pupil=grade9, kind=DiplomaKind.LOWER_SECONDARY)


CSV_GOOD = (
    "Mã định danh;Họ và tên;Ngày sinh;Lớp\n"
    "022212000111;Đỗ Minh Châu;04/03/2012;7A\n"
    "22312000112;Vũ Hải Yến;2012-07-08;7a\n"  # the leading zero dropped by a spreadsheet
)


def test_a_good_file_enrols_every_pupil_in_their_class(school, year, principal, school_class):
    report = imports.import_pupils(
        actor=principal, school=school, year=year, content=CSV_GOOD.encode(), filename="ds.csv"
    )
    assert report.imported == 2 and not report.errors
    yen = Pupil.objects.get(personal_id="022312000112")
    assert yen.school_class == school_class and yen.date_of_birth == datetime.date(2012, 7, 8)


def test_one_bad_row_imports_nothing_and_every_bad_row_is_named(
    school, year, principal, school_class
):
    content = (
        "Ma dinh danh,Ho va ten,Ngay sinh,Lop\n"
        "022212000111,Đỗ Minh Châu,04/03/2012,7A\n"
        "12345,Vũ Hải Yến,08/07/2012,7A\n"
        "022212000113,,31/02/2012,7Z\n"
        "022212000111,Đỗ Minh Châu,04/03/2012,7A\n"
    ).encode()
    report = imports.import_pupils(
        actor=principal, school=school, year=year, content=content, filename="ds.csv"
    )
    assert report.imported == 0 and not Pupil.objects.filter(school=school).exists()
    lines = dict(report.errors)
    assert set(lines) == {3, 4, 5}
    assert "mã định danh" in lines[3]
    assert "ngày sinh" in lines[4] and "họ và tên" in lines[4] and "7Z" in lines[4]
    assert "trùng với dòng 2" in lines[5]


def test_an_excel_file_is_read_too(school, year, principal, school_class):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["STT", "Mã định danh", "Họ và tên", "Ngày sinh", "Lớp"])
    sheet.append([1, "022212000111", "Đỗ Minh Châu", datetime.datetime(2012, 3, 4), "7A"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = imports.import_pupils(
        actor=principal, school=school, year=year, content=buffer.getvalue(), filename="ds.xlsx"
    )
    assert report.imported == 1


def test_a_file_that_is_not_a_spreadsheet_is_refused_clearly(school, year, principal):
    from tinhso.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="UTF-8"):
        imports.import_pupils(
            actor=principal, school=school, year=year, content="Mã;Tên\n".encode("utf-16"),
            filename="ds.csv",
        )  # fmt: skip
    with pytest.raises(ValidationFailed, match="Excel"):
        imports.import_pupils(
            actor=principal, school=school, year=year, content=b"PK\x03\x04broken",
            filename="ds.xlsx",
        )  # fmt: skip
