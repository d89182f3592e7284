"""What education gives the steering: identity-code and school-report coverage for the
goals tracker, and admission statistics in open data (never an applicant)."""

from __future__ import annotations

from decimal import Decimal

from tinhso.accounts.models import Role
from tinhso.education import admission_rounds, selectors
from tinhso.monitoring.goals import PLATFORM_METRICS
from tinhso.opendata import builders


def test_identity_coverage_counts_pupils_the_registry_knows(pupils):
    from tinhso.population.models import Person

    assert selectors.identity_coverage() == Decimal(0)  # the test registry is empty
    person = Person.objects.create(full_name=pupils[0].full_name, name_folded="nguyen van an")
    pupils[0].person = person
    pupils[0].save(update_fields=["person"])
    assert PLATFORM_METRICS["pupil_identity_coverage"](2026) == Decimal(50)


def test_report_coverage_has_nothing_to_measure_without_a_past_year(db):
    assert PLATFORM_METRICS["school_report_coverage"](2026) is None


def test_admission_statistics_are_published_per_school_without_applicants(make_staff):
    officer = make_staff(Role.SPECIALIST, "SGDDT")
    round_ = admission_rounds.load_round(
        actor=officer, year=2026,
        schools_csv=b"school_code,name,quota\nHL,THPT H\xe1\xba\xa1 Long,1\n",
        applicants_csv=(
            b"applicant_id,math,literature,english,priority,incentive,wish1,wish2,wish3\n"
            b"SECRET-1,9,8,8,0,0,HL,,\nSECRET-2,5,5,5,0,0,HL,,\n"
        ),
    )  # fmt: skip
    admission_rounds.run_round(actor=officer, round_=round_)
    dataset = next(d for d in builders.definitions() if d.name == "tuyen-sinh-lop-10")
    assert list(dataset.rows()) == []  # not published yet
    admission_rounds.publish_round(actor=officer, round_=round_)
    (row,) = list(dataset.rows())
    assert row["nguyen_vong_1"] == 2 and row["trung_tuyen"] == 1
    assert row["diem_chuan"] == Decimal(25)
    assert "SECRET" not in repr(row)
