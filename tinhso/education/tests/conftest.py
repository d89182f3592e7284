"""A school with a class, its principal, a subject teacher, two pupils and a parent,
built through the services."""

from __future__ import annotations

import datetime

import pytest

from tinhso.accounts.models import Role
from tinhso.education import services
from tinhso.education.models import Assessment, SchoolLevel


@pytest.fixture
def school(db):
    return services.create_school(
        actor=None, code="THCS-TEST", name="Trường THCS Thử Nghiệm", level=SchoolLevel.LOWER
    )


@pytest.fixture
def principal(make_staff, school):
    return make_staff(Role.LEADER, school.code)


@pytest.fixture
def teacher(make_staff, school):
    return make_staff(Role.TEACHER, school.code)


@pytest.fixture
def year(db):
    return services.open_school_year(actor=None, start_year=2025)


@pytest.fixture
def term1(year):
    return year.terms.get(number=1)


@pytest.fixture
def maths(db):
    return services.add_subject(
        actor=None, code="toan", name="Toán", grade=7, assessment=Assessment.SCORE,
        periods_per_year=140,
    )  # fmt: skip


@pytest.fixture
def pe(db):
    return services.add_subject(
        actor=None, code="the_duc", name="Giáo dục thể chất", grade=7,
        assessment=Assessment.COMMENT, periods_per_year=70,
    )  # fmt: skip


@pytest.fixture
def school_class(school, year, principal, teacher, maths, pe):
    c = services.create_class(
        actor=principal, school=school, year=year, grade=7, name="7A", homeroom_teacher=teacher
    )
    services.assign_teacher(actor=principal, school_class=c, subject=maths, teacher=teacher)
    services.assign_teacher(actor=principal, school_class=c, subject=pe, teacher=teacher)
    return c


@pytest.fixture
def pupils(school, school_class, principal):
    return [
        services.enrol_pupil(
            actor=principal, school=school, personal_id=pid, full_name=name,
            date_of_birth=datetime.date(2012, 3, 4), school_class=school_class,
        )
        for pid, name in [("022212000101", "Nguyễn Văn An"), ("022312000102", "Trần Thị Bình")]
    ]  # fmt: skip


@pytest.fixture
def parent(citizen, pupils, principal):
    services.link_parent(actor=principal, pupil=pupils[0], parent=citizen, relation="mẹ")
    return citizen
