"""The year's end at school: the homeroom teacher's reviews and attendance, year results,
the principal signing the school reports (PAdES, in the register, in the family's
store), and the register page a report's QR opens."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from tinhso.accounts.models import Role
from tinhso.audit.models import AuditEvent
from tinhso.core.errors import Conflict, PermissionDenied, ValidationFailed
from tinhso.documents.models import IssuedDocument, IssuedStatus, StoredDocument
from tinhso.education import records, results, school_reports, services
from tinhso.education.models import SchoolReport
from tinhso.education.services import MarkEntry
from tinhso.notifications.models import Notification
from tinhso.signing import services as signing


def _fill_term(teacher, school_class, maths, pe, term, pupil, score="8"):
    cells = [MarkEntry(pupil.pk, "regular", i, score) for i in range(1, 5)]
    cells += [MarkEntry(pupil.pk, "mid", 1, score), MarkEntry(pupil.pk, "end", 1, score)]
    services.save_marks(
        actor=teacher, school_class=school_class, subject=maths, term=term, entries=cells
    )
    services.save_marks(
        actor=teacher, school_class=school_class, subject=pe, term=term,
        entries=[MarkEntry(pupil.pk, "end", 1, "dat")],
    )  # fmt: skip


@pytest.fixture
def year_done(teacher, school_class, maths, pe, year, pupils):
    """The first pupil has every mark and review of both terms; the second has none."""
    for term in year.terms.all():
        _fill_term(teacher, school_class, maths, pe, term, pupils[0])
        records.review_pupil(
            actor=teacher, school_class=school_class, term=term, pupil_id=pupils[0].pk,
            conduct="tot", comment="Chăm ngoan, tiến bộ.",
        )  # fmt: skip
    return pupils[0]


@pytest.fixture
def signing_principal(principal):
    signing.issue_certificate(actor=None, user=principal)
    return principal


def _close_both(principal, school, year):
    for term in year.terms.all():
        services.close_term(actor=principal, school=school, term=term)


def test_year_results_come_from_both_terms_and_say_what_is_missing(year_done, school_class, pupils):
    done, empty = results.class_year_results(school_class)
    assert done.pupil == year_done and done.complete
    maths = next(line for line in done.subjects if line.subject.code == "toan")
    assert maths.year == Decimal("8.0")
    assert done.conduct == "tot" and done.conduct_name == "Tốt"
    # two subjects only: fewer than six scored subjects ≥ 5.0, so not yet "Đạt"
    assert done.learning == "chua_dat"
    assert not empty.complete and "đánh giá rèn luyện" in empty.missing


def test_only_the_homeroom_teacher_reviews_and_a_closed_term_needs_a_reason(
    make_staff, school, school_class, principal, term1, pupils, parent
):
    other = make_staff(Role.TEACHER, school.code)
    with pytest.raises(PermissionDenied):
        records.review_pupil(
            actor=other, school_class=school_class, term=term1, pupil_id=pupils[0].pk,
            conduct="tot", comment="",
        )  # fmt: skip
    teacher = school_class.homeroom_teacher
    with pytest.raises(ValidationFailed):
        records.review_pupil(
            actor=teacher, school_class=school_class, term=term1, pupil_id=pupils[0].pk,
            conduct="xuat_sac", comment="",
        )  # fmt: skip
    records.review_pupil(
        actor=teacher, school_class=school_class, term=term1, pupil_id=pupils[0].pk,
        conduct="kha", comment="Cần cố gắng môn Toán.",
    )  # fmt: skip
    assert Notification.objects.filter(user=parent, subject__contains="Nhận xét").exists()
    services.close_term(actor=principal, school=school, term=term1)
    with pytest.raises(Conflict):
        records.review_pupil(
            actor=teacher, school_class=school_class, term=term1, pupil_id=pupils[0].pk,
            conduct="tot", comment="",
        )  # fmt: skip
    records.review_pupil(
        actor=teacher, school_class=school_class, term=term1, pupil_id=pupils[0].pk,
        conduct="tot", comment="", reason="Nhập nhầm",
    )  # fmt: skip
    event = AuditEvent.objects.filter(action="education.review_changed_after_close").get()
    assert event.after["reason"] == "Nhập nhầm" and event.before["conduct"] == "kha"


def test_attendance_refuses_days_outside_the_year_or_to_come_and_tells_parents(
    school_class, pupils, parent
):
    teacher = school_class.homeroom_teacher
    kw = {"actor": teacher, "school_class": school_class, "pupil_id": pupils[0].pk}
    with pytest.raises(ValidationFailed):
        records.record_absence(date=datetime.date(2024, 9, 5), session="sang", excused=False, **kw)
    with pytest.raises(ValidationFailed):
        records.record_absence(
            date=datetime.date.today() + datetime.timedelta(days=1), session="sang",
            excused=False, **kw,
        )  # fmt: skip
    records.record_absence(date=datetime.date(2025, 10, 6), session="chieu", excused=True, **kw)
    records.record_absence(date=datetime.date(2025, 10, 6), session="chieu", excused=True, **kw)
    assert pupils[0].absences.count() == 1
    assert Notification.objects.filter(user=parent, subject__contains="nghỉ học").count() == 1
    (result, _other) = results.class_year_results(school_class)
    assert result.absences == 1


def test_reports_are_signed_only_when_both_terms_are_closed_and_only_by_the_principal(
    year_done, signing_principal, school, school_class, year, teacher
):
    with pytest.raises(Conflict):
        school_reports.sign_class_reports(actor=signing_principal, school_class=school_class)
    _close_both(signing_principal, school, year)
    with pytest.raises(PermissionDenied):
        school_reports.sign_class_reports(actor=teacher, school_class=school_class)
    signed = school_reports.sign_class_reports(actor=signing_principal, school_class=school_class)
    assert [r.pupil for r in signed] == [year_done]  # the other pupil's year is incomplete


def test_a_signed_report_is_valid_registered_and_in_the_parents_store(
    year_done, signing_principal, school, school_class, year, parent, tmp_path
):
    _close_both(signing_principal, school, year)
    (report,) = school_reports.sign_class_reports(
        actor=signing_principal, school_class=school_class
    )
    entry = report.issued
    content = (Path(settings.MEDIA_ROOT) / entry.file_path).read_bytes()
    verdict = signing.verify(content)
    assert verdict.valid and verdict.trusted and signing_principal.full_name in verdict.signer
    assert entry.holder_name == year_done.full_name and entry.status == IssuedStatus.VALID
    stored = StoredDocument.objects.get(owner=parent, source_reference=entry.code)
    assert stored.sha256 == entry.sha256 and stored.digitally_signed
    assert Notification.objects.filter(user=parent, subject__contains="Học bạ").exists()
    if shutil.which("pdfsig"):
        path = tmp_path / "hoc-ba.pdf"
        path.write_bytes(content)
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
        assert "Signature is Valid" in out.stdout, out.stdout + out.stderr


def test_signing_again_replaces_the_earlier_report_in_the_register(
    year_done, signing_principal, school, school_class, year
):
    _close_both(signing_principal, school, year)
    (first,) = school_reports.sign_class_reports(actor=signing_principal, school_class=school_class)
    first_entry = first.issued
    (second,) = school_reports.sign_class_reports(
        actor=signing_principal, school_class=school_class
    )
    assert SchoolReport.objects.filter(pupil=year_done).count() == 1
    first_entry.refresh_from_db()
    assert first_entry.status == IssuedStatus.REPLACED
    assert first_entry.replaced_by_id == second.issued_id
    assert IssuedDocument.objects.filter(status=IssuedStatus.VALID, kind="hoc-ba").count() == 1


def test_the_register_page_tells_the_document_from_another_signed_one(
    year_done, signing_principal, school, school_class, year, client
):
    _close_both(signing_principal, school, year)
    (report,) = school_reports.sign_class_reports(
        actor=signing_principal, school_class=school_class
    )
    entry = report.issued
    page = client.get(f"/van-ban/{entry.code.lower()}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Nguyễn V. A." in html and year_done.full_name not in html
    assert entry.sha256 in html and "Còn hiệu lực" in html
    original = (Path(settings.MEDIA_ROOT) / entry.file_path).read_bytes()
    from django.core.files.uploadedfile import SimpleUploadedFile

    same = client.post(
        f"/van-ban/{entry.code}/",
        {"file": SimpleUploadedFile("a.pdf", original, content_type="application/pdf")},
    )
    assert "Đúng là văn bản này" in same.content.decode()
    # the report signed again: validly signed by the same principal, but not this paper
    signed_again = school_reports.sign_class_reports(
        actor=signing_principal, school_class=school_class
    )
    other = (Path(settings.MEDIA_ROOT) / signed_again[0].issued.file_path).read_bytes()
    differs = client.post(
        f"/van-ban/{entry.code}/",
        {"file": SimpleUploadedFile("b.pdf", other, content_type="application/pdf")},
    )
    assert signing.verify(other).valid
    assert "Không phải văn bản này" in differs.content.decode()
    assert "Đã được thay thế" in differs.content.decode()
    download = client.get(f"/van-ban/{entry.code}/ban-goc.pdf")
    assert download.status_code == 200 and b"".join(download.streaming_content) == original
    assert client.get("/van-ban/KHONGCOMA/").status_code == 404


def test_last_years_class_keeps_its_pupils_after_they_move_up(
    principal, school, school_class, year, pupils
):
    from tinhso.education import services as education

    next_year = education.open_school_year(actor=None, start_year=year.start_year + 1)
    eight = education.create_class(
        actor=principal, school=school, year=next_year, grade=8, name="8A"
    )
    moved = pupils[0]
    education.enrol_pupil(
        actor=principal, school=school, personal_id=moved.personal_id,
        full_name=moved.full_name, date_of_birth=moved.date_of_birth, school_class=eight,
    )  # fmt: skip
    assert set(school_class.members()) == set(pupils)
    assert list(eight.members()) == [moved]
    assert [r.pupil for r in results.class_year_results(school_class)] == sorted(
        pupils, key=lambda p: p.full_name
    )
