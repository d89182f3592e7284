"""Appointments (lịch hẹn): a practitioner's slots at a facility, free until a citizen
books one, in person or by telehealth."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .clinical import Facility, Patient

__all__ = [
    "Appointment",
    "AppointmentStatus",
    "AppointmentKind",
]

USER = settings.AUTH_USER_MODEL


class AppointmentStatus(models.TextChoices):
    FREE = "free", _("Còn trống")  # an open slot (FHIR Slot free)
    BOOKED = "booked", _("Đã đặt")
    CANCELLED = "cancelled", _("Đã hủy")
    FULFILLED = "fulfilled", _("Đã khám")
    NOSHOW = "noshow", _("Không đến")


class AppointmentKind(models.TextChoices):
    IN_PERSON = "in_person", _("Khám trực tiếp")
    TELEHEALTH = "telehealth", _("Khám từ xa")


class Appointment(models.Model):
    """Lịch hẹn: a practitioner's slot, free until a citizen books it."""

    practitioner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.FREE
    )
    kind = models.CharField(
        max_length=10, choices=AppointmentKind.choices, default=AppointmentKind.IN_PERSON
    )
    room = models.CharField(max_length=64, blank=True)  # the telehealth room's name
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    booked_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "start"], name="health_appointment_slot_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="health_appointment_span"
            ),
        ]
        indexes = [
            models.Index(fields=["facility", "status", "start"], name="health_appt_open_idx"),
            models.Index(fields=["patient", "start"], name="health_appt_patient_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} · {self.start:%Y-%m-%d %H:%M}"
