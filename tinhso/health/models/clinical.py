"""The clinical core, FHIR-minded: facilities (cơ sở khám bệnh, chữa bệnh), practitioners,
patients linked to the population registry, encounters with a queue number, and
break-glass access. Built on it: the record (record.py: conditions, observations,
allergies, immunizations), prescriptions (prescriptions.py) and appointments
(appointments.py).

Practitioners' rights are the accounts roles (DOCTOR, NURSE, PHARMACIST, HEALTH_STAFF)
scoped to the facility's agency; `Practitioner` only keeps what a role does not (licence)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.identity import mask_id
from tinhso.core.text import fold

__all__ = [
    "Facility",
    "FacilityKind",
    "Practitioner",
    "Patient",
    "Encounter",
    "EncounterClass",
    "EncounterStatus",
    "CheckinMethod",
    "QueueCounter",
    "BreakGlassAccess",
]

USER = settings.AUTH_USER_MODEL


class FacilityKind(models.TextChoices):
    HOSPITAL = "hospital", _("Bệnh viện")
    HEALTH_CENTRE = "health_centre", _("Trung tâm y tế")
    COMMUNE_STATION = "commune_station", _("Trạm y tế xã, phường")
    CLINIC = "clinic", _("Phòng khám")
    PHARMACY = "pharmacy", _("Nhà thuốc")


class Facility(models.Model):
    """Cơ sở khám bệnh, chữa bệnh: an agency of the organisation tree (under the
    Department of Health), so staff roles are scoped to it."""

    agency = models.OneToOneField(
        "accounts.Agency", on_delete=models.PROTECT, related_name="health_facility"
    )
    # Mã cơ sở: the 5 characters that start its prescription codes (and BHYT KCB code).
    code = models.CharField(_("mã cơ sở"), max_length=5, unique=True)
    name = models.CharField(_("tên cơ sở"), max_length=200)
    kind = models.CharField(_("loại hình"), max_length=20, choices=FacilityKind.choices)
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("xã, phường"),
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    source = models.CharField(max_length=300, blank=True)  # where the row comes from
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "unit"], name="health_facility_kind_idx")]
        verbose_name = _("cơ sở y tế")
        verbose_name_plural = _("các cơ sở y tế")

    def __str__(self) -> str:
        return self.name


class Practitioner(models.Model):
    """Người hành nghề: the licence and title of a user holding a health role."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="practitioner")
    # Số giấy phép hành nghề (Law 15/2023/QH15).
    licence_number = models.CharField(_("số giấy phép hành nghề"), max_length=30, blank=True)
    title = models.CharField(_("chức danh"), max_length=80, blank=True)  # "BS CKI", "DS"

    class Meta:
        verbose_name = _("người hành nghề")
        verbose_name_plural = _("người hành nghề")

    def __str__(self) -> str:
        return str(self.user)


