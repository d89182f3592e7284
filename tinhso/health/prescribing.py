"""E-prescriptions (đơn thuốc điện tử): a doctor issues one for an encounter with the
national code, it prints with the code as a QR, and a pharmacy dispenses it once.

Rules (Thông tư 52/2017/TT-BYT on outpatient prescribing, amended by 18/2018 and
04/2022; e-prescribing under 27/2021/TT-BYT):
- a prescription may be filled within 5 days of being issued;
- an ordinary prescription covers at most 30 days of treatment (90 for the chronic
  conditions the Ministry lists: not modelled, so 90 is the ceiling);
- narcotic (`n`) and psychotropic (`h`) prescriptions: at most 30 days, a diagnosis
  written out, a second confirmation by the prescriber and by the pharmacist (who
  checks the patient's or the carer's ID), and no new one while the patient has one
  of the same kind not yet dispensed (no repeats).

Dispensing is one conditional UPDATE (… WHERE dispensed_at IS NULL): of two pharmacies
at once, one wins and the other gets 409, on PostgreSQL as on SQLite.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.accounts.models import Role
from tinhso.audit.services import record_event
from tinhso.core.errors import Conflict, NotFound, ValidationFailed

from . import prescription_code
from .dcc_error_codes import PrescriptionErrorCode
from .models import (
    Encounter,
    Prescription,
    PrescriptionItem,
    PrescriptionStatus,
)

VALID_DAYS = 5
MAX_DAYS = {
    prescription_code.ORDINARY: 90,
    prescription_code.TRADITIONAL: 90,
    prescription_code.NARCOTIC: 30,
    prescription_code.PSYCHOTROPIC: 30,
}
MAX_ITEMS = 20


@dataclass(frozen=True)
class Item:
    drug_name: str
    dose_text: str
    quantity: str | Decimal
    unit: str
    duration_days: int
    drug_code: str = ""


def _clean_items(items: list[Item], kind: str) -> tuple[list[Item], dict, bool]:
    errors: dict[str, str] = {}
    too_long = False
    kept = [i for i in items if (i.drug_name or "").strip()]
    if not kept:
        errors["items"] = _("Đơn thuốc cần ít nhất một thuốc.")
    if len(kept) > MAX_ITEMS:
        errors["items"] = _("Một đơn tối đa %(n)s thuốc.") % {"n": MAX_ITEMS}
    limit = MAX_DAYS[kind]
    for n, item in enumerate(kept, start=1):
        if not item.dose_text.strip() or not item.unit.strip():
            errors[f"item_{n}"] = _("Thuốc %(n)s: cần cách dùng và đơn vị tính.") % {"n": n}
        try:
            quantity = Decimal(str(item.quantity))
        except InvalidOperation:
            quantity = Decimal(0)
        if not quantity.is_finite() or quantity <= 0 or quantity >= 10**8:
            errors[f"item_{n}"] = _("Thuốc %(n)s: số lượng phải lớn hơn 0.") % {"n": n}
        if not 1 <= int(item.duration_days or 0) <= limit:
            too_long = True
            errors[f"item_{n}"] = _("Thuốc %(n)s: số ngày dùng từ 1 đến %(max)s.") % {
                "n": n,
                "max": limit,
            }
    return kept, errors, too_long


@transaction.atomic
def issue_prescription(
    *,
    actor,
    encounter: Encounter,
    kind: str,
    items: list[Item],
    diagnosis: str = "",
    note: str = "",
    confirmed: bool = False,
) -> Prescription:
    """A doctor of the encounter's facility issues a prescription; it gets its code at
    once. Controlled kinds follow the stricter rules above."""
    facility = encounter.facility
    authz.require_role(actor, Role.DOCTOR, agency=facility.agency)
    if kind not in prescription_code.KINDS:
        raise ValidationFailed(
            _("Loại đơn thuốc không hợp lệ."), fields={"kind": _("Chọn loại đơn.")}
        )
    kept, errors, too_long = _clean_items(items, kind)
    controlled = kind in prescription_code.CONTROLLED
    if controlled:
        if not diagnosis.strip():
            errors["diagnosis"] = _("Đơn thuốc gây nghiện, hướng thần phải ghi chẩn đoán.")
        if not confirmed:
            errors["confirmed"] = _(
                "Xác nhận lần thứ hai: đây là đơn thuốc gây nghiện hoặc hướng thần."
            )
    if errors:
        if set(errors) == {"confirmed"}:
            code = PrescriptionErrorCode.CONFIRMATION_REQUIRED
        elif too_long:
            code = PrescriptionErrorCode.TOO_LONG
        elif "diagnosis" in errors:
            code = PrescriptionErrorCode.DIAGNOSIS_REQUIRED
        else:
            code = PrescriptionErrorCode.NO_ITEMS
        raise ValidationFailed(_("Đơn thuốc chưa hợp lệ."), code=code, fields=errors)
    if controlled:
        open_one = (
            Prescription.objects.select_for_update()
            .filter(
                patient=encounter.patient,
                type_letter=kind,
                status=PrescriptionStatus.ACTIVE,
                dispensed_at__isnull=True,
                issued_at__gte=timezone.now() - datetime.timedelta(days=VALID_DAYS),
            )
            .first()
        )
        if open_one is not None:
            raise Conflict(
                _("Người bệnh còn đơn %(code)s cùng loại chưa lĩnh; không kê lặp.")
                % {"code": open_one.code},
                code=PrescriptionErrorCode.CONTROLLED_OPEN,
            )
    now = timezone.now()
    prescription = None
    for _attempt in range(5):  # a collision of 7 random characters is rare; draw again
        new_code = prescription_code.generate(facility_code=facility.code, kind=kind)
        try:
            with transaction.atomic():
                prescription = Prescription.objects.create(
                    code=new_code,
                    type_letter=kind,
                    patient=encounter.patient,
                    practitioner=actor,
                    facility=facility,
                    encounter=encounter,
                    diagnosis=diagnosis.strip()[:300],
                    note=note.strip(),
                    status=PrescriptionStatus.ACTIVE,
                    issued_at=now,
                )
            break
        except IntegrityError:
            continue
    if prescription is None:
        raise RuntimeError("could not draw a unique prescription code")
    PrescriptionItem.objects.bulk_create(
        PrescriptionItem(
            prescription=prescription,
            drug_name=i.drug_name.strip()[:200],
            drug_code=i.drug_code.strip()[:40],
            dose_text=i.dose_text.strip()[:300],
            quantity=Decimal(str(i.quantity)),
            unit=i.unit.strip()[:30],
            duration_days=int(i.duration_days),
        )
        for i in kept
    )
    record_event(
        actor=actor,
        action="health.prescription_issued",
        object_type="health.Prescription",
        object_id=prescription.code,
        after={"kind": kind, "patient": encounter.patient_id, "items": len(kept)},
        agency_code=facility.agency.code,
    )
    return prescription


def find_by_code(text: str) -> Prescription:
    """The prescription a pharmacist scanned or typed (the code, normalised)."""
    try:
        prescription_code.parse(text)
    except prescription_code.InvalidPrescriptionCode as exc:
        raise ValidationFailed(
            _("Mã đơn thuốc gồm 14 ký tự: mã cơ sở (5), 7 ký tự, dấu gạch ngang, loại đơn."),
            code=PrescriptionErrorCode.BAD_CODE,
            fields={"code": _("Mã đơn thuốc không đúng định dạng.")},
        ) from exc
    found = (
        Prescription.objects.select_related("patient", "facility", "practitioner")
        .prefetch_related("items")
        .filter(code=prescription_code.normalize(text))
        .first()
    )
    if found is None:
        raise NotFound(_("Không có đơn thuốc mang mã này."), code=PrescriptionErrorCode.NOT_FOUND)
    return found


def lookup_for_pharmacist(*, actor, code: str) -> Prescription:
    authz.require_role(actor, Role.PHARMACIST, anywhere=True)
    return find_by_code(code)


def _dispensed_message(p: Prescription) -> str:
    when = timezone.localtime(p.dispensed_at).strftime("%H:%M %d/%m/%Y") if p.dispensed_at else ""
    return _("Đơn thuốc %(code)s đã được cấp phát lúc %(when)s; không cấp phát lần hai.") % {
        "code": p.code,
        "when": when,
    }


def dispense(*, actor, code: str, confirmed: bool = False, now=None) -> Prescription:
    """A pharmacist dispenses the prescription once: the first call wins, any other
    (later or at the same moment) gets Conflict (409) and changes nothing."""
    authz.require_role(actor, Role.PHARMACIST, anywhere=True)
    prescription = find_by_code(code)
    now = now or timezone.now()
    if prescription.dispensed_at is not None or prescription.status == PrescriptionStatus.COMPLETED:
        raise Conflict(
            _dispensed_message(prescription), code=PrescriptionErrorCode.ALREADY_DISPENSED
        )
    if prescription.status != PrescriptionStatus.ACTIVE or prescription.issued_at is None:
        raise Conflict(
            _("Đơn thuốc chưa được kê xong hoặc đã hủy."), code=PrescriptionErrorCode.NOT_ISSUED
        )
    if now > prescription.issued_at + datetime.timedelta(days=VALID_DAYS):
        raise Conflict(
            _("Đơn thuốc đã quá %(days)s ngày kể từ ngày kê; cần khám lại để kê đơn mới.")
            % {"days": VALID_DAYS},
            code=PrescriptionErrorCode.EXPIRED,
        )
    if prescription.type_letter in prescription_code.CONTROLLED and not confirmed:
        raise ValidationFailed(
            _(
                "Đơn thuốc gây nghiện, hướng thần: xác nhận đã kiểm tra giấy tờ tùy thân "
                "của người bệnh hoặc người nhận thuốc."
            ),
            code=PrescriptionErrorCode.CONFIRMATION_REQUIRED,
            fields={"confirmed": _("Cần xác nhận trước khi cấp phát.")},
        )
    with transaction.atomic():
        won = Prescription.objects.filter(
            pk=prescription.pk, dispensed_at__isnull=True, status=PrescriptionStatus.ACTIVE
        ).update(dispensed_at=now, dispensed_by=actor, status=PrescriptionStatus.COMPLETED)
        if not won:
            prescription.refresh_from_db()
            raise Conflict(
                _dispensed_message(prescription), code=PrescriptionErrorCode.ALREADY_DISPENSED
            )
        record_event(
            actor=actor,
            action="health.prescription_dispensed",
            object_type="health.Prescription",
            object_id=prescription.code,
            after={"at": now.isoformat()},
        )
    prescription.refresh_from_db()
    return prescription


def prescriptions_for_doctor(*, actor, encounter: Encounter):
    authz.require_role(actor, {Role.DOCTOR, Role.NURSE}, agency=encounter.facility.agency)
    return encounter.prescriptions.prefetch_related("items").order_by("-created_at")


def prescription_for_staff(*, actor, code: str) -> Prescription:
    """The prescription for its prescribing facility's staff or any pharmacist."""
    found = find_by_code(code)
    if authz.has_role(actor, Role.PHARMACIST, anywhere=True) or authz.has_role(
        actor, {Role.DOCTOR, Role.NURSE}, agency=found.facility.agency
    ):
        return found
    raise NotFound(_("Không có đơn thuốc mang mã này."), code=PrescriptionErrorCode.NOT_FOUND)


