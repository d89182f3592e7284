"""Stable error codes of vaccination certificates and e-prescriptions (the API's
problem responses carry them)."""

from enum import StrEnum


class DccErrorCode(StrEnum):
    NO_DOSES = "health_certificate_no_doses"
    NO_BIRTH_DATE = "health_certificate_no_birth_date"
    REASON_REQUIRED = "health_certificate_reason_required"
    ALREADY_REVOKED = "health_certificate_already_revoked"
    BAD_DOSE = "health_dose_invalid"


class PrescriptionErrorCode(StrEnum):
    BAD_CODE = "health_prescription_bad_code"
    NOT_FOUND = "health_prescription_not_found"
    ALREADY_DISPENSED = "health_prescription_already_dispensed"
    NOT_ISSUED = "health_prescription_not_issued"
    EXPIRED = "health_prescription_expired"
    NO_ITEMS = "health_prescription_no_items"
    TOO_LONG = "health_prescription_too_long"
    CONFIRMATION_REQUIRED = "health_prescription_confirmation_required"
    CONTROLLED_OPEN = "health_prescription_controlled_open"
    DIAGNOSIS_REQUIRED = "health_prescription_diagnosis_required"
