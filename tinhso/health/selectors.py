"""Reads of the health app. Every read of a patient's record by staff is audited
(`health.record_read`); a patient never seen at the reader's facility needs a
break-glass reason first."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.db.models.expressions import Combinable
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.accounts.models import HEALTH_ROLES
from tinhso.audit.models import AuditEvent
from tinhso.audit.services import record_event
from tinhso.core.errors import NotFound, PermissionDenied

from .error_codes import HealthErrorCode
from .models import (
    AllergyIntolerance,
    Appointment,
    AppointmentStatus,
    BreakGlassAccess,
    Condition,
    Encounter,
    Facility,
    Immunization,
    ImmunizationStatus,
    Observation,
    Patient,
    Prescription,
)
from .services._common import CLINICAL_ROLES

CHILD_AGE = 16  # a parent sees the record of household members younger than this
READ_ACTION = "health.record_read"


class BreakGlassRequired(PermissionDenied):
    def __init__(self, message) -> None:
        super().__init__(message, code=HealthErrorCode.BREAK_GLASS_REQUIRED)


def facilities_of(user, roles=HEALTH_ROLES) -> list[Facility]:
    """The facilities where the user holds one of `roles` (an assignment at the
    Department of Health covers all of them)."""
    paths = [
        a.agency.path for a in authz.assignments(user) if a.role in roles and a.agency is not None
    ]
    if not paths:
        return []
    query = Q()
    for path in paths:
        query |= Q(agency__path__startswith=path)
    return list(Facility.objects.filter(query, is_active=True).select_related("agency", "unit"))


def facility_for(user, code: str, roles=HEALTH_ROLES) -> Facility:
    """The facility by code, if the user works there; else PermissionDenied."""
    facility = Facility.objects.select_related("agency").filter(code=code).first()
    if facility is None:
        raise NotFound(_("Không có cơ sở y tế mã %(code)s.") % {"code": code})
    authz.require_role(user, roles, agency=facility.agency)
    return facility


def seen_at(patient: Patient, facilities: list[Facility]) -> bool:
    """Has the patient been cared for (or registered for insurance) at one of these?"""
    ids = [f.pk for f in facilities]
    if not ids:
        return False
    return (
        patient.bhyt_facility_id in ids
        or Encounter.objects.filter(patient=patient, facility_id__in=ids).exists()
        or Immunization.objects.filter(patient=patient, facility_id__in=ids).exists()
        or Appointment.objects.filter(patient=patient, facility_id__in=ids).exists()
    )


def active_break_glass(user, patient: Patient) -> BreakGlassAccess | None:
    return (
        BreakGlassAccess.objects.filter(user=user, patient=patient, expires_at__gt=timezone.now())
        .order_by("-at")
        .first()
    )


def read_patient(*, viewer, patient: Patient, facility: Facility, purpose: str = "") -> Patient:
    """Open a patient's record for a staff member working at `facility`. Audited;
    refused with BreakGlassRequired when the patient was never seen there and no
    break-glass reason is on file for this reader."""
    authz.require_role(viewer, CLINICAL_ROLES, agency=facility.agency)
    access = None
    if not seen_at(patient, [facility]):
        access = active_break_glass(viewer, patient)
        if access is None:
            raise BreakGlassRequired(
                _(
                    "Người bệnh này chưa từng khám tại cơ sở của bạn. Muốn xem hồ sơ, hãy ghi "
                    "lý do truy cập khẩn cấp (sẽ được ghi lại và người bệnh được xem)."
                )
            )
    audit_read(viewer=viewer, patient=patient, facility=facility, purpose=purpose,
               break_glass=access.reason if access is not None else "")  # fmt: skip
    return patient


def audit_read(*, viewer, patient: Patient, facility: Facility, purpose: str = "",
               break_glass: str = "") -> None:  # fmt: skip
    """The audit event of one read of a patient's record (access already checked)."""
    record_event(
        actor=viewer,
        action=READ_ACTION,
        object_type="health.Patient",
        object_id=patient.pk,
        after={"facility": facility.code, "purpose": purpose, "break_glass": break_glass},
        agency_code=facility.agency.code,
    )


