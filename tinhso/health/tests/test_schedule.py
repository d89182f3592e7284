from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from tinhso.health import schedule
from tinhso.health.schedule import Status

BIRTH = datetime.date(2026, 1, 10)


def _by(plan):
    return {(d.step.series, d.step.dose): d for d in plan}


def test_the_schedule_is_the_expanded_programme():
    names = {s.series for s in schedule.steps()}
    assert {"hepb_birth", "bcg", "dtp_hepb_hib", "opv", "ipv", "measles", "je"} <= names
    assert sum(1 for s in schedule.steps() if s.series == "dtp_hepb_hib") == 3


def test_a_newborn_is_due_for_hepatitis_b_and_bcg_and_nothing_else():
    plan = _by(schedule.child_schedule(birth_date=BIRTH, doses=[], today=BIRTH))
    assert plan[("hepb_birth", 1)].status == Status.DUE
    assert plan[("bcg", 1)].status == Status.DUE
    assert plan[("dtp_hepb_hib", 1)].status == Status.UPCOMING
    assert plan[("dtp_hepb_hib", 2)].status == Status.WAITING


def test_a_missed_birth_dose_becomes_overdue_after_a_day():
    plan = _by(
        schedule.child_schedule(
            birth_date=BIRTH, doses=[], today=BIRTH + datetime.timedelta(days=2)
        )
    )
    assert plan[("hepb_birth", 1)].status == Status.OVERDUE
    assert plan[("bcg", 1)].status == Status.DUE


def test_the_second_dose_waits_for_the_minimum_interval_after_a_late_first():
    first = datetime.date(2026, 4, 1)  # given late, at almost 3 months
    plan = _by(
        schedule.child_schedule(
            birth_date=BIRTH,
            doses=[("08", BIRTH), ("19", BIRTH), ("102", first), ("178", first)],
            today=datetime.date(2026, 4, 15),
        )
    )
    second = plan[("dtp_hepb_hib", 2)]
    assert plan[("dtp_hepb_hib", 1)].given_on == first
    assert second.due_on == first + datetime.timedelta(days=28)
    assert second.status == Status.UPCOMING
    assert plan[("hepb_birth", 1)].status == Status.GIVEN


def test_a_child_at_ten_months_without_measles_is_due_and_missing_pentavalent_overdue():
    today = datetime.date(2026, 10, 20)
    plan = schedule.child_schedule(birth_date=BIRTH, doses=[("08", BIRTH)], today=today)
    attention = {(d.step.series, d.step.dose): d.status for d in schedule.needs_attention(plan)}
    assert attention[("measles", 1)] == Status.DUE
    assert attention[("dtp_hepb_hib", 1)] == Status.OVERDUE
    assert ("dtp_hepb_hib", 2) not in attention  # waits for the first
    assert ("je", 1) not in attention  # due at twelve months


def test_unknown_vaccine_codes_are_ignored():
    with_noise = schedule.child_schedule(birth_date=BIRTH, doses=[("999", BIRTH)], today=BIRTH)
    without = schedule.child_schedule(birth_date=BIRTH, doses=[], today=BIRTH)
    assert with_noise == without


@given(
    offsets=st.lists(st.integers(min_value=0, max_value=900), max_size=6),
    today_offset=st.integers(min_value=0, max_value=2000),
)
def test_every_step_has_one_status_and_given_doses_are_counted_once(offsets, today_offset):
    doses = [("102", BIRTH + datetime.timedelta(days=o)) for o in offsets]
    plan = schedule.child_schedule(
        birth_date=BIRTH, doses=doses, today=BIRTH + datetime.timedelta(days=today_offset)
    )
    assert len(plan) == len(schedule.steps())
    penta = [d for d in plan if d.step.series == "dtp_hepb_hib"]
    assert sum(d.status == Status.GIVEN for d in penta) == min(len(offsets), 3)
    open_steps = [d for d in penta if d.status not in (Status.GIVEN, Status.WAITING)]
    assert len(open_steps) <= 1
