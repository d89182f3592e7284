"""The control slip's steps and the dossier's clock (Decree 118/2025/NĐ-CP, form 06): which
step comes next and its deadline, closing it, and the pause while the applicant
supplements. Below the transitions (transitions.py) and the applicant's filing."""

from __future__ import annotations

import datetime
import math

from django.utils import timezone

from tinhso.accounts.models import User
from tinhso.core import workdays
from tinhso.core.compiled import insert
from tinhso.procedures.schema import StepDef

from .. import workflow
from ..models import Dossier, DossierStep
from .common import definition_of

GENERIC_STEPS = {
    workflow.OFFICER: StepDef(code="mot-cua", name="Bộ phận một cửa", role="one_stop_officer", days=1),
    workflow.SPECIALIST: StepDef(code="xu-ly", name="Thẩm định, xử lý", role="specialist", days=1),
    workflow.LEADER: StepDef(code="phe-duyet", name="Phê duyệt, ký", role="leader", days=1),
}  # fmt: skip


def local_day(now: datetime.datetime) -> datetime.date:
    return timezone.localtime(now).date()


def budget(days: float) -> int:
    """A step's time budget in whole working days (half a day rounds up)."""
    return max(1, math.ceil(days)) if days > 0 else 0


def open_step(dossier: Dossier) -> DossierStep | None:
    return dossier.steps.filter(finished_at__isnull=True).order_by("-started_at", "-pk").first()


def _next_definition(dossier: Dossier, role: str) -> tuple[int | None, StepDef]:
    steps = definition_of(dossier).steps
    start = (dossier.step_index + 1) if dossier.step_index is not None else 0
    for index in list(range(start, len(steps))) + list(range(0, start)):
        if steps[index].role == role:
            return index, steps[index]
    return None, GENERIC_STEPS[role]


def start_step(dossier: Dossier, *, role: str, now, assignee: User | None = None) -> DossierStep:
    """Open the next step of `role` with its own deadline, at the desk for one-stop
    officers and at the processing agency otherwise."""
    index, definition = _next_definition(dossier, role)
    cal = workdays.calendar()
    where = dossier.desk if role == workflow.OFFICER else dossier.agency
    start_day = cal.receipt_day(now, where.cut_off_time)
    step = insert(
        DossierStep(
            dossier=dossier,
            code=definition.code,
            name=definition.name,
            role=role,
            agency=where,
            assignee=assignee,
            started_at=now,
            due_date=cal.add_working_days(start_day, budget(definition.days)),
        )
    )
    if index is not None:
        dossier.step_index = index
    dossier.step_due_date = step.due_date
    return step


def close_step(dossier: Dossier, *, actor, outcome: str, now) -> DossierStep | None:
    step = open_step(dossier)
    if step is not None:
        step.finished_at, step.finished_by, step.outcome = now, actor, outcome
        step.save(update_fields=["finished_at", "finished_by", "outcome"])
    dossier.step_due_date = None
    return step


def resume_clock(dossier: Dossier, *, now) -> int:
    """End a pause: push the dossier's and the open step's deadlines back by the
    working days the clock stood still. Returns that number."""
    if dossier.paused_at is None:
        return 0
    cal = workdays.calendar()
    paused = cal.working_days_between(local_day(dossier.paused_at), local_day(now))
    if paused:
        if dossier.due_date:
            dossier.due_date = cal.add_working_days(dossier.due_date, paused)
        if dossier.expected_date:
            dossier.expected_date = cal.add_working_days(dossier.expected_date, paused)
        if dossier.appointment_date:  # an apology's new date moves with the clock too
            dossier.appointment_date = cal.add_working_days(dossier.appointment_date, paused)
        step = open_step(dossier)
        if step is not None:
            step.due_date = cal.add_working_days(step.due_date, paused)
            step.paused_days += paused
            step.save(update_fields=["due_date", "paused_days"])
            dossier.step_due_date = step.due_date
    dossier.paused_at = None
    return paused