def seen_q(facilities: list[Facility]) -> Q | Combinable:
    """Patients cared for at one of these facilities, as correlated EXISTS clauses
    (cheap on a search already narrowed by an index)."""
    from django.db.models import Exists, OuterRef

    ids = [f.pk for f in facilities]
    return (
        Q(bhyt_facility_id__in=ids)
        | Exists(Encounter.objects.filter(patient=OuterRef("pk"), facility_id__in=ids))
        | Exists(Immunization.objects.filter(patient=OuterRef("pk"), facility_id__in=ids))
        | Exists(Appointment.objects.filter(patient=OuterRef("pk"), facility_id__in=ids))
    )


@dataclass
class Record:
    patient: Patient
    encounters: list[Encounter] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    allergies: list[AllergyIntolerance] = field(default_factory=list)
    immunizations: list[Immunization] = field(default_factory=list)
    prescriptions: list[Prescription] = field(default_factory=list)


RECORD_LIMIT = 200  # per section: a record page stays bounded


def record_of(patient: Patient) -> Record:
    """The whole record, each section one query (the prescriptions two)."""
    return Record(
        patient=patient,
        encounters=list(
            Encounter.objects.filter(patient=patient)
            .select_related("facility", "practitioner")
            .order_by("-started_at")[:RECORD_LIMIT]
        ),
        conditions=list(
            Condition.objects.filter(patient=patient)
            .select_related("facility")
            .order_by("-recorded_at")[:RECORD_LIMIT]
        ),
        observations=list(
            Observation.objects.filter(patient=patient).order_by("-effective_at")[:RECORD_LIMIT]
        ),
        allergies=list(AllergyIntolerance.objects.filter(patient=patient)[:RECORD_LIMIT]),
        immunizations=list(
            Immunization.objects.filter(patient=patient)
            .exclude(status=ImmunizationStatus.ENTERED_IN_ERROR)
            .select_related("facility")
            .order_by("occurred_on", "dose_number")[:RECORD_LIMIT]
        ),
        prescriptions=list(
            Prescription.objects.filter(patient=patient)
            .select_related("facility", "practitioner")
            .prefetch_related("items")
            .order_by("-created_at")[:RECORD_LIMIT]
        ),
    )


def patient_of_account(user) -> Patient | None:
    """The citizen's own patient row (by the registry's link, or their personal ID)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    query = Q(person__account=user)
    if user.personal_id:
        query |= Q(personal_id=user.personal_id)
    return Patient.objects.filter(query).first()


def children_of(user, *, today: datetime.date | None = None) -> list[Patient]:
    """Patients who are young members of the citizen's household in the registry."""
    person = getattr(user, "population_person", None) if user is not None else None
    if person is None or person.household_id is None:
        return []
    today = today or timezone.localdate()
    born_after = today.replace(year=today.year - CHILD_AGE)
    if person.date_of_birth and person.date_of_birth > today.replace(year=today.year - 18):
        return []  # a minor is nobody's parent here
    return list(
        Patient.objects.filter(
            person__household_id=person.household_id,
            person__merged_into__isnull=True,
            date_of_birth__gt=born_after,
        )
        .exclude(person=person)
        .order_by("date_of_birth")
    )


def patients_of_citizen(user) -> list[Patient]:
    """Whose records the citizen sees: their own, then their children's."""
    own = patient_of_account(user)
    children = children_of(user) if user is not None else []
    return ([own] if own is not None else []) + [
        c for c in children if own is None or c.pk != own.pk
    ]


def citizen_patient(user, patient_id: int) -> Patient:
    for patient in patients_of_citizen(user):
        if patient.pk == patient_id:
            return patient
    raise NotFound(_("Không tìm thấy hồ sơ sức khỏe này trong tài khoản của bạn."))


def account_of_patient(patient: Patient):
    person = patient.person
    if person is not None and person.account_id is not None:
        return person.account
    if patient.personal_id:
        return get_user_model().objects.filter(personal_id=patient.personal_id).first()
    return None


@dataclass
class Read:
    at: datetime.datetime
    who: str
    facility: str
    break_glass: str