class Patient(models.Model):
    """Người bệnh: a person of the population registry (linked through its match
    service), with the health-insurance (BHYT) card."""

    person = models.OneToOneField(
        "population.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patient",
    )
    # Stored as the registry keeps it (plain, indexed; masked whenever shown).
    personal_id = models.CharField(_("số định danh"), max_length=12, blank=True)
    full_name = models.CharField(_("họ và tên"), max_length=150)
    name_folded = models.CharField(max_length=150, blank=True, db_index=True, editable=False)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(
        _("giới tính"), max_length=6, blank=True, choices=[("male", _("Nam")), ("female", _("Nữ"))]
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    # Thẻ BHYT: the 15-character card code (2 letters, benefit digit, 2-digit province,
    # the 10-digit social-insurance number) and, since 2021, that number alone.
    bhyt_card_code = models.CharField(_("mã thẻ BHYT"), max_length=15, blank=True)
    social_insurance_number = models.CharField(_("mã số BHXH"), max_length=10, blank=True)
    bhyt_valid_from = models.DateField(_("thẻ có giá trị từ"), null=True, blank=True)
    bhyt_valid_to = models.DateField(_("thẻ có giá trị đến"), null=True, blank=True)
    bhyt_facility = models.ForeignKey(
        Facility,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registered_patients",
        verbose_name=_("nơi đăng ký khám chữa bệnh ban đầu"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id"],
                condition=~models.Q(personal_id=""),
                name="health_patient_personal_id_uniq",
            )
        ]
        indexes = [
            # The unique constraint above is partial: a plain index serves lookups.
            models.Index(fields=["personal_id"], name="health_patient_cccd_idx"),
            models.Index(fields=["social_insurance_number"], name="health_patient_bhxh_idx"),
            models.Index(fields=["bhyt_card_code"], name="health_patient_bhyt_idx"),
            models.Index(fields=["full_name", "date_of_birth"], name="health_patient_name_idx"),
        ]
        verbose_name = _("người bệnh")
        verbose_name_plural = _("người bệnh")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_folded"}
        super().save(*args, **kwargs)

    @property
    def masked_personal_id(self) -> str:
        return mask_id(self.personal_id)

    def bhyt_valid_on(self, day) -> bool:
        if not (self.bhyt_card_code or self.social_insurance_number):
            return False
        if self.bhyt_valid_from and day < self.bhyt_valid_from:
            return False
        return not (self.bhyt_valid_to and day > self.bhyt_valid_to)


class EncounterClass(models.TextChoices):  # v3 ActCode
    AMBULATORY = "AMB", _("Khám ngoại trú")
    EMERGENCY = "EMER", _("Cấp cứu")
    INPATIENT = "IMP", _("Nội trú")
    VIRTUAL = "VR", _("Khám từ xa")


class EncounterStatus(models.TextChoices):  # FHIR R4B encounter-status
    PLANNED = "planned", _("Đã hẹn")
    ARRIVED = "arrived", _("Đã tiếp đón")
    IN_PROGRESS = "in-progress", _("Đang khám")
    FINISHED = "finished", _("Đã khám xong")
    CANCELLED = "cancelled", _("Đã hủy")


class CheckinMethod(models.TextChoices):
    CHIP_QR = "chip_qr", _("Quét mã QR căn cước")
    TYPED_ID = "typed_id", _("Nhập số định danh")
    APPOINTMENT = "appointment", _("Theo lịch hẹn")
    OTHER = "other", _("Khác")


class Encounter(models.Model):
    """Lượt khám: a visit at a facility, with its queue number for the day."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="encounters")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="encounters")
    practitioner = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    encounter_class = models.CharField(
        max_length=4, choices=EncounterClass.choices, default=EncounterClass.AMBULATORY
    )
    status = models.CharField(
        max_length=12, choices=EncounterStatus.choices, default=EncounterStatus.ARRIVED
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    service_date = models.DateField()  # the facility's local day the queue number counts in
    queue_number = models.PositiveIntegerField(null=True, blank=True)
    checkin_method = models.CharField(
        max_length=12, choices=CheckinMethod.choices, default=CheckinMethod.OTHER
    )
    bhyt_valid = models.BooleanField(default=False)  # the card was valid at check-in
    reason = models.CharField(_("lý do khám"), max_length=300, blank=True)
    note = models.TextField(_("ghi chú khám bệnh"), blank=True)  # consultation notes
    appointment = models.ForeignKey(
        "health.Appointment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="encounters",
    )
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "service_date", "queue_number"],
                name="health_encounter_queue_uniq",
            )
        ]
        indexes = [
            models.Index(fields=["patient", "-started_at"], name="health_enc_patient_idx"),
            models.Index(fields=["facility", "service_date"], name="health_enc_day_idx"),
            # the operations centre's count of today's check-ins across the province
            models.Index(fields=["service_date"], name="health_enc_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} · {self.facility.code} · {self.service_date}"


class QueueCounter(models.Model):
    """Số thứ tự: the last queue number given at a facility on a day. Locked with
    SELECT … FOR UPDATE while incremented (and the encounter's unique constraint)."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facility", "day"], name="health_queue_counter_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} · {self.day} · {self.last_number}"


class BreakGlassAccess(models.Model):
    """Truy cập khẩn cấp: a practitioner read a patient never seen at their facility,
    giving a reason. Valid for a few hours; audited too."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("lý do"), max_length=500)
    at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "patient", "-expires_at"], name="health_bg_idx")]

    def __str__(self) -> str:
        return f"{self.user} → {self.patient} ({self.at:%Y-%m-%d %H:%M})"
