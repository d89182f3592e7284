"""The demo school (CONTRACT.md): `giaovien` teaches class 7A of a lower-secondary school,
`hieutruong` is its principal (with a signing certificate, for the school reports),
`tuyensinh` is the Department of Education's admission officer, and the demo citizen
`congdan` follows her child's marks. Everything goes through the services; idempotent."""

from __future__ import annotations

import datetime

from tinhso.accounts.models import Role, User
from tinhso.education import grading, records, school_reports
from tinhso.education import services as education
from tinhso.education.models import Assessment, School, SchoolLevel
from tinhso.signing.services import active_certificate, issue_certificate

from .accounts import DemoAccount, demo_personal_id, demo_staff

SCHOOL_CODE = "THCS-DEMO"
SUBJECTS = [  # grade 7 (Circular 32/2018 programme): code, name, assessment, periods a year
    ("toan", "Toán", Assessment.SCORE, 140),
    ("ngu_van", "Ngữ văn", Assessment.SCORE, 140),
    ("tieng_anh", "Tiếng Anh", Assessment.SCORE, 105),
    ("gdtc", "Giáo dục thể chất", Assessment.COMMENT, 70),
]
SUBJECTS_6 = [  # grade 6, last year: six scored subjects and one by comment
    ("toan", "Toán", Assessment.SCORE, 140),
    ("ngu_van", "Ngữ văn", Assessment.SCORE, 140),
    ("tieng_anh", "Tiếng Anh", Assessment.SCORE, 105),
    ("khtn", "Khoa học tự nhiên", Assessment.SCORE, 140),
    ("lich_su_dia_li", "Lịch sử và Địa lí", Assessment.SCORE, 105),
    ("gdcd", "Giáo dục công dân", Assessment.SCORE, 35),
    ("gdtc", "Giáo dục thể chất", Assessment.COMMENT, 70),
]
MARKS = {  # the child's first-term marks: regular…, mid, end
    "toan": (["8", "9", "7.5", "8"], "8.5", "9"),
    "ngu_van": (["7", "8", "7.5", "8"], "7", "7.5"),
    "tieng_anh": (["9", "8.5", "9", "9.5"], "8", "9"),
}


def create_demo_school() -> list[DemoAccount]:
    if School.objects.filter(agency__code=SCHOOL_CODE).exists():
        return []
    school = education.create_school(
        actor=None, code=SCHOOL_CODE, name="Trường THCS Trần Quốc Toản (mẫu)",
        level=SchoolLevel.LOWER,
    )  # fmt: skip
    teacher, a1 = demo_staff("giaovien", "Vũ Thị Lan", Role.TEACHER, SCHOOL_CODE)
    principal, a2 = demo_staff("hieutruong", "Hoàng Văn Sơn", Role.LEADER, SCHOOL_CODE)
    _officer, a3 = demo_staff("tuyensinh", "Bùi Thu Trang", Role.SPECIALIST, education.DEPARTMENT)
    if a2 is not None or active_certificate(principal) is None:
        issue_certificate(actor=None, user=principal)  # signs the school reports
    today = datetime.date.today()
    year = education.open_school_year(
        actor=None, start_year=today.year if today.month >= 8 else today.year - 1
    )
    pupils = _last_year(principal, teacher, school, year)
    subjects = {
        code: education.add_subject(
            actor=None, code=code, name=name, grade=7, assessment=kind, periods_per_year=periods
        )
        for code, name, kind, periods in SUBJECTS
    }
    school_class = education.create_class(
        actor=principal, school=school, year=year, grade=7, name="7A", homeroom_teacher=teacher
    )
    for subject in subjects.values():
        education.assign_teacher(
            actor=principal, school_class=school_class, subject=subject, teacher=teacher
        )
    _marks(principal, teacher, school, school_class, subjects, year, pupils)
    return [a for a in (a1, a2, a3) if a is not None]


PUPILS = [("Nguyễn Minh Khang", "male"), ("Phạm Ngọc Anh", "female"), ("Đặng Quốc Bảo", "male")]


def _last_year(principal, teacher, school, this_year):
    """Last year in 6A: the child's two terms of marks and reviews, both terms closed
    and the school reports signed by the principal (the parent finds the report in
    her document store). Returns the pupils, who then move up to 7A."""
    year = education.open_school_year(actor=None, start_year=this_year.start_year - 1)
    birth = datetime.date(this_year.start_year - 12, 9, 2)
    school_class = education.create_class(
        actor=principal, school=school, year=year, grade=6, name="6A", homeroom_teacher=teacher
    )
    pupils = [
        education.enrol_pupil(
            actor=principal, school=school, full_name=name, date_of_birth=birth,
            personal_id=demo_personal_id(birth=birth, sex=sex), school_class=school_class,
        )
        for name, sex in PUPILS
    ]  # fmt: skip
    child = pupils[0]
    parent = User.objects.filter(username="congdan").first()
    if parent is not None:
        education.link_parent(actor=principal, pupil=child, parent=parent, relation="mẹ")
    subjects = []
    for code, name, kind, periods in SUBJECTS_6:
        subject = education.add_subject(
            actor=None, code=code, name=name, grade=6, assessment=kind, periods_per_year=periods
        )
        education.assign_teacher(
            actor=principal, school_class=school_class, subject=subject, teacher=teacher
        )
        subjects.append((subject, kind))
    for term in year.terms.all():
        for subject, kind in subjects:
            if kind == Assessment.COMMENT:
                cells = [education.MarkEntry(child.pk, "end", 1, "dat")]
            else:
                n = grading.regular_marks_required(subject.periods_per_year)
                cells = [
                    education.MarkEntry(child.pk, "regular", i, "8.5") for i in range(1, n + 1)
                ]
                cells += [education.MarkEntry(child.pk, "mid", 1, "8"),
                          education.MarkEntry(child.pk, "end", 1, "9")]  # fmt: skip
            education.save_marks(
                actor=teacher, school_class=school_class, subject=subject, term=term, entries=cells
            )
        records.review_pupil(
            actor=teacher, school_class=school_class, term=term, pupil_id=child.pk,
            conduct="tot", comment="Chăm chỉ, lễ phép, tích cực phát biểu xây dựng bài.",
        )  # fmt: skip
        education.close_term(actor=principal, school=school, term=term)
    school_reports.sign_class_reports(actor=principal, school_class=school_class)
    return pupils


def _marks(principal, teacher, school, school_class, subjects, year, pupils) -> None:
    for pupil in pupils:  # they move up to 7A
        education.enrol_pupil(
            actor=principal, school=school, full_name=pupil.full_name,
            date_of_birth=pupil.date_of_birth, personal_id=pupil.personal_id,
            school_class=school_class,
        )  # fmt: skip
    child = pupils[0]
    term = year.terms.get(number=1)
    for code, (regular, mid, end) in MARKS.items():
        cells = [education.MarkEntry(child.pk, "regular", i, v) for i, v in enumerate(regular, 1)]
        cells += [education.MarkEntry(child.pk, "mid", 1, mid)]
        cells += [education.MarkEntry(child.pk, "end", 1, end)]
        education.save_marks(
            actor=teacher, school_class=school_class, subject=subjects[code], term=term,
            entries=cells,
        )  # fmt: skip
    education.save_marks(
        actor=teacher, school_class=school_class, subject=subjects["gdtc"], term=term,
        entries=[education.MarkEntry(child.pk, "end", 1, "dat")],
    )  # fmt: skip