def reads_of(patient: Patient, *, limit: int = 100) -> list[Read]:
    """Who read the record (staff), newest first: what the citizen is shown."""
    events = list(
        AuditEvent.objects.filter(
            object_type="health.Patient", object_id=str(patient.pk), action=READ_ACTION
        ).order_by("-seq")[:limit]
    )
    people = {
        u.pk: u.get_full_name()
        for u in get_user_model().objects.filter(pk__in={e.actor_id for e in events})
    }
    names = dict(
        Facility.objects.filter(
            code__in={(e.after or {}).get("facility", "") for e in events}
        ).values_list("code", "name")
    )
    return [
        Read(
            at=e.at,
            who=people.get(e.actor_id or 0, e.actor_label),
            facility=names.get((e.after or {}).get("facility", ""), ""),
            break_glass=(e.after or {}).get("break_glass", ""),
        )
        for e in events
    ]


def today_queue(facility: Facility, *, day: datetime.date | None = None) -> QuerySet[Encounter]:
    day = day or timezone.localdate()
    return (
        Encounter.objects.filter(facility=facility, service_date=day)
        .select_related("patient")
        .order_by("queue_number")
    )


def search_patients(*, q: str, limit: int = 20) -> QuerySet[Patient]:
    """By exact personal ID, social-insurance number or card code (no name search: a
    name is not enough to open someone's record)."""
    q = q.strip().upper()
    if not q:
        return Patient.objects.none()
    return Patient.objects.filter(
        Q(personal_id=q) | Q(social_insurance_number=q) | Q(bhyt_card_code=q)
    )[:limit]


def free_slots(
    *, facility: Facility | None = None, after: datetime.datetime | None = None, limit: int = 100
) -> QuerySet[Appointment]:
    qs = Appointment.objects.filter(
        status=AppointmentStatus.FREE, start__gt=after or timezone.now()
    ).select_related("facility", "practitioner")
    if facility is not None:
        qs = qs.filter(facility=facility)
    return qs.order_by("start")[:limit]


def appointments_of_patients(patients: list[Patient]) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(
            patient__in=patients, start__gte=timezone.now() - datetime.timedelta(days=1)
        )
        .select_related("facility", "practitioner", "patient")
        .order_by("start")
    )


# ---------------------------------------------------------------- steering and open data


def health_counts() -> dict[str, int]:
    """The platform's own counts (never a person): records, chip-ID check-ins, doses."""
    from .models import CheckinMethod

    return {
        "records": Patient.objects.count(),
        "checkins_chip": Encounter.objects.filter(checkin_method=CheckinMethod.CHIP_QR).count(),
        "encounters": Encounter.objects.count(),
        "doses": Immunization.objects.filter(status=ImmunizationStatus.COMPLETED).count(),
        "facilities_checking_in": Encounter.objects.filter(checkin_method=CheckinMethod.CHIP_QR)
        .values("facility")
        .distinct()
        .count(),
    }


def day_counts(day: datetime.date) -> dict[str, int]:
    """Today's figures for the operations centre: check-ins (of which by chip ID card)
    and vaccine doses given on `day`, from two indexed counts."""
    from django.db.models import Count

    from .models import CheckinMethod

    checkins = Encounter.objects.filter(service_date=day).aggregate(
        all=Count("id"), chip=Count("id", filter=Q(checkin_method=CheckinMethod.CHIP_QR))
    )
    return {
        "checkins": checkins["all"],
        "checkins_chip": checkins["chip"],
        "doses": Immunization.objects.filter(
            occurred_on=day, status=ImmunizationStatus.COMPLETED
        ).count(),
    }


def checkins_per_facility_month() -> list[dict]:
    """Check-ins per facility and month (facility code and name, month, count, of
    which by chip ID card): counts only, never a person."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    from .models import CheckinMethod

    rows = (
        Encounter.objects.annotate(month=TruncMonth("service_date"))
        .values("facility__code", "facility__name", "month")
        .annotate(n=Count("id"), chip=Count("id", filter=Q(checkin_method=CheckinMethod.CHIP_QR)))
        .order_by("month", "facility__code")
    )
    return [
        {
            "facility_code": r["facility__code"],
            "facility_name": r["facility__name"],
            "month": r["month"].strftime("%Y-%m") if r["month"] else "",
            "checkins": r["n"],
            "chip_checkins": r["chip"],
        }
        for r in rows
    ]
