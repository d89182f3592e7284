"""The queue: a person decides a credit that did not settle a fee by itself."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.core import late
from tinhso.core.errors import Conflict, ValidationFailed

from .. import selectors
from ..error_codes import PaymentsErrorCode
from ..models import Payment, PaymentMethod, PaymentStatus, Resolution, StatementLine
from .common import FINANCE_ROLES, _audit, _covers
from .paying import _mark_paid


def resolve_line(
    *, actor, line_id: int, resolution: str, note: str, code: str = ""
) -> StatementLine:
    """A person decides a queued credit: `accepted` (the fee counts as paid, for the
    line's dossier or the one named by `code`), `refunded` (sent back to the payer) or
    `ignored` (not a fee: the note says why). Only a finance role covering the
    payment's agency decides; a credit short of the fee never settles it."""
    authz.require_role(actor, FINANCE_ROLES, anywhere=True)  # then scoped to the payment
    note = (note or "").strip()
    if resolution not in Resolution.values:
        raise ValidationFailed(_("Chọn cách xử lý."), fields={"resolution": _("Chọn một.")})
    if not note:
        raise ValidationFailed(_("Ghi lý do xử lý."), fields={"note": _("Ghi lý do.")})
    with transaction.atomic(), late.writes_at_the_end():
        line = StatementLine.objects.select_for_update().filter(pk=line_id).first()
        if line is None or not line.is_queued:
            raise Conflict(
                _("Dòng sao kê này không còn chờ xử lý."), code=PaymentsErrorCode.ALREADY_RESOLVED
            )
        payment = line.payment
        # A credit already tied to a fee is that fee's agency's to decide, whatever
        # fee the decision names (the line's id is no right to it).
        if payment is not None and not _covers(actor, payment):
            authz.require_role(actor, FINANCE_ROLES, agency=payment.agency)
        if code.strip():
            payment = (
                Payment.objects.select_for_update()
                .filter(code_compact=selectors.compact_code(code))
                .first()
            )
            if payment is None:
                raise ValidationFailed(
                    _("Không có khoản phí của hồ sơ %(code)s.") % {"code": code},
                    fields={"code": _("Mã hồ sơ không đúng.")},
                )
        if payment is not None and not _covers(actor, payment):
            authz.require_role(actor, FINANCE_ROLES, agency=payment.agency)
        if resolution == Resolution.ACCEPTED:
            if payment is None:
                raise ValidationFailed(
                    _("Nêu mã hồ sơ được nộp phí."), fields={"code": _("Nhập mã hồ sơ.")}
                )
            if line.amount < payment.amount:
                raise ValidationFailed(
                    _("Số tiền chuyển (%(paid)s đồng) ít hơn khoản phí (%(due)s đồng).")
                    % {"paid": line.amount, "due": payment.amount},
                    fields={"resolution": _("Không thể ghi nhận là đã nộp đủ.")},
                )
            if payment.status == PaymentStatus.PAID:
                raise Conflict(
                    _("Khoản phí này đã nộp; hãy hoàn trả."), code=PaymentsErrorCode.ALREADY_PAID
                )
            method = (
                PaymentMethod.GATEWAY
                if line.source.startswith("gateway:")
                else PaymentMethod.TRANSFER
            )
            _mark_paid(
                payment,
                method=method,
                reference=line.bank_reference,
                actor=actor,
                now=timezone.now(),
            )
        line.payment = payment
        line.resolution = resolution
        line.resolution_note = note
        line.resolved_at = timezone.now()
        line.resolved_by = actor
        line.save()
        _audit(
            actor,
            "resolve",
            line,
            after={"resolution": resolution, "note": note, "code": payment.code if payment else ""},
        )
    return line
