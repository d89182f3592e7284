"""Our rows as FHIR R4B resources, each built as a dict and validated by its
`fhir.resources.R4B` model (what leaves is valid FHIR, or the build fails)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from fhir.resources.R4B.allergyintolerance import AllergyIntolerance as FhirAllergy
from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.condition import Condition as FhirCondition
from fhir.resources.R4B.encounter import Encounter as FhirEncounter
from fhir.resources.R4B.immunization import Immunization as FhirImmunization
from fhir.resources.R4B.medicationrequest import MedicationRequest as FhirMedicationRequest
from fhir.resources.R4B.observation import Observation as FhirObservation
from fhir.resources.R4B.patient import Patient as FhirPatient

from .. import codes
from ..identifiers import BHXH_SYSTEM, BHYT_SYSTEM, CCCD_SYSTEM
from ..models import (
    AllergyIntolerance,
    Appointment,
    AppointmentStatus,
    Condition,
    Encounter,
    Immunization,
    Observation,
    Patient,
    Prescription,
    PrescriptionItem,
    PrescriptionStatus,
)

FACILITY_SYSTEM = "http://fhir.hl7.org.vn/core/sid/co-so-kcb"  # the 5-character code


def base_url() -> str:
    return f"{settings.PUBLIC_BASE_URL}/fhir"


PRESCRIPTION_SYSTEM = "http://fhir.hl7.org.vn/core/sid/don-thuoc-quoc-gia"


def _dt(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "hour"):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _clean(value: Any) -> Any:
    """Drop empty values (FHIR forbids empty strings, arrays and objects)."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        items = [_clean(v) for v in value]
        return [v for v in items if v not in (None, "", [], {})]
    return value


def _validated(model, data: dict) -> dict:
    data = _clean(data)
    return model.model_validate(data).model_dump(mode="json", exclude_none=True)


def patient_ref(patient_id: int, display: str = "") -> dict:
    return {"reference": f"Patient/{patient_id}", "display": display}


def _facility(facility) -> dict | None:
    if facility is None:
        return None
    return {
        "identifier": {"system": FACILITY_SYSTEM, "value": facility.code},
        "display": facility.name,
    }


def _person(user) -> dict | None:
    return {"display": user.get_full_name()} if user is not None else None


def patient_resource(p: Patient) -> dict:
    parts = p.full_name.split()
    identifiers: list[dict[str, Any]] = [
        {"use": "official", "system": CCCD_SYSTEM, "value": p.personal_id}
    ]
    period = {"start": _dt(p.bhyt_valid_from), "end": _dt(p.bhyt_valid_to)}
    if p.bhyt_card_code:
        identifiers.append({"system": BHYT_SYSTEM, "value": p.bhyt_card_code, "period": period})
    if p.social_insurance_number:
        identifiers.append(
            {"system": BHXH_SYSTEM, "value": p.social_insurance_number, "period": period}
        )
    return _validated(
        FhirPatient,
        {
            "resourceType": "Patient",
            "id": str(p.pk),
            "meta": {"lastUpdated": _dt(p.updated_at)},
            "identifier": identifiers if p.personal_id else identifiers[1:],
            "name": [
                {"use": "official", "text": p.full_name, "family": parts[0] if parts else None,
                 "given": parts[1:]}
            ],
            "gender": p.sex or "unknown",
            "birthDate": _dt(p.date_of_birth),
            "address": [{"text": p.address}] if p.address else [],
            "telecom": [{"system": "phone", "value": p.phone}] if p.phone else [],
            "generalPractitioner": [_facility(p.bhyt_facility)] if p.bhyt_facility_id else [],
        },
    )  # fmt: skip


def encounter_resource(e: Encounter) -> dict:
    return _validated(
        FhirEncounter,
        {
            "resourceType": "Encounter",
            "id": str(e.pk),
            "identifier": [
                {
                    "system": f"{base_url()}/sid/queue/{e.facility.code}/{e.service_date.isoformat()}",
                    "value": str(e.queue_number),
                }
            ] if e.queue_number else [],
            "status": e.status,
            "class": {
                "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                "code": e.encounter_class,
                "display": e.get_encounter_class_display(),
            },
            "subject": patient_ref(e.patient_id),
            "participant": [{"individual": _person(e.practitioner)}] if e.practitioner_id else [],
            "period": {"start": _dt(e.started_at), "end": _dt(e.ended_at)},
            "reasonCode": [{"text": e.reason}] if e.reason else [],
            "serviceProvider": _facility(e.facility),
        },
    )  # fmt: skip


def condition_resource(c: Condition) -> dict:
    return _validated(
        FhirCondition,
        {
            "resourceType": "Condition",
            "id": str(c.pk),
            "clinicalStatus": {
                "coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": c.clinical_status,
                }]
            },
            "verificationStatus": {
                "coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "code": "confirmed",
                }]
            },
            "code": {
                "coding": [{"system": codes.ICD10_SYSTEM, "code": c.code,
                            "display": codes.icd10().get(c.code)}],
                "text": c.text,
            },
            "subject": patient_ref(c.patient_id),
            "encounter": {"reference": f"Encounter/{c.encounter_id}"} if c.encounter_id else None,
            "onsetDateTime": _dt(c.onset_date),
            "recordedDate": _dt(c.recorded_at),
            "recorder": _person(c.recorded_by),
        },
    )  # fmt: skip


