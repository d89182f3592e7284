"""Writes: a payment falls due when a dossier is filed, is paid by a matched transfer
or at the desk; statements are reconciled; the queue is resolved. Each audited."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.accounts.models import Agency, Role
from tinhso.audit.services import record_event
from tinhso.core.errors import Conflict, NotFound, ValidationFailed
from tinhso.dossiers import services as dossier_services
from tinhso.dossiers.models import Dossier, Status

from . import selectors, statements
from .error_codes import PaymentsErrorCode
from .models import (
    BankAccount,
    Outcome,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Resolution,
    StatementLine,
)

# Who reconciles statements and takes fees at the desk: the one-stop officers
# (the desk collects fees) and administrators; no separate finance role yet.
FINANCE_ROLES = frozenset({Role.ONE_STOP_OFFICER, Role.ADMINISTRATOR})
BANK_ACCOUNTS_FILE = Path(__file__).resolve().parent / "data" / "bank_accounts.csv"


def _audit(actor, action: str, payment_or_line, *, after=None, agency_code: str = "") -> None:
    is_line = isinstance(payment_or_line, StatementLine)
    record_event(
        actor=actor,
        action=f"payments.{action}",
        object_type="payments.StatementLine" if is_line else "payments.Payment",
        object_id=payment_or_line.bank_reference if is_line else payment_or_line.code,
        after=after,
        agency_code=agency_code,
    )


# ---------------------------------------------------------------- a payment falls due


def on_dossier_changed(sender, *, dossier: Dossier, **kwargs) -> None:
    """When a fee-bearing dossier is filed, its payment falls due (once)."""
    if dossier.status != Status.SUBMITTED or Payment.objects.filter(dossier=dossier).exists():
        return
    amount = selectors.amount_due(dossier)
    if amount <= 0:
        return
    payment = Payment.objects.create(
        dossier=dossier,
        code=dossier.code,
        code_compact=selectors.compact_code(dossier.code),
        agency=dossier.agency,
        amount=amount,
    )
    _audit(None, "due", payment, after={"amount": amount}, agency_code=dossier.agency.code)


def fee_must_be_paid_before_return(dossier: Dossier, *, now) -> None:
    """The result is handed over only once the fee is paid (an exempt dossier owes 0)."""
    if selectors.amount_due(dossier) <= 0 or dossier.fee_paid:
        return
    payment = selectors.payment_of(dossier)
    if payment is not None and payment.status == PaymentStatus.PAID:
        return
    raise Conflict(
        _(
            "Hồ sơ %(code)s chưa nộp phí, lệ phí (%(amount)s đồng): chỉ trả kết quả sau khi "
            "đã nộp (chuyển khoản theo mã VietQR hoặc nộp tại bộ phận một cửa)."
        )
        % {"code": dossier.code, "amount": f"{selectors.amount_due(dossier):,}".replace(",", ".")},
        code=PaymentsErrorCode.FEE_UNPAID,
    )


# ---------------------------------------------------------------- paid


def _mark_paid(payment: Payment, *, method: str, reference: str, actor, now) -> None:
    payment.status = PaymentStatus.PAID
    payment.method = method
    payment.reference = reference
    payment.paid_at = now
    payment.recorded_by = actor
    payment.save()
    if method == PaymentMethod.TRANSFER:
        # `Dossier.fee_paid` is read by the index as "paid online" (Decision 766);
        # a desk payment (cash, card) is recorded here only.
        dossier_services.mark_fee_paid(code=payment.code)
    _audit(
        actor,
        "paid",
        payment,
        after={"method": method, "reference": reference, "amount": payment.amount},
        agency_code=payment.agency.code,
    )


def record_desk_payment(*, actor, code: str, method: str, receipt_number: str) -> Payment:
    """Paid at the one-stop desk in cash or by card, with the receipt's number."""
    if method not in (PaymentMethod.CASH, PaymentMethod.CARD):
        raise ValidationFailed(_("Chọn tiền mặt hoặc thẻ."), fields={"method": _("Chọn một.")})
    receipt_number = (receipt_number or "").strip()
    if not receipt_number:
        raise ValidationFailed(
            _("Nhập số biên lai."), fields={"receipt_number": _("Nhập số biên lai.")}
        )
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .select_related("dossier__desk", "agency")
            .filter(code=code)
            .first()
        )
        if payment is None:
            raise NotFound(_("Hồ sơ %(code)s không có khoản phí phải nộp.") % {"code": code})
        dossier = payment.dossier
        if not (
            authz.has_role(actor, FINANCE_ROLES, agency=dossier.desk)
            or authz.has_role(actor, FINANCE_ROLES, agency=payment.agency)
        ):
            authz.require_role(actor, FINANCE_ROLES, agency=dossier.desk)
        if payment.status == PaymentStatus.PAID:
            raise Conflict(_("Khoản phí này đã nộp."), code=PaymentsErrorCode.ALREADY_PAID)
        _mark_paid(
            payment, method=method, reference=receipt_number, actor=actor, now=timezone.now()
        )
    return payment


# ---------------------------------------------------------------- statements


@dataclass
class ReconcileResult:
    matched: int = 0
    queued: int = 0
    seen_before: int = 0


