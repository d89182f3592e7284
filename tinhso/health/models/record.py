"""The patient's record, FHIR-minded: conditions (ICD-10), observations (LOINC + UCUM),
allergies and immunizations, each an entry of the same shape (`_Entry`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .clinical import Encounter, Facility, Patient

__all__ = [
    "Condition",
    "Observation",
    "AllergyIntolerance",
    "Immunization",
    "ImmunizationStatus",
]

USER = settings.AUTH_USER_MODEL


class ClinicalStatus(models.TextChoices):
    ACTIVE = "active", _("Đang mắc")
    RESOLVED = "resolved", _("Đã khỏi")
    INACTIVE = "inactive", _("Không hoạt động")


class _Entry(models.Model):
    """What every entry of the record carries: whose, where, when, by whom."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    encounter = models.ForeignKey(
        Encounter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Condition(_Entry):
    """Chẩn đoán, bệnh: an ICD-10 code and its text."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="conditions")
    code = models.CharField(_("mã ICD-10"), max_length=10)
    text = models.CharField(_("tên bệnh"), max_length=300)
    clinical_status = models.CharField(
        max_length=10, choices=ClinicalStatus.choices, default=ClinicalStatus.ACTIVE
    )
    onset_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["patient", "-recorded_at"], name="health_cond_patient_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class Observation(_Entry):
    """Chỉ số: a LOINC-coded measurement (vital signs) with a UCUM unit."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="observations")
    code = models.CharField(_("mã LOINC"), max_length=20)
    display = models.CharField(max_length=120)
    category = models.CharField(max_length=30, default="vital-signs")
    value = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    value_text = models.CharField(max_length=200, blank=True)
    unit = models.CharField(_("đơn vị (UCUM)"), max_length=20, blank=True)
    effective_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, default="final")

    class Meta:
        ordering = ["-effective_at"]
        indexes = [
            models.Index(fields=["patient", "code", "-effective_at"], name="health_obs_patient_idx")
        ]

    def __str__(self) -> str:
        return f"{self.display} {self.value} {self.unit}"


class AllergyIntolerance(_Entry):
    """Dị ứng: a substance and how bad."""

    class Category(models.TextChoices):
        FOOD = "food", _("Thực phẩm")
        MEDICATION = "medication", _("Thuốc")
        ENVIRONMENT = "environment", _("Môi trường")
        BIOLOGIC = "biologic", _("Sinh phẩm")

    class Criticality(models.TextChoices):
        LOW = "low", _("Thấp")
        HIGH = "high", _("Cao")
        UNABLE = "unable-to-assess", _("Chưa đánh giá được")

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="allergies")
    code = models.CharField(max_length=20, blank=True)  # SNOMED CT when known
    substance = models.CharField(_("chất gây dị ứng"), max_length=200)
    category = models.CharField(max_length=12, choices=Category.choices)
    criticality = models.CharField(
        max_length=16, choices=Criticality.choices, default=Criticality.LOW
    )
    reaction = models.CharField(_("biểu hiện"), max_length=300, blank=True)
    clinical_status = models.CharField(
        max_length=10, choices=ClinicalStatus.choices, default=ClinicalStatus.ACTIVE
    )

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["patient"], name="health_allergy_patient_idx")]

    def __str__(self) -> str:
        return self.substance


class ImmunizationStatus(models.TextChoices):  # FHIR R4B immunization-status
    COMPLETED = "completed", _("Đã tiêm")
    ENTERED_IN_ERROR = "entered-in-error", _("Nhập nhầm")
    NOT_DONE = "not-done", _("Không tiêm")


class Immunization(_Entry):
    """Mũi tiêm: a dose of a vaccine (CVX or the national list), its lot and number."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="immunizations")
    vaccine_system = models.CharField(max_length=100, default="http://hl7.org/fhir/sid/cvx")
    vaccine_code = models.CharField(_("mã vắc xin"), max_length=20)
    vaccine_name = models.CharField(_("vắc xin"), max_length=200)
    product_name = models.CharField(_("tên sản phẩm"), max_length=200, blank=True)
    manufacturer = models.CharField(_("nhà sản xuất"), max_length=200, blank=True)
    lot_number = models.CharField(_("số lô"), max_length=40, blank=True)
    # The disease targeted (SNOMED CT: 840539006 COVID-19), for certificates and schedules.
    target_disease = models.CharField(max_length=20, blank=True)
    dose_number = models.PositiveSmallIntegerField(_("mũi số"))
    series_doses = models.PositiveSmallIntegerField(null=True, blank=True)
    occurred_on = models.DateField(_("ngày tiêm"))
    practitioner = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=ImmunizationStatus.choices, default=ImmunizationStatus.COMPLETED
    )

    class Meta:
        ordering = ["occurred_on", "dose_number"]
        indexes = [
            models.Index(fields=["patient", "occurred_on"], name="health_imm_patient_idx"),
            models.Index(fields=["facility", "occurred_on"], name="health_imm_facility_idx"),
            models.Index(fields=["vaccine_code"], name="health_imm_code_idx"),
            models.Index(fields=["occurred_on"], name="health_imm_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.vaccine_name} #{self.dose_number} {self.occurred_on}"
