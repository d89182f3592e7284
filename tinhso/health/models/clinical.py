"""The clinical core, FHIR-minded: facilities (cơ sở khám bệnh, chữa bệnh), practitioners,
patients linked to the population registry, encounters with a queue number, conditions
(ICD-10), observations (LOINC + UCUM), allergies, immunizations, prescriptions
(MedicationRequest, the national 14-character code) and appointments.

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
    "Condition",
    "Observation",
    "AllergyIntolerance",
    "Immunization",
    "ImmunizationStatus",
    "Prescription",
    "PrescriptionType",
    "PrescriptionStatus",
    "PrescriptionItem",
    "Appointment",
    "AppointmentStatus",
    "AppointmentKind",
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