def observation_resource(o: Observation) -> dict:
    value = None
    if o.value is not None:
        value = {"value": float(o.value), "unit": o.unit, "system": codes.UCUM_SYSTEM,
                 "code": o.unit}  # fmt: skip
    return _validated(
        FhirObservation,
        {
            "resourceType": "Observation",
            "id": str(o.pk),
            "status": o.status,
            "category": [{
                "coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                    "code": o.category,
                }]
            }],
            "code": {"coding": [{"system": codes.LOINC_SYSTEM, "code": o.code,
                                 "display": o.display}], "text": o.display},
            "subject": patient_ref(o.patient_id),
            "encounter": {"reference": f"Encounter/{o.encounter_id}"} if o.encounter_id else None,
            "effectiveDateTime": _dt(o.effective_at),
            "valueQuantity": value,
            "valueString": o.value_text if value is None else None,
        },
    )  # fmt: skip


def allergy_resource(a: AllergyIntolerance) -> dict:
    code: dict[str, Any] = {"text": a.substance}
    if a.code:
        code["coding"] = [{"system": codes.SNOMED_SYSTEM, "code": a.code}]
    return _validated(
        FhirAllergy,
        {
            "resourceType": "AllergyIntolerance",
            "id": str(a.pk),
            "clinicalStatus": {
                "coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                    "code": a.clinical_status,
                }]
            },
            "category": [a.category],
            "criticality": a.criticality,
            "code": code,
            "patient": patient_ref(a.patient_id),
            "recordedDate": _dt(a.recorded_at),
            "reaction": [{"manifestation": [{"text": a.reaction}]}] if a.reaction else [],
        },
    )  # fmt: skip


def immunization_resource(i: Immunization) -> dict:
    return _validated(
        FhirImmunization,
        {
            "resourceType": "Immunization",
            "id": str(i.pk),
            "status": i.status,
            "vaccineCode": {
                "coding": [{"system": i.vaccine_system, "code": i.vaccine_code,
                            "display": i.vaccine_name}],
                "text": i.product_name or i.vaccine_name,
            },
            "patient": patient_ref(i.patient_id),
            "occurrenceDateTime": _dt(i.occurred_on),
            "recorded": _dt(i.recorded_at),
            "lotNumber": i.lot_number,
            "manufacturer": {"display": i.manufacturer} if i.manufacturer else None,
            "location": {"display": i.facility.name} if i.facility else None,
            "performer": [{"actor": _person(i.practitioner)}] if i.practitioner_id else [],
            "protocolApplied": [{
                "doseNumberPositiveInt": i.dose_number,
                "seriesDosesPositiveInt": i.series_doses,
                "targetDisease": [{"coding": [{"system": codes.SNOMED_SYSTEM,
                                               "code": i.target_disease}]}]
                if i.target_disease else [],
            }],
        },
    )  # fmt: skip


_RX_STATUS: dict[str, str] = {
    PrescriptionStatus.DRAFT: "draft",
    PrescriptionStatus.ACTIVE: "active",
    PrescriptionStatus.COMPLETED: "completed",
    PrescriptionStatus.CANCELLED: "cancelled",
}


def medication_request_resource(rx: Prescription, item: PrescriptionItem) -> dict:
    """One MedicationRequest per drug; the prescription code is their group identifier."""
    medication: dict[str, Any] = {"text": item.drug_name}
    if item.drug_code:
        medication["coding"] = [{"code": item.drug_code, "display": item.drug_name}]
    group = {"system": PRESCRIPTION_SYSTEM, "value": rx.code} if rx.code else None
    duration = None
    if item.duration_days:
        duration = {"value": item.duration_days, "unit": "ngày", "system": codes.UCUM_SYSTEM,
                    "code": "d"}  # fmt: skip
    return _validated(
        FhirMedicationRequest,
        {
            "resourceType": "MedicationRequest",
            "id": f"{rx.pk}-{item.pk}",
            "groupIdentifier": group,
            "status": _RX_STATUS.get(rx.status, "unknown"),
            "intent": "order",
            "medicationCodeableConcept": medication,
            "subject": patient_ref(rx.patient_id),
            "encounter": {"reference": f"Encounter/{rx.encounter_id}"} if rx.encounter_id else None,
            "authoredOn": _dt(rx.issued_at or rx.created_at),
            "requester": _person(rx.practitioner),
            "reasonCode": [{"text": rx.diagnosis}] if rx.diagnosis else [],
            "note": [{"text": rx.note}] if rx.note else [],
            "dosageInstruction": [{"text": item.dose_text}],
            "dispenseRequest": {
                "quantity": {"value": float(item.quantity), "unit": item.unit},
                "expectedSupplyDuration": duration,
            },
        },
    )  # fmt: skip


_APPOINTMENT_STATUS: dict[str, str] = {
    AppointmentStatus.FREE: "proposed",
    AppointmentStatus.BOOKED: "booked",
    AppointmentStatus.CANCELLED: "cancelled",
    AppointmentStatus.FULFILLED: "fulfilled",
    AppointmentStatus.NOSHOW: "noshow",
}


def appointment_resource(a: Appointment) -> dict:
    participants = [{"actor": _person(a.practitioner), "status": "accepted"}]
    if a.patient_id:
        participants.append({"actor": patient_ref(a.patient_id), "status": "accepted"})
    return _validated(
        FhirAppointment,
        {
            "resourceType": "Appointment",
            "id": str(a.pk),
            "status": _APPOINTMENT_STATUS.get(a.status, "proposed"),
            "appointmentType": {"text": a.get_kind_display()},
            "description": a.facility.name,
            "start": _dt(a.start),
            "end": _dt(a.end),
            "comment": a.note,
            "participant": participants,
        },
    )  # fmt: skip