_TOKEN = re.compile(r"[0-9A-Z]+")


def _candidate_codes(description: str) -> list[str]:
    """Words of the message with dashes and dots dropped (SXD-250301-0007 and
    SXD2503010007 alike), in order."""
    joined = re.sub(r"[-._/]", "", description.upper())
    return _TOKEN.findall(joined)


def _match(credit: statements.Credit) -> tuple[Outcome, Payment | None]:
    tokens = _candidate_codes(credit.description)
    found = {
        p.code_compact: p
        for p in Payment.objects.select_for_update().filter(code_compact__in=tokens)
    }
    payment = next((found[t] for t in tokens if t in found), None)
    if payment is None:
        return Outcome.UNKNOWN, None
    if payment.status == PaymentStatus.PAID:
        return Outcome.DUPLICATE, payment
    if credit.amount < payment.amount:
        return Outcome.SHORT, payment
    if credit.amount > payment.amount:
        return Outcome.OVER, payment
    return Outcome.MATCHED, payment


def _covers(actor, payment) -> bool:
    """A finance role at the payment's agency or at its dossier's desk."""
    return authz.has_role(actor, FINANCE_ROLES, agency=payment.agency) or authz.has_role(
        actor, FINANCE_ROLES, agency=payment.dossier.desk
    )


def reconcile(
    *, actor, content: bytes, source: str = "", format_name: str | None = None
) -> ReconcileResult:
    """Import a statement: exact credits pay their dossier's fee, the others wait in the
    queue; a bank reference seen before is skipped (a second import changes nothing).
    An officer's import pays only the fees of the agencies (or desks) they cover; a
    credit for another agency's fee waits in the queue for that agency (the console,
    `actor=None`, pays any)."""
    if actor is not None:
        authz.require_role(actor, FINANCE_ROLES, anywhere=True)
    credits = statements.read(content, format_name=format_name)
    result = ReconcileResult()
    now = timezone.now()
    with transaction.atomic():
        for credit in credits:
            if StatementLine.objects.filter(bank_reference=credit.bank_reference).exists():
                result.seen_before += 1
                continue
            outcome, payment = _match(credit)
            if outcome == Outcome.MATCHED and actor is not None and not _covers(actor, payment):
                outcome = Outcome.UNKNOWN  # not this officer's to settle
            line = StatementLine.objects.create(
                bank_reference=credit.bank_reference,
                transaction_date=credit.transaction_date,
                amount=credit.amount,
                description=credit.description[:300],
                outcome=outcome,
                payment=payment,
                imported_by=actor,
                source=source[:200],
            )
            if outcome == Outcome.MATCHED and payment is not None:
                _mark_paid(
                    payment,
                    method=PaymentMethod.TRANSFER,
                    reference=credit.bank_reference,
                    actor=actor,
                    now=now,
                )
                result.matched += 1
            else:
                result.queued += 1
                _audit(actor, "queued", line, after={"outcome": outcome, "amount": line.amount})
        record_event(
            actor=actor,
            action="payments.reconcile",
            object_type="payments.Statement",
            object_id=source[:100] or "-",
            after={
                "matched": result.matched,
                "queued": result.queued,
                "seen_before": result.seen_before,
            },
        )
    return result


def resolve_line(
    *, actor, line_id: int, resolution: str, note: str, code: str = ""
) -> StatementLine:
    """A person decides a queued credit: `accepted` (the fee counts as paid, for the
    line's dossier or the one named by `code`) or `refunded` (sent back to the payer).
    Only a finance role covering the payment's agency decides; a credit short of the fee
    never settles it."""
    authz.require_role(actor, FINANCE_ROLES, anywhere=True)  # then scoped to the payment
    note = (note or "").strip()
    if resolution not in Resolution.values:
        raise ValidationFailed(_("Chọn cách xử lý."), fields={"resolution": _("Chọn một.")})
    if not note:
        raise ValidationFailed(_("Ghi lý do xử lý."), fields={"note": _("Ghi lý do.")})
    with transaction.atomic():
        line = StatementLine.objects.select_for_update().filter(pk=line_id).first()
        if line is None or not line.is_queued:
            raise Conflict(
                _("Dòng sao kê này không còn chờ xử lý."), code=PaymentsErrorCode.ALREADY_RESOLVED
            )
        payment = line.payment
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
            _mark_paid(
                payment,
                method=PaymentMethod.TRANSFER,
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


# ---------------------------------------------------------------- bank accounts as data


def load_bank_accounts(*, path: Path = BANK_ACCOUNTS_FILE) -> int:
    """The agencies' receiving accounts from a CSV (demo accounts marked `is_demo`);
    agencies absent here are skipped. Idempotent."""
    count = 0
    with path.open(encoding="utf-8") as f, transaction.atomic():
        for row in csv.DictReader(f):
            agency = Agency.objects.filter(code=row["agency_code"]).first()
            if agency is None:
                continue
            BankAccount.objects.update_or_create(
                agency=agency,
                defaults={
                    "bank_bin": row["bank_bin"],
                    "bank_name": row["bank_name"],
                    "account_number": row["account_number"],
                    "account_name": row["account_name"],
                    "is_demo": row["is_demo"].strip().lower() == "true",
                },
            )
            count += 1
    return count
