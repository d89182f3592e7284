"""Stable error codes of the health app (the API's problem responses and the FHIR
OperationOutcomes carry them)."""

from enum import StrEnum


class HealthErrorCode(StrEnum):
    BAD_QR = "health_bad_qr"
    BAD_PERSONAL_ID = "health_bad_personal_id"
    BAD_BHYT = "health_bad_bhyt"
    NOT_AT_FACILITY = "health_not_at_facility"
    BREAK_GLASS_REQUIRED = "health_break_glass_required"
    REASON_REQUIRED = "health_reason_required"
    UNKNOWN_CODE = "health_unknown_code"
    BAD_OBSERVATION = "health_bad_observation"
    SLOT_TAKEN = "health_slot_taken"
    SLOT_NOT_YOURS = "health_slot_not_yours"
    BAD_SLOT = "health_bad_slot"
    ENCOUNTER_CLOSED = "health_encounter_closed"
    PATIENT_NOT_FOUND = "health_patient_not_found"
