"""Appointments: a doctor's slots, booked and cancelled by citizens (for themselves
or their children), a telehealth room link, reminders through the notification outbox."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.errors import Conflict, PermissionDenied, ValidationFailed
from tinhso.notifications.services import notify

from ..error_codes import HealthErrorCode
from ..models import Appointment, AppointmentKind, AppointmentStatus, Facility, Patient
from ._common import CLINICAL_ROLES, PRESCRIBER_ROLES, audit, require_at

__all__ = [
    "open_slots",
    "book_appointment",
    "cancel_appointment",
    "send_appointment_reminders",
    "telehealth_link",
    "REMIND_BEFORE",
]

REMIND_BEFORE = datetime.timedelta(hours=24)
MAX_SLOTS = 48


def telehealth_link(appointment: Appointment) -> str:
    """The video room of a telehealth appointment, from the TELEHEALTH_URL template."""
    if appointment.kind != AppointmentKind.TELEHEALTH or not appointment.room:
        return ""
    return settings.TELEHEALTH_URL.format(room=appointment.room)


@transaction.atomic
def open_slots(
    *, actor, facility: Facility, practitioner, start: datetime.datetime, count: int,
    minutes: int = 15, kind: str = AppointmentKind.IN_PERSON,
) -> list[Appointment]:  # fmt: skip
    """`count` consecutive free slots of `minutes` from `start` for a doctor of the
    facility (by the doctor or the facility's staff). Existing slots are kept."""
    require_at(actor, CLINICAL_ROLES, facility)
    require_at(practitioner, PRESCRIBER_ROLES, facility)
    if not (1 <= count <= MAX_SLOTS) or not (5 <= minutes <= 240):
        raise ValidationFailed(
            _("Mỗi lần mở từ 1 đến %(n)s lượt hẹn, mỗi lượt 5 đến 240 phút.") % {"n": MAX_SLOTS},
            code=HealthErrorCode.BAD_SLOT,
        )
    if start < timezone.now():
        raise ValidationFailed(
            _("Không thể mở lịch hẹn trong quá khứ."), code=HealthErrorCode.BAD_SLOT,
            fields={"start": _("Thời điểm đã qua.")},
        )  # fmt: skip
    if kind not in AppointmentKind.values:
        raise ValidationFailed(_("Hình thức khám không hợp lệ."), code=HealthErrorCode.BAD_SLOT)
    step = datetime.timedelta(minutes=minutes)
    made = []
    for i in range(count):
        begin = start + i * step
        slot, created = Appointment.objects.get_or_create(
            practitioner=practitioner,
            start=begin,
            defaults={"facility": facility, "end": begin + step, "kind": kind},
        )
        if created:
            made.append(slot)
    if made:
        audit(actor, "health.slots_opened", made[0], facility=facility,
              after={"count": len(made), "practitioner": practitioner.pk})  # fmt: skip
    return made


def _may_act_for(user, patient: Patient) -> bool:
    from ..selectors import patients_of_citizen  # the citizen's own record and children's

    return any(p.pk == patient.pk for p in patients_of_citizen(user))


@transaction.atomic
def book_appointment(
    *, actor, appointment: Appointment, patient: Patient, note: str = ""
) -> Appointment:
    """A citizen books a free slot for themselves or a child. Two at once: one wins."""
    if not _may_act_for(actor, patient):
        raise PermissionDenied(_("Bạn chỉ đặt lịch được cho mình hoặc con của mình."))
    slot = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if slot.status != AppointmentStatus.FREE or slot.patient_id is not None:
        raise Conflict(_("Lượt hẹn này vừa có người đặt. Hãy chọn giờ khác."),
                       code=HealthErrorCode.SLOT_TAKEN)  # fmt: skip
    if slot.start <= timezone.now():
        raise Conflict(_("Lượt hẹn này đã qua."), code=HealthErrorCode.SLOT_TAKEN)
    slot.patient = patient
    slot.status = AppointmentStatus.BOOKED
    slot.booked_at = timezone.now()
    slot.note = note.strip()[:500]
    if slot.kind == AppointmentKind.TELEHEALTH:
        slot.room = f"tinhso-{secrets.token_urlsafe(12)}"
    slot.save(update_fields=["patient", "status", "booked_at", "note", "room"])
    audit(actor, "health.appointment_booked", slot, facility=slot.facility,
          after={"patient": patient.pk, "start": slot.start})  # fmt: skip
    return slot


@transaction.atomic
def cancel_appointment(*, actor, appointment: Appointment) -> Appointment:
    """The citizen who booked it (or the facility's staff) cancels; the slot is free again
    when the citizen cancels, and closed when the facility does."""
    slot = Appointment.objects.select_for_update().select_related("facility").get(pk=appointment.pk)
    if slot.status != AppointmentStatus.BOOKED or slot.patient is None:
        raise Conflict(_("Lịch hẹn này không còn để hủy."), code=HealthErrorCode.SLOT_NOT_YOURS)
    by_citizen = _may_act_for(actor, slot.patient)
    if not by_citizen:
        require_at(actor, CLINICAL_ROLES, slot.facility)
    patient = slot.patient
    if by_citizen:
        slot.patient, slot.status, slot.booked_at, slot.room = (
            None,
            AppointmentStatus.FREE,
            None,
            "",
        )
        slot.note, slot.reminded_at = "", None
    else:
        slot.status = AppointmentStatus.CANCELLED
    slot.save()
    audit(actor, "health.appointment_cancelled", slot, facility=slot.facility,
          after={"patient": patient.pk, "by_citizen": by_citizen})  # fmt: skip
    if not by_citizen:
        _tell(patient, _("Lịch hẹn khám bị hủy"),
              _("Cơ sở %(f)s đã hủy lịch hẹn lúc %(t)s. Vui lòng đặt lịch khác.")
              % {"f": slot.facility.name, "t": _when(slot)})  # fmt: skip
    return slot


def _when(slot: Appointment) -> str:
    return timezone.localtime(slot.start).strftime("%H:%M %d/%m/%Y")


def _tell(patient: Patient, subject: str, body: str) -> None:
    from ..selectors import account_of_patient

    user = account_of_patient(patient)
    if user is not None:
        transaction.on_commit(lambda: notify(user=user, subject=subject, body=body))


def send_appointment_reminders(*, now: datetime.datetime | None = None) -> int:
    """Nhắc lịch hẹn: one notification per booked appointment starting within a day."""
    now = now or timezone.now()
    sent = 0
    due = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED,
        reminded_at__isnull=True,
        start__gt=now,
        start__lte=now + REMIND_BEFORE,
    ).select_related("facility", "patient")
    for slot in due:
        with transaction.atomic():
            locked = (
                Appointment.objects.select_for_update()
                .filter(pk=slot.pk, reminded_at__isnull=True)
                .update(reminded_at=now)
            )
            if not locked:
                continue
            link = telehealth_link(slot)
            body = _("Bạn có lịch khám tại %(f)s lúc %(t)s.") % {
                "f": slot.facility.name,
                "t": _when(slot),
            }
            if link:
                body += " " + _("Khám từ xa qua đường dẫn: %(link)s") % {"link": link}
            assert slot.patient is not None
            _tell(slot.patient, _("Nhắc lịch hẹn khám"), body)
            sent += 1
    return sent
