"""Vaccination at a facility: recording a dose, and the commune station's lists of
children due or overdue for a dose of the expanded programme (children of the
station's ward, from the population registry)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.accounts.models import Role
from tinhso.audit.services import record_event
from tinhso.core.dates import add_months
from tinhso.core.errors import ValidationFailed

from . import dcc, schedule
from .dcc_error_codes import DccErrorCode
from .models import Facility, Immunization, ImmunizationStatus, Patient

VACCINATOR_ROLES = frozenset({Role.DOCTOR, Role.NURSE, Role.HEALTH_STAFF})
SCHEDULE_AGE_YEARS = 6  # the expanded programme's children; older ones drop off the lists


def vaccine_choices() -> list[tuple[str, str]]:
    """(CVX code, name) of the programme's vaccines and the COVID-19 products."""
    seen: dict[str, str] = {}
    for step in schedule.steps():
        code = sorted(step.vaccine_codes)[0]
        seen.setdefault(code, step.name_vi)
    for code, product in dcc.PRODUCTS.items():
        seen.setdefault(code, f"COVID-19 · {product.name}")
    return sorted(seen.items(), key=lambda item: item[1])


def vaccine_name(code: str) -> str:
    return dict(vaccine_choices()).get(code, "")


def can_vaccinate(user, facility: Facility) -> bool:
    return authz.has_role(user, VACCINATOR_ROLES, agency=facility.agency)


@transaction.atomic
def record_dose(
    *,
    actor,
    patient: Patient,
    facility: Facility,
    vaccine_code: str,
    dose_number: int,
    occurred_on: datetime.date,
    lot_number: str = "",
    series_doses: int | None = None,
) -> Immunization:
    """A dose given at `facility` by `actor` (a doctor, nurse or station staff of the
    facility; `actor=None` from trusted code)."""
    if actor is not None:
        authz.require_role(actor, VACCINATOR_ROLES, agency=facility.agency)
    name = vaccine_name(vaccine_code)
    errors = {}
    if not name:
        errors["vaccine_code"] = _("Chọn vắc xin trong danh mục.")
    if not 1 <= dose_number <= 9:
        errors["dose_number"] = _("Mũi số từ 1 đến 9.")
    today = timezone.localdate()
    if occurred_on > today:
        errors["occurred_on"] = _("Ngày tiêm không thể sau hôm nay.")
    elif patient.date_of_birth and occurred_on < patient.date_of_birth:
        errors["occurred_on"] = _("Ngày tiêm không thể trước ngày sinh.")
    if len(lot_number) > 40:
        errors["lot_number"] = _("Số lô tối đa 40 ký tự.")
    if errors:
        raise ValidationFailed(
            _("Thông tin mũi tiêm chưa hợp lệ."), code=DccErrorCode.BAD_DOSE, fields=errors
        )
    product = dcc.PRODUCTS.get(vaccine_code)
    dose = Immunization.objects.create(
        patient=patient,
        facility=facility,
        recorded_by=actor,
        practitioner=actor,
        vaccine_code=vaccine_code,
        vaccine_name=name,
        product_name=product.name if product else "",
        lot_number=lot_number.strip(),
        target_disease=dcc.COVID_19 if product else "",
        dose_number=dose_number,
        series_doses=series_doses,
        occurred_on=occurred_on,
        status=ImmunizationStatus.COMPLETED,
    )
    record_event(
        actor=actor,
        action="health.dose_recorded",
        object_type="health.Immunization",
        object_id=dose.pk,
        after={
            "patient": patient.pk,
            "vaccine": vaccine_code,
            "dose": dose_number,
            "on": occurred_on.isoformat(),
            "facility": facility.code,
        },
        agency_code=facility.agency.code,
    )
    return dose


@dataclass(frozen=True)
class ChildDue:
    person_id: int
    patient_id: int | None
    full_name: str
    date_of_birth: datetime.date
    masked_id: str
    dose: schedule.ScheduledDose


def due_children(
    *, viewer, facility: Facility, today: datetime.date | None = None, limit: int = 2000
) -> list[ChildDue]:
    """Children living in the station's ward (the registry), born in the last six
    years, with each schedule step they are due or overdue for; overdue first, then by
    due date. Two queries whatever the number of children."""
    from tinhso.population.models import Person  # a read of the registry, never a write

    authz.require_role(viewer, VACCINATOR_ROLES, agency=facility.agency)
    today = today or timezone.localdate()
    if facility.unit_id is None:
        return []
    children = list(
        Person.objects.filter(
            ward_id=facility.unit_id,
            merged_into__isnull=True,
            date_of_birth__gt=add_months(today, -12 * SCHEDULE_AGE_YEARS),
            date_of_birth__lte=today,
        )
        .select_related("patient")
        .order_by("date_of_birth", "pk")[:limit]
    )
    doses: dict[int, list[tuple[str, datetime.date]]] = defaultdict(list)
    for person_id, code, day in Immunization.objects.filter(
        patient__person__in=[c.pk for c in children], status=ImmunizationStatus.COMPLETED
    ).values_list("patient__person_id", "vaccine_code", "occurred_on"):
        doses[person_id].append((code, day))
    rows = []
    for child in children:
        plan = schedule.child_schedule(
            birth_date=child.date_of_birth, doses=doses.get(child.pk, []), today=today
        )
        patient = getattr(child, "patient", None)
        for step in schedule.needs_attention(plan):
            rows.append(
                ChildDue(
                    person_id=child.pk,
                    patient_id=patient.pk if patient else None,
                    full_name=child.full_name,
                    date_of_birth=child.date_of_birth,
                    masked_id=child.masked_personal_id,
                    dose=step,
                )
            )
    rows.sort(key=lambda r: (r.dose.status != schedule.Status.OVERDUE, r.dose.due_on, r.full_name))
    return rows
