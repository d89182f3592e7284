"""Check-in by chip ID (the card's QR text or a typed ID): find or register the
patient, show the insurance card's validity, open an encounter with a queue number."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.errors import ValidationFailed
from tinhso.core.identity import InvalidIdentifier

from ..error_codes import HealthErrorCode
from ..identifiers import parse_chip_qr
from ..models import (
    CheckinMethod,
    Encounter,
    EncounterClass,
    EncounterStatus,
    Facility,
    Patient,
    QueueCounter,
)
from ._common import CLINICAL_ROLES, audit, require_at
from .patients import find_or_register_patient

__all__ = ["check_in", "next_queue_number", "CheckIn"]


@dataclass
class CheckIn:
    encounter: Encounter
    patient: Patient
    patient_created: bool
    already_checked_in: bool  # an open encounter of today was found: same number

    @property
    def bhyt_valid(self) -> bool:
        return self.encounter.bhyt_valid


def next_queue_number(*, facility: Facility, day: datetime.date) -> int:
    """The next queue number of the facility's day. The counter row is locked
    (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers), so two desks
    never get the same number; the encounter's unique constraint backs it up.
    Call inside a transaction."""
    counter = QueueCounter.objects.select_for_update().filter(facility=facility, day=day).first()
    if counter is None:
        try:
            with transaction.atomic():
                QueueCounter.objects.create(facility=facility, day=day, last_number=0)
        except IntegrityError:  # another desk created it first
            pass
        counter = QueueCounter.objects.select_for_update().get(facility=facility, day=day)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def check_in(
    *,
    actor,
    facility: Facility,
    qr_text: str = "",
    personal_id: str = "",
    full_name: str = "",
    date_of_birth: datetime.date | None = None,
    reason: str = "",
    encounter_class: str = EncounterClass.AMBULATORY,
    appointment=None,
) -> CheckIn:
    """Tiếp đón: the card's QR text (as a scanner types it) or a typed personal ID."""
    require_at(actor, CLINICAL_ROLES, facility)
    sex, address = "", ""
    if qr_text.strip():
        try:
            card = parse_chip_qr(qr_text)
        except InvalidIdentifier as exc:
            raise ValidationFailed(
                exc.message, code=HealthErrorCode.BAD_QR, fields={"qr_text": exc.message}
            ) from None
        personal_id, full_name, date_of_birth = card.personal_id, card.full_name, card.date_of_birth
        sex, address = card.sex, card.address
        method = CheckinMethod.CHIP_QR
    elif personal_id.strip():
        personal_id = personal_id.strip()
        method = CheckinMethod.APPOINTMENT if appointment else CheckinMethod.TYPED_ID
    else:
        raise ValidationFailed(
            _("Hãy quét mã QR trên thẻ căn cước hoặc nhập số định danh."),
            code=HealthErrorCode.BAD_QR,
            fields={"qr_text": _("Chưa có mã QR hay số định danh.")},
        )
    patient, created = find_or_register_patient(
        actor=actor, facility=facility, personal_id=personal_id, full_name=full_name,
        date_of_birth=date_of_birth, sex=sex, address=address,
    )  # fmt: skip
    now = timezone.now()
    today = timezone.localdate(now)
    open_today = (
        Encounter.objects.select_for_update()
        .filter(
            patient=patient,
            facility=facility,
            service_date=today,
            status__in=[EncounterStatus.ARRIVED, EncounterStatus.IN_PROGRESS],
        )
        .first()
    )
    if open_today is not None:
        return CheckIn(open_today, patient, created, already_checked_in=True)
    encounter = Encounter.objects.create(
        patient=patient,
        facility=facility,
        encounter_class=encounter_class,
        status=EncounterStatus.ARRIVED,
        started_at=now,
        service_date=today,
        queue_number=next_queue_number(facility=facility, day=today),
        checkin_method=method,
        bhyt_valid=patient.bhyt_valid_on(today),
        reason=reason[:300],
        appointment=appointment,
        created_by=actor,
    )
    audit(actor, "health.checked_in", encounter, facility=facility,
          after={"patient": patient.pk, "queue": encounter.queue_number, "method": method,
                 "bhyt_valid": encounter.bhyt_valid})  # fmt: skip
    return CheckIn(encounter, patient, created, already_checked_in=False)