def draw_pdf(prescription: Prescription) -> bytes:
    """The printed prescription (Đơn thuốc), with its code as text and as a QR."""
    from reportlab.platypus import Paragraph

    from tinhso.core import pdf

    st = pdf.styles()
    kind = dict(
        [
            (prescription_code.ORDINARY, _("ĐƠN THUỐC")),
            (prescription_code.NARCOTIC, _('ĐƠN THUỐC "N" (THUỐC GÂY NGHIỆN)')),
            (prescription_code.PSYCHOTROPIC, _('ĐƠN THUỐC "H" (THUỐC HƯỚNG THẦN, TIỀN CHẤT)')),
            (prescription_code.TRADITIONAL, _("ĐƠN THUỐC Y HỌC CỔ TRUYỀN")),
        ]
    )[prescription.type_letter]
    patient = prescription.patient
    rows = [
        [
            str(n),
            f"{i.drug_name}\n{i.dose_text}",
            f"{i.quantity.normalize():f} {i.unit}",
            str(i.duration_days or ""),
        ]
        for n, i in enumerate(prescription.items.all(), start=1)
    ]
    issued = timezone.localtime(prescription.issued_at)
    story = [
        Paragraph(prescription.facility.name, st["bold"]),
        Paragraph(kind, st["title"]),
        pdf.key_values(
            [
                (_("Mã đơn thuốc"), prescription.code or ""),
                (_("Họ và tên"), patient.full_name),
                (
                    _("Ngày sinh"),
                    patient.date_of_birth.strftime("%d/%m/%Y") if patient.date_of_birth else "",
                ),
                (_("Chẩn đoán"), prescription.diagnosis),
            ]
        ),
        pdf.spacer(4),
        pdf.bordered_list(
            [_("STT"), _("Thuốc, cách dùng"), _("Số lượng"), _("Số ngày")],
            rows,
            [12, 100, 35, 25],
        ),
        pdf.spacer(4),
        Paragraph(_("Lời dặn: %(note)s") % {"note": prescription.note or "—"}, st["base"]),
        Paragraph(
            _("Ngày kê: %(day)s. Đơn có giá trị mua, lĩnh thuốc trong %(n)s ngày.")
            % {"day": issued.strftime("%d/%m/%Y"), "n": VALID_DAYS},
            st["small"],
        ),
        pdf.spacer(4),
        pdf.qr_image(prescription.code or "", size_mm=30),
        Paragraph(
            _("Bác sĩ kê đơn: %(name)s") % {"name": prescription.practitioner.get_full_name()},
            st["base"],
        ),
    ]
    return pdf.build(story, title=prescription.code or "", author=prescription.facility.name)
