"""Paid, and its receipt: every way of paying ends in `_mark_paid`; the desk's way."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.core import late
from tinhso.core.errors import Conflict, NotFound, ValidationFailed
from tinhso.dossiers import services as dossier_services

from .. import receipts, selectors
from ..error_codes import PaymentsErrorCode
from ..models import Payment, PaymentMethod, PaymentStatus, Receipt
from .common import FINANCE_ROLES, _audit, _covers


def _mark_paid(payment: Payment, *, method: str, reference: str, actor, now) -> None:
    """Every way of paying ends here: the same states, the index told (the dossier's
    change signals), the receipt issued and sent, one audit event."""
    with dossier_services.recording_fee_payment(code=payment.code):
        payment.status = PaymentStatus.PAID
        payment.method = method
        payment.reference = reference
        payment.paid_at = now
        payment.recorded_by = actor
        payment.save()
    receipt = _issue_receipt(payment, now=now)
    _audit(
        actor,
        "paid",
        payment,
        after={
            "method": method,
            "reference": reference,
            "amount": payment.amount,
            "receipt": f"{receipt.symbol} {receipt.number_text}",
        },
        agency_code=payment.agency.code,
    )


def _write_receipt_file(content: bytes, *, year: int) -> str:
    relative = Path("receipts") / str(year) / f"{uuid.uuid4().hex}.pdf"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())
    target.chmod(0o600)
    return relative.as_posix()


def _issue_receipt(payment: Payment, *, now) -> Receipt:
    """Biên lai điện tử: the next number of the collecting agency's series (taken in
    this transaction: a rollback leaves no gap), the PDF kept in the citizen's store,
    a notification with the link to the dossier page where it is downloaded."""
    from tinhso.documents import services as store
    from tinhso.notifications.services import notify

    year = timezone.localtime(now).year
    number = receipts.next_number(agency_id=payment.agency_id, year=year)
    symbol = receipts.SYMBOL.format(agency=payment.agency.code, year=year)
    content = receipts.receipt_pdf(payment, number=number, symbol=symbol, issued_at=now)
    path = _write_receipt_file(content, year=year)
    digest = hashlib.sha256(content).hexdigest()
    receipt = Receipt.objects.create(
        payment=payment,
        agency=payment.agency,
        year=year,
        number=number,
        symbol=symbol,
        file_path=path,
        size=len(content),
        sha256=digest,
        issued_at=now,
    )
    applicant = payment.dossier.applicant
    title = _("Biên lai thu phí, lệ phí %(symbol)s số %(number)s") % {
        "symbol": symbol,
        "number": receipt.number_text,
    }
    store.keep(
        owner=applicant,
        kind=receipts.RECEIPT_KIND,
        title=title,
        issuer=payment.agency.name,
        source_reference=payment.code,
        file_path=path,
        content_type="application/pdf",
        size=len(content),
        sha256=digest,
        issued_at=now,
        digitally_signed=False,
    )
    notify(
        user=applicant,
        subject=_("Đã nhận phí, lệ phí hồ sơ %(code)s") % {"code": payment.code},
        body=_(
            "Khoản %(amount)s đồng của hồ sơ %(code)s đã được ghi nhận. Biên lai điện tử "
            "%(title)s có ở trang hồ sơ và trong kho giấy tờ của bạn."
        )
        % {
            "amount": f"{payment.amount:,}".replace(",", "."),
            "code": payment.code,
            "title": title,
        },
        link=f"/ho-so/{payment.code}/",
    )
    return receipt


def record_desk_payment(*, actor, code: str, method: str, receipt_number: str) -> Payment:
    """Paid at the one-stop desk in cash or by card, with the receipt's number."""
    if method not in (PaymentMethod.CASH, PaymentMethod.CARD):
        raise ValidationFailed(_("Chọn tiền mặt hoặc thẻ."), fields={"method": _("Chọn một.")})
    receipt_number = (receipt_number or "").strip()
    if not receipt_number:
        raise ValidationFailed(
            _("Nhập số biên lai."), fields={"receipt_number": _("Nhập số biên lai.")}
        )
    with transaction.atomic(), late.writes_at_the_end():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("dossier__desk", "agency")
            .filter(code_compact=selectors.compact_code(code))
            .first()
        )
        if payment is None:
            raise NotFound(_("Hồ sơ %(code)s không có khoản phí phải nộp.") % {"code": code})
        if not _covers(actor, payment):
            authz.require_role(actor, FINANCE_ROLES, agency=payment.dossier.desk)
        if payment.status == PaymentStatus.PAID:
            raise Conflict(_("Khoản phí này đã nộp."), code=PaymentsErrorCode.ALREADY_PAID)
        _mark_paid(
            payment, method=method, reference=receipt_number, actor=actor, now=timezone.now()
        )
    return payment
