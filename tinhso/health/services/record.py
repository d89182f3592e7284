"""The record: conditions (ICD-10), observations (vital signs, LOINC + UCUM),
allergies, immunizations, consultation notes; and break-glass access."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.errors import Conflict, ValidationFailed

from .. import codes
from ..error_codes import HealthErrorCode
from ..models import (
    AllergyIntolerance,
    BreakGlassAccess,
    Condition,
    Encounter,
    EncounterStatus,
    Facility,
    Immunization,
    Observation,
    Patient,
)
from ._common import CLINICAL_ROLES, PRESCRIBER_ROLES, audit, require_at

__all__ = [
    "add_condition",
    "add_observation",
    "add_allergy",
    "record_immunization",
    "add_consultation_note",
    "finish_encounter",
    "break_glass",
    "BREAK_GLASS_HOURS",
]

BREAK_GLASS_HOURS = 8
REASON_MIN = 10


def _check_encounter(encounter: Encounter | None, patient: Patient) -> None:
    if encounter is not None and encounter.patient_id != patient.pk:
        raise ValidationFailed(_("Lượt khám không phải của người bệnh này."))


@transaction.atomic
def add_condition(
    *, actor, facility: Facility, patient: Patient, code: str, text: str = "",
    encounter: Encounter | None = None, onset_date: datetime.date | None = None,
) -> Condition:  # fmt: skip
    """A diagnosis by its ICD-10 code (of the list); the text defaults to its title."""
    require_at(actor, PRESCRIBER_ROLES | CLINICAL_ROLES, facility)
    _check_encounter(encounter, patient)
    code = code.strip().upper()
    title = codes.icd10().get(code)
    if title is None:
        raise ValidationFailed(
            _("Mã ICD-10 %(code)s không có trong danh mục.") % {"code": code},
            code=HealthErrorCode.UNKNOWN_CODE,
            fields={"code": _("Mã không có trong danh mục.")},
        )
    condition = Condition.objects.create(
        patient=patient, encounter=encounter, facility=facility, recorded_by=actor,
        code=code, text=text.strip() or title, onset_date=onset_date,
    )  # fmt: skip
    audit(actor, "health.condition_added", condition, facility=facility,
          after={"patient": patient.pk, "code": code})  # fmt: skip
    return condition


@transaction.atomic
def add_observation(
    *, actor, facility: Facility, patient: Patient, code: str, value,
    encounter: Encounter | None = None, effective_at: datetime.datetime | None = None,
) -> Observation:  # fmt: skip
    """A vital sign by its LOINC code, in its UCUM unit, within a plausible range."""
    require_at(actor, CLINICAL_ROLES, facility)
    _check_encounter(encounter, patient)
    sign = codes.VITAL_SIGNS.get(code)
    if sign is None:
        raise ValidationFailed(
            _("Mã chỉ số %(code)s không thuộc danh mục dấu hiệu sinh tồn.") % {"code": code},
            code=HealthErrorCode.UNKNOWN_CODE,
        )
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not (sign.low <= number <= sign.high):
        raise ValidationFailed(
            _("%(label)s phải là số từ %(low)s đến %(high)s %(unit)s.")
            % {"label": sign.label, "low": sign.low, "high": sign.high, "unit": sign.unit},
            code=HealthErrorCode.BAD_OBSERVATION,
            fields={code: _("Giá trị không hợp lý.")},
        )
    observation = Observation.objects.create(
        patient=patient, encounter=encounter, facility=facility, recorded_by=actor,
        code=code, display=sign.display, value=number, unit=sign.unit,
        effective_at=effective_at or timezone.now(),
    )  # fmt: skip
    audit(actor, "health.observation_added", observation, facility=facility,
          after={"patient": patient.pk, "code": code})  # fmt: skip
    return observation


@transaction.atomic
def add_allergy(
    *, actor, facility: Facility, patient: Patient, substance: str, category: str,
    criticality: str = AllergyIntolerance.Criticality.LOW, reaction: str = "", code: str = "",
) -> AllergyIntolerance:  # fmt: skip
    require_at(actor, CLINICAL_ROLES, facility)
    if not substance.strip():
        raise ValidationFailed(_("Cần ghi chất gây dị ứng."), fields={"substance": _("Bắt buộc.")})
    if category not in AllergyIntolerance.Category.values:
        raise ValidationFailed(_("Loại dị ứng không hợp lệ."), fields={"category": category})
    if criticality not in AllergyIntolerance.Criticality.values:
        raise ValidationFailed(_("Mức độ không hợp lệ."), fields={"criticality": criticality})
    allergy = AllergyIntolerance.objects.create(
        patient=patient, facility=facility, recorded_by=actor, substance=substance.strip(),
        category=category, criticality=criticality, reaction=reaction.strip(), code=code,
    )  # fmt: skip
    audit(actor, "health.allergy_added", allergy, facility=facility,
          after={"patient": patient.pk, "category": category})  # fmt: skip
    return allergy


@transaction.atomic
def record_immunization(
    *, actor, facility: Facility, patient: Patient, vaccine_code: str, dose_number: int,
    occurred_on: datetime.date, lot_number: str = "", product_name: str = "",
    manufacturer: str = "", vaccine_name: str = "", target_disease: str = "",
    series_doses: int | None = None, encounter: Encounter | None = None,
    vaccine_system: str = codes.CVX_SYSTEM,
) -> Immunization:  # fmt: skip
    """A dose given at the facility (by whoever gave it: the actor)."""
    require_at(actor, CLINICAL_ROLES, facility)
    _check_encounter(encounter, patient)
    name = vaccine_name or codes.VACCINES.get(vaccine_code, "")
    if not name:
        raise ValidationFailed(
            _("Mã vắc xin %(code)s không có trong danh mục.") % {"code": vaccine_code},
            code=HealthErrorCode.UNKNOWN_CODE,
            fields={"vaccine_code": _("Mã không có trong danh mục.")},
        )
    if dose_number < 1 or dose_number > 10:
        raise ValidationFailed(_("Số mũi tiêm từ 1 đến 10."), fields={"dose_number": dose_number})
    if occurred_on > timezone.localdate():
        raise ValidationFailed(
            _("Ngày tiêm không thể ở tương lai."), fields={"occurred_on": _("Ngày ở tương lai.")}
        )
    if patient.date_of_birth and occurred_on < patient.date_of_birth:
        raise ValidationFailed(
            _("Ngày tiêm trước ngày sinh."), fields={"occurred_on": _("Trước ngày sinh.")}
        )
    dose = Immunization.objects.create(
        patient=patient, encounter=encounter, facility=facility, recorded_by=actor,
        practitioner=actor, vaccine_system=vaccine_system, vaccine_code=vaccine_code,
        vaccine_name=name, product_name=product_name, manufacturer=manufacturer,
        lot_number=lot_number.strip(), dose_number=dose_number, series_doses=series_doses,
        occurred_on=occurred_on, target_disease=target_disease,
    )  # fmt: skip
    audit(actor, "health.immunization_recorded", dose, facility=facility,
          after={"patient": patient.pk, "vaccine": vaccine_code, "dose": dose_number})  # fmt: skip
    return dose


@transaction.atomic
def add_consultation_note(*, actor, encounter: Encounter, note: str) -> Encounter:
    """Ghi chú khám bệnh (a telehealth consultation's too), appended to the encounter."""
    encounter = Encounter.objects.select_for_update().get(pk=encounter.pk)
    require_at(actor, PRESCRIBER_ROLES | CLINICAL_ROLES, encounter.facility)
    if not note.strip():
        raise ValidationFailed(_("Ghi chú trống."), fields={"note": _("Bắt buộc.")})
    if encounter.status in (EncounterStatus.FINISHED, EncounterStatus.CANCELLED):
        raise Conflict(
            _("Lượt khám đã kết thúc, không thể thêm ghi chú."),
            code=HealthErrorCode.ENCOUNTER_CLOSED,
        )
    stamp = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    author = actor.get_full_name() if actor is not None else ""
    encounter.note = (encounter.note + "\n\n" if encounter.note else "") + (
        f"[{stamp} {author}] {note.strip()}"
    )
    encounter.status = EncounterStatus.IN_PROGRESS
    if encounter.practitioner_id is None and actor is not None:
        encounter.practitioner = actor
    encounter.save(update_fields=["note", "status", "practitioner"])
    audit(actor, "health.note_added", encounter, facility=encounter.facility,
          after={"patient": encounter.patient_id})  # fmt: skip
    return encounter


@transaction.atomic
def finish_encounter(*, actor, encounter: Encounter) -> Encounter:
    encounter = Encounter.objects.select_for_update().get(pk=encounter.pk)
    require_at(actor, CLINICAL_ROLES, encounter.facility)
    if encounter.status in (EncounterStatus.FINISHED, EncounterStatus.CANCELLED):
        raise Conflict(_("Lượt khám đã kết thúc."), code=HealthErrorCode.ENCOUNTER_CLOSED)
    encounter.status = EncounterStatus.FINISHED
    encounter.ended_at = timezone.now()
    encounter.save(update_fields=["status", "ended_at"])
    audit(actor, "health.encounter_finished", encounter, facility=encounter.facility)
    return encounter


@transaction.atomic
def break_glass(*, actor, facility: Facility, patient: Patient, reason: str) -> BreakGlassAccess:
    """Truy cập khẩn cấp: read a patient never seen at one's facility, for a reason
    that is recorded (and shown to the patient with the read)."""
    require_at(actor, CLINICAL_ROLES, facility)
    reason = reason.strip()
    if len(reason) < REASON_MIN:
        raise ValidationFailed(
            _("Hãy ghi rõ lý do truy cập hồ sơ (ít nhất %(n)s ký tự).") % {"n": REASON_MIN},
            code=HealthErrorCode.REASON_REQUIRED,
            fields={"reason": _("Cần ghi lý do.")},
        )
    now = timezone.now()
    access = BreakGlassAccess.objects.create(
        user=actor, patient=patient, facility=facility, reason=reason[:500], at=now,
        expires_at=now + datetime.timedelta(hours=BREAK_GLASS_HOURS),
    )  # fmt: skip
    audit(actor, "health.break_glass", access, facility=facility,
          after={"patient": patient.pk, "reason": reason[:500]})  # fmt: skip
    return access
