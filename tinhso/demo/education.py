"""The demo school (CONTRACT.md): `giaovien` teaches class 7A of a lower-secondary school,
`hieutruong` is its principal (with a signing certificate, for the school reports),
`tuyensinh` is the Department of Education's admission officer, and the demo citizen
`congdan` follows her child's marks. Everything goes through the services; idempotent."""

from __future__ import annotations

import datetime

from tinhso.accounts.models import Role, User
from tinhso.education import services as education
from tinhso.education.models import Assessment, School, SchoolLevel
from tinhso.signing.services import issue_certificate

from .accounts import DemoAccount, demo_personal_id, demo_staff

SCHOOL_CODE = "THCS-DEMO"
SUBJECTS = [  # grade 7 (Circular 32/2018 programme): code, name, assessment, periods a year
    ("toan", "Toán", Assessment.SCORE, 140),
    ("ngu_van", "Ngữ văn", Assessment.SCORE, 140),
    ("tieng_anh", "Tiếng Anh", Assessment.SCORE, 105),
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
    if a2 is not None:
        issue_certificate(actor=None, user=principal)  # signs the school reports
    today = datetime.date.today()
    year = education.open_school_year(
        actor=None, start_year=today.year if today.month >= 8 else today.year - 1
    )
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
    _pupils_and_marks(principal, teacher, school, school_class, subjects, year)
    return [a for a in (a1, a2, a3) if a is not None]


def _pupils_and_marks(principal, teacher, school, school_class, subjects, year) -> None:
    birth = datetime.date(year.start_year - 12, 9, 2)
    pupils = [
        education.enrol_pupil(
            actor=principal, school=school, full_name=name, date_of_birth=birth,
            personal_id=demo_personal_id(birth=birth, sex=sex), school_class=school_class,
        )
        for name, sex in [("Nguyễn Minh Khang", "male"), ("Phạm Ngọc Anh", "female"),
                          ("Đặng Quốc Bảo", "male")]
    ]  # fmt: skip
    child = pupils[0]
    parent = User.objects.filter(username="congdan").first()
    if parent is not None:
        education.link_parent(actor=principal, pupil=child, parent=parent, relation="mẹ")
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
