"""Patients are people of the registry: found by the registry's match service
(purpose "health_checkin"), with their health-insurance card."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tinhso.core.errors import ValidationFailed
from tinhso.core.identity import InvalidIdentifier, parse_personal_id
from tinhso.population.selectors import match_person

from ..error_codes import HealthErrorCode
from ..identifiers import parse_bhyt
from ..models import Facility, Patient
from ._common import CLINICAL_ROLES, audit, require_at

__all__ = ["find_or_register_patient", "set_insurance", "ensure_own_patient", "PURPOSE"]

PURPOSE = "health_checkin"  # population.selectors.SERVICE_PURPOSES


def _registry_person(actor, *, personal_id: str, full_name: str, date_of_birth, sex: str):
    """The registry's person with this personal ID (the match service, audited), the
    survivor when they were merged; None when the registry does not know them."""
    fields = {"personal_id": personal_id}
    if full_name:
        fields["full_name"] = full_name
    if date_of_birth:
        fields["date_of_birth"] = date_of_birth.isoformat()
    if sex:
        fields["sex"] = sex
    for candidate in match_person(viewer=actor, purpose=PURPOSE, **fields):
        person = candidate["person"]
        while person.merged_into_id is not None:
            person = person.merged_into
        if person.personal_id == personal_id:
            return person
    return None


@transaction.atomic
def find_or_register_patient(
    *,
    actor,
    facility: Facility,
    personal_id: str,
    full_name: str = "",
    date_of_birth: datetime.date | None = None,
    sex: str = "",
    address: str = "",
) -> tuple[Patient, bool]:
    """The patient with this personal ID, or a new one linked to the registry's person
    (their name, birth date and sex from the registry when not given). Returns
    (patient, created)."""
    require_at(actor, CLINICAL_ROLES, facility)
    try:
        parse_personal_id(
            personal_id,
            birth_year=date_of_birth.year if date_of_birth else None,
            sex=sex or None,
        )
    except InvalidIdentifier as exc:
        raise ValidationFailed(
            exc.message, code=HealthErrorCode.BAD_PERSONAL_ID, fields={"personal_id": exc.message}
        ) from None
    patient = Patient.objects.filter(personal_id=personal_id).first()
    if patient is not None:
        if patient.person_id is None:
            _link(actor, patient, full_name=full_name, date_of_birth=date_of_birth, sex=sex)
        return patient, False
    person = _registry_person(
        actor, personal_id=personal_id, full_name=full_name, date_of_birth=date_of_birth, sex=sex
    )
    if person is None and not (full_name and date_of_birth):
        raise ValidationFailed(
            _(
                "Không tìm thấy số định danh này trong cơ sở dữ liệu dân cư. Hãy quét mã QR "
                "trên thẻ căn cước hoặc nhập họ tên và ngày sinh."
            ),
            code=HealthErrorCode.PATIENT_NOT_FOUND,
            fields={"personal_id": _("Không tìm thấy.")},
        )
    try:
        with transaction.atomic():
            patient = Patient.objects.create(
                person=person,
                personal_id=personal_id,
                full_name=full_name or person.full_name,
                date_of_birth=date_of_birth or person.date_of_birth,
                sex=sex or (person.sex if person else ""),
                address=address or (person.permanent_address if person else ""),
                phone=person.phone if person else "",
            )
    except IntegrityError:  # registered at the same moment by another desk
        return Patient.objects.get(personal_id=personal_id), False
    audit(actor, "health.patient_registered", patient, facility=facility,
          after={"person": person.pk if person else None, "facility": facility.code})  # fmt: skip
    return patient, True


def _link(actor, patient: Patient, *, full_name: str, date_of_birth, sex: str) -> None:
    person = _registry_person(
        actor, personal_id=patient.personal_id, full_name=full_name or patient.full_name,
        date_of_birth=date_of_birth or patient.date_of_birth, sex=sex or patient.sex,
    )  # fmt: skip
    if person is not None and not Patient.objects.filter(person=person).exists():
        patient.person = person
        patient.save(update_fields=["person", "updated_at"])
        audit(actor, "health.patient_linked", patient, after={"person": person.pk})


@transaction.atomic
def set_insurance(
    *,
    actor,
    facility: Facility | None,
    patient: Patient,
    card: str,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
    registered_facility: Facility | None = None,
) -> Patient:
    """The patient's BHYT card: the 15-character code or the 10-digit number alone."""
    if actor is not None:
        if facility is None:
            raise ValidationFailed(_("Cần chọn cơ sở y tế."))
        require_at(actor, CLINICAL_ROLES, facility)
    try:
        parsed = parse_bhyt(card)
    except InvalidIdentifier as exc:
        raise ValidationFailed(
            exc.message, code=HealthErrorCode.BAD_BHYT, fields={"card": exc.message}
        ) from None
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationFailed(
            _("Ngày hết hạn thẻ phải sau ngày bắt đầu."),
            code=HealthErrorCode.BAD_BHYT,
            fields={"valid_to": _("Phải sau ngày bắt đầu.")},
        )
    before = {"card": patient.bhyt_card_code, "to": patient.bhyt_valid_to}
    patient.bhyt_card_code = parsed.card_code
    patient.social_insurance_number = parsed.social_insurance_number
    patient.bhyt_valid_from, patient.bhyt_valid_to = valid_from, valid_to
    if registered_facility is not None:
        patient.bhyt_facility = registered_facility
    patient.save()
    audit(actor, "health.insurance_set", patient, facility=facility,
          after={"before_to": before["to"], "to": valid_to,
                 "group": parsed.group, "province": parsed.province})  # fmt: skip
    return patient


@transaction.atomic
def ensure_own_patient(*, actor) -> Patient | None:
    """The signed-in citizen's patient row, registered from their verified account
    (and linked to the registry) the first time they need one; None when the account
    has no verified personal ID."""
    from ..selectors import patient_of_account

    patient = patient_of_account(actor)
    if patient is not None:
        return patient
    if not (actor.personal_id and actor.date_of_birth and actor.is_identity_verified):
        return None
    person = getattr(actor, "population_person", None) or _registry_person(
        actor, personal_id=actor.personal_id, full_name=actor.full_name,
        date_of_birth=actor.date_of_birth, sex=actor.sex,
    )  # fmt: skip
    if person is not None and Patient.objects.filter(person=person).exists():
        person = None
    patient = Patient.objects.create(
        person=person, personal_id=actor.personal_id, full_name=actor.full_name,
        date_of_birth=actor.date_of_birth, sex=actor.sex, address=actor.address,
        phone=actor.phone,
    )  # fmt: skip
    audit(actor, "health.patient_registered", patient, after={"by": "self"})
    return patient
