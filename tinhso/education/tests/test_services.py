"""Marks entered by the subject teacher, locked when the term closes, seen by parents."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tinhso.accounts.models import Role
from tinhso.audit.models import AuditEvent
from tinhso.core.errors import Conflict, PermissionDenied, ValidationFailed
from tinhso.education import selectors, services
from tinhso.education.models import Mark
from tinhso.education.services import MarkEntry
from tinhso.notifications.models import Notification


def _full_marks(pupil, values=("8", "7", "9", "6")):
    cells = [MarkEntry(pupil.pk, "regular", i, v) for i, v in enumerate(values, start=1)]
    return [*cells, MarkEntry(pupil.pk, "mid", 1, "7.5"), MarkEntry(pupil.pk, "end", 1, "8")]


def test_the_subject_teacher_enters_marks_and_the_sheet_shows_the_average(
    teacher, school_class, maths, term1, pupils
):
    changed = services.save_marks(
        actor=teacher, school_class=school_class, subject=maths, term=term1,
        entries=_full_marks(pupils[0]),
    )  # fmt: skip
    assert changed == 6
    sheet = selectors.mark_sheet(school_class, maths, term1)
    assert sheet.n_regular == 4  # 140 periods a year
    first = next(r for r in sheet.rows if r.pupil == pupils[0])
    assert first.average == Decimal("7.7")  # (30 + 2×7.5 + 3×8) / 9 = 7.67
    assert AuditEvent.objects.filter(action="education.marks_saved").count() == 1


def test_saving_the_same_marks_again_changes_nothing(teacher, school_class, maths, term1, pupils):
    kw = {"actor": teacher, "school_class": school_class, "subject": maths, "term": term1}
    services.save_marks(entries=_full_marks(pupils[0]), **kw)
    assert services.save_marks(entries=_full_marks(pupils[0]), **kw) == 0


def test_only_the_classs_subject_teacher_enters_marks(
    make_staff, school, school_class, maths, term1, pupils, principal
):
    other = make_staff(Role.TEACHER, school.code)
    for actor in (other, principal):
        with pytest.raises(PermissionDenied):
            services.save_marks(
                actor=actor, school_class=school_class, subject=maths, term=term1,
                entries=_full_marks(pupils[0]),
            )  # fmt: skip
    assert not Mark.objects.exists()


@pytest.mark.parametrize("bad", ["10.5", "7.25", "bảy", "-1"])
def test_a_bad_mark_is_refused_and_nothing_is_saved(
    teacher, school_class, maths, term1, pupils, bad
):
    with pytest.raises(ValidationFailed):
        services.save_marks(
            actor=teacher, school_class=school_class, subject=maths, term=term1,
            entries=[MarkEntry(pupils[0].pk, "mid", 1, "8"), MarkEntry(pupils[1].pk, "end", 1, bad)],
        )  # fmt: skip
    assert not Mark.objects.exists()


def test_comment_subjects_take_pass_or_fail(teacher, school_class, pe, term1, pupils):
    kw = {"actor": teacher, "school_class": school_class, "subject": pe, "term": term1}
    services.save_marks(entries=[MarkEntry(pupils[0].pk, "end", 1, "dat")], **kw)
    with pytest.raises(ValidationFailed):
        services.save_marks(entries=[MarkEntry(pupils[0].pk, "end", 1, "8")], **kw)


def test_a_closed_term_locks_marks_and_a_change_needs_a_reason_that_is_audited(
    teacher, principal, school, school_class, maths, term1, pupils
):
    kw = {"actor": teacher, "school_class": school_class, "subject": maths, "term": term1}
    services.save_marks(entries=_full_marks(pupils[0]), **kw)
    with pytest.raises(PermissionDenied):
        services.close_term(actor=teacher, school=school, term=term1)
    services.close_term(actor=principal, school=school, term=term1)
    with pytest.raises(Conflict):
        services.close_term(actor=principal, school=school, term=term1)
    change = [MarkEntry(pupils[0].pk, "end", 1, "9")]
    with pytest.raises(Conflict):
        services.save_marks(entries=change, **kw)
    assert Mark.objects.get(pupil=pupils[0], kind="end").score == Decimal(8)
    services.save_marks(entries=change, reason="Chấm phúc khảo bài cuối kì", **kw)
    event = AuditEvent.objects.get(action="education.marks_changed_after_close")
    assert event.after["reason"] == "Chấm phúc khảo bài cuối kì"
    assert event.before == {f"{pupils[0].pk}/end/1": "8.0"}
    assert selectors.mark_sheet(school_class, maths, term1).closed


def test_parents_are_told_and_see_their_childs_marks_only(
    teacher, school_class, maths, term1, pupils, parent
):
    services.save_marks(
        actor=teacher, school_class=school_class, subject=maths, term=term1,
        entries=_full_marks(pupils[0]) + [MarkEntry(pupils[1].pk, "mid", 1, "5")],
    )  # fmt: skip
    assert list(selectors.children_of(parent)) == [pupils[0]]
    assert Notification.objects.filter(user=parent).count() == 1
    lines = selectors.pupil_marks(pupils[0], [term1])
    assert lines[0].averages[term1.pk] == Decimal("7.7")


def test_a_pupil_is_linked_to_the_registry_person_with_the_same_id(principal, school):
    from tinhso.population.models import Person

    person = Person.objects.create(full_name="Lê Minh Châu", name_folded="le minh chau",
                                   personal_id="022212000199")  # fmt: skip
    pupil = services.enrol_pupil(
        actor=principal, school=school, personal_id="022212000199", full_name="Lê Minh Châu",
        date_of_birth=datetime.date(2012, 1, 1),
    )  # fmt: skip
    assert pupil.person == person
    with pytest.raises(ValidationFailed):
        services.enrol_pupil(
            actor=principal, school=school, personal_id="12345", full_name="X",
            date_of_birth=datetime.date(2012, 1, 1),
        )  # fmt: skip


def test_a_teacher_of_another_school_cannot_be_assigned(make_staff, principal, school_class, maths):
    outsider = make_staff(Role.TEACHER, "STP")
    with pytest.raises(ValidationFailed):
        services.assign_teacher(
            actor=principal, school_class=school_class, subject=maths, teacher=outsider
        )
