"""The pages of the year's end: reviews and attendance by the homeroom teacher, the
class results and report signing by the principal, the diploma register and the pupil
import; and what the parent sees."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.education.models import Absence, Pupil, SchoolReport, TermReview
from tinhso.signing import services as signing


def test_the_homeroom_teacher_reviews_the_class_and_a_wrong_level_is_named(
    second_factor_client, teacher, school_class, term1, pupils
):
    client = second_factor_client(teacher)
    url = f"/giao-duc/lop/{school_class.pk}/hoc-ki/{term1.pk}/nhan-xet/"
    page = client.get(url)
    assert page.status_code == 200 and "Trần Thị Bình" in page.content.decode()
    a, b = (p.pk for p in pupils)
    refused = client.post(url, {f"conduct-{a}": "gioi", f"comment-{b}": "Ngoan"})
    html = refused.content.decode()
    assert refused.status_code == 400 and "Chọn mức đánh giá" in html
    assert f'href="#conduct-{a}"' in html  # the summary links to the field
    saved = client.post(url, {f"conduct-{a}": "tot", f"comment-{a}": "Chăm ngoan"}, follow=True)
    assert "Đã lưu đánh giá của 1 học sinh" in saved.content.decode()
    assert TermReview.objects.get(pupil_id=a).comment == "Chăm ngoan"


def test_a_subject_teacher_who_is_not_homeroom_gets_403(
    second_factor_client, make_staff, school, school_class, term1
):
    client = second_factor_client(make_staff("teacher", school.code))
    assert (
        client.get(f"/giao-duc/lop/{school_class.pk}/hoc-ki/{term1.pk}/nhan-xet/").status_code
        == 403
    )
    assert client.get(f"/giao-duc/lop/{school_class.pk}/diem-danh/").status_code == 403


def test_attendance_page_records_absences_and_the_parent_sees_them(
    second_factor_client, teacher, school_class, pupils, parent, client
):
    staff = second_factor_client(teacher)
    url = f"/giao-duc/lop/{school_class.pk}/diem-danh/"
    a = pupils[0].pk
    staff.post(
        url,
        {"date": "2025-10-06", "session": "sang", "absent": [a], f"excused-{a}": "1",
         f"reason-{a}": "Ốm"},
    )  # fmt: skip
    assert Absence.objects.get(pupil_id=a).excused
    bad = staff.post(url, {"date": "2030-01-01", "session": "sang", "absent": [a]})
    assert bad.status_code == 400 and "năm học" in bad.content.decode()
    client.force_login(parent)
    mine = client.get(f"/giao-duc/hoc-sinh/{a}/").content.decode()
    assert "06/10/2025" in mine and "nghỉ có phép" in mine and "Ốm" in mine


def test_the_principal_sees_whose_reports_will_be_signed_then_signs(
    second_factor_client, principal, school, school_class, year, pupils
):
    signing.issue_certificate(actor=None, user=principal)
    client = second_factor_client(principal)
    url = f"/giao-duc/lop/{school_class.pk}/hoc-ba/"
    page = client.get(url).content.decode()
    assert "Chưa có học sinh nào đủ kết quả" in page and "Chưa đủ:" in page
    refused = client.post(url, follow=True)
    assert "cả hai học kì đã chốt điểm" in refused.content.decode()
    assert not SchoolReport.objects.exists()


def test_the_import_page_lists_bad_rows_and_imports_nothing(
    second_factor_client, principal, school, school_class, year
):
    client = second_factor_client(principal)
    url = f"/giao-duc/truong/{school.pk}/nhap-hoc-sinh/"
    content = "Mã định danh,Họ và tên,Ngày sinh,Lớp\n022212000111,Đỗ Minh Châu,4/3/2012,7B\n"
    page = client.post(
        url, {"year": year.pk, "file": SimpleUploadedFile("ds.csv", content.encode())}
    )
    html = page.content.decode()
    assert page.status_code == 400 and "Dòng 2" in html and "7B" in html
    assert not Pupil.objects.filter(school=school).exists()
    good = content.replace("7B", "7A")
    done = client.post(
        url, {"year": year.pk, "file": SimpleUploadedFile("ds.csv", good.encode())}, follow=True
    )
    assert "Đã nhập 1 học sinh" in done.content.decode()


def test_the_diploma_register_is_the_principals(second_factor_client, principal, teacher, school):
    assert (
        second_factor_client(teacher).get(f"/giao-duc/truong/{school.pk}/van-bang/").status_code
        == 403
    )
    page = second_factor_client(principal).get(f"/giao-duc/truong/{school.pk}/van-bang/")
    assert page.status_code == 200 and "Sổ chưa có văn bằng nào" in page.content.decode()


def test_the_parent_page_lists_the_signed_report(
    parent, client, school_class, principal, year, teacher, school, pupils, maths, pe
):
    from tinhso.education import records, school_reports, services
    from tinhso.education.services import MarkEntry

    signing.issue_certificate(actor=None, user=principal)
    child = pupils[0]
    for term in year.terms.all():
        cells = [MarkEntry(child.pk, "regular", i, "8") for i in range(1, 5)]
        cells += [MarkEntry(child.pk, "mid", 1, "8"), MarkEntry(child.pk, "end", 1, "8")]
        services.save_marks(
            actor=teacher, school_class=school_class, subject=maths, term=term, entries=cells
        )
        services.save_marks(
            actor=teacher, school_class=school_class, subject=pe, term=term,
            entries=[MarkEntry(child.pk, "end", 1, "dat")],
        )  # fmt: skip
        records.review_pupil(
            actor=teacher, school_class=school_class, term=term, pupil_id=child.pk,
            conduct="tot", comment="",
        )  # fmt: skip
        services.close_term(actor=principal, school=school, term=term)
    (report,) = school_reports.sign_class_reports(actor=principal, school_class=school_class)
    client.force_login(parent)
    html = client.get(f"/giao-duc/hoc-sinh/{child.pk}/").content.decode()
    assert f"/van-ban/{report.issued.code}/" in html and "Học bạ năm học 2025–2026" in html
    assert datetime.date.today().strftime("%d/%m/%Y") in html
