"""Prescriptions (MedicationRequest, the national 14-character code) and their items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .clinical import Encounter, Facility, Patient

__all__ = [
    "Prescription",
    "PrescriptionType",
    "PrescriptionStatus",
    "PrescriptionItem",
]

USER = settings.AUTH_USER_MODEL


class PrescriptionType(models.TextChoices):
    """The type letter ending the national prescription code."""

    NORMAL = "c", _("Thuốc thông thường")
    NARCOTIC = "n", _("Thuốc gây nghiện")
    PSYCHOTROPIC = "h", _("Thuốc hướng thần, tiền chất")
    OTHER = "y", _("Thuốc y học cổ truyền và khác")


class PrescriptionStatus(models.TextChoices):  # FHIR medicationrequest-status, in Vietnamese
    DRAFT = "draft", _("Đang kê")
    ACTIVE = "active", _("Đã kê, chờ cấp phát")
    COMPLETED = "completed", _("Đã cấp phát")
    CANCELLED = "cancelled", _("Đã hủy")


class Prescription(models.Model):
    """Đơn thuốc điện tử (MedicationRequest), with the national 14-character code
    (5-character facility code, 7 characters, `-`, the type letter), set when issued."""

    code = models.CharField(_("mã đơn thuốc"), max_length=14, unique=True, null=True, blank=True)
    type_letter = models.CharField(
        max_length=1, choices=PrescriptionType.choices, default=PrescriptionType.NORMAL
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="prescriptions")
    practitioner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="prescriptions")
    encounter = models.ForeignKey(
        Encounter, null=True, blank=True, on_delete=models.SET_NULL, related_name="prescriptions"
    )
    diagnosis = models.CharField(_("chẩn đoán"), max_length=300, blank=True)
    note = models.TextField(_("lời dặn"), blank=True)
    status = models.CharField(
        max_length=10, choices=PrescriptionStatus.choices, default=PrescriptionStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    dispensed_at = models.DateTimeField(null=True, blank=True)
    dispensed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["patient", "-created_at"], name="health_rx_patient_idx"),
            models.Index(fields=["facility", "status"], name="health_rx_facility_idx"),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"


class PrescriptionItem(models.Model):
    """A drug of a prescription, with dose and duration."""

    prescription = models.ForeignKey(Prescription, on_delete=models.CASCADE, related_name="items")
    drug_name = models.CharField(_("tên thuốc"), max_length=200)
    drug_code = models.CharField(_("mã thuốc"), max_length=40, blank=True)
    dose_text = models.CharField(_("cách dùng"), max_length=300)
    quantity = models.DecimalField(_("số lượng"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("đơn vị tính"), max_length=30)
    duration_days = models.PositiveSmallIntegerField(_("số ngày"), null=True, blank=True)

    class Meta:
        ordering = ["prescription", "pk"]

    def __str__(self) -> str:
        return self.drug_name
