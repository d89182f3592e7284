"""Vaccination at a facility: recording a dose, and the commune station's lists of
children due or overdue for a dose of the expanded programme (children of the
station's ward, from the population registry)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.core.dates import add_months
from tinhso.core.errors import ValidationFailed

from . import dcc, schedule
from .codes import VACCINES
from .dcc_error_codes import DccErrorCode
from .models import Facility, Immunization, ImmunizationStatus, Patient
from .selectors import audit_read
from .services import record_immunization
from .services._common import CLINICAL_ROLES

VACCINATOR_ROLES = CLINICAL_ROLES  # who records doses: a doctor, nurse or station staff
SCHEDULE_AGE_YEARS = 6  # the expanded programme's children; older ones drop off the lists


def vaccine_choices() -> list[tuple[str, str]]:
    """(CVX code, name): the national list of the record (`codes.VACCINES`), the
    schedule's vaccines, the COVID-19 products a certificate can name."""
    seen: dict[str, str] = dict(VACCINES)
    for step in schedule.steps():
        if not step.vaccine_codes & seen.keys():
            seen[sorted(step.vaccine_codes)[0]] = step.name_vi
    for code, product in dcc.PRODUCTS.items():
        seen.setdefault(code, f"COVID-19 · {product.name}")
    return sorted(seen.items(), key=lambda item: item[1])


def vaccine_name(code: str) -> str:
    return dict(vaccine_choices()).get(code, "")


def can_vaccinate(user, facility: Facility) -> bool:
    return authz.has_role(user, VACCINATOR_ROLES, agency=facility.agency)


def open_doses(*, viewer, facility: Facility, patient: Patient):
    """A person's doses for a vaccinator of `facility`: a read of their record, so
    audited like every other (the person sees who opened it and where)."""
    authz.require_role(viewer, VACCINATOR_ROLES, agency=facility.agency)
    audit_read(viewer=viewer, patient=patient, facility=facility, purpose="vaccination")
    return patient.immunizations.select_related("facility").order_by("occurred_on", "dose_number")


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
    """A dose given at `facility` from the vaccination page: the record's own service
    (`services.record_immunization`: rights, checks, audit) with the vaccine named
    from the list above and a COVID-19 product marked for certificates."""
    name = vaccine_name(vaccine_code)
    if not name:
        raise ValidationFailed(
            _("Chọn vắc xin trong danh mục."),
            code=DccErrorCode.BAD_DOSE,
            fields={"vaccine_code": _("Chọn vắc xin trong danh mục.")},
        )
    product = dcc.PRODUCTS.get(vaccine_code)
    return record_immunization(
        actor=actor,
        facility=facility,
        patient=patient,
        vaccine_code=vaccine_code,
        vaccine_name=name,
        dose_number=dose_number,
        occurred_on=occurred_on,
        lot_number=lot_number,
        product_name=product.name if product else "",
        target_disease=dcc.COVID_19 if product else "",
        series_doses=series_doses,
    )


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
        if child.date_of_birth is None:  # filtered out above; for the type checker
            continue
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
