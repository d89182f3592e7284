"""Writes: a payment falls due when a dossier is filed, is paid by a matched transfer,
a gateway's signed callback or at the desk, and then gets its electronic receipt;
statements are reconciled; the queue is resolved. Each audited."""

from __future__ import annotations

import csv
import datetime
import hashlib
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.accounts.models import Agency, Role
from tinhso.audit.services import record_event
from tinhso.core import jobs
from tinhso.core.errors import Conflict, NotFound, ValidationFailed
from tinhso.core.models import Job
from tinhso.dossiers import services as dossier_services
from tinhso.dossiers.models import Dossier, Status

from . import receipts, selectors, statements
from .error_codes import PaymentsErrorCode
from .models import (
    BankAccount,
    Outcome,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Receipt,
    Resolution,
    StatementLine,
)

# Who reconciles statements, resolves the queue and takes fees at the desk: the
# agency's finance officers, the one-stop officers (the desk collects fees) and
# administrators, each within the agencies they are assigned to.
FINANCE_ROLES = frozenset({Role.FINANCE_OFFICER, Role.ONE_STOP_OFFICER, Role.ADMINISTRATOR})
BANK_ACCOUNTS_FILE = Path(__file__).resolve().parent / "data" / "bank_accounts.csv"
# Credits imported per transaction: a big statement shows its progress as it goes and
# a restart resumes (a bank reference already imported is skipped).
CHUNK = 200


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
    if selectors.fee_status(dossier) != "due":
        return
    raise Conflict(
        _(
            "Hồ sơ %(code)s chưa nộp phí, lệ phí (%(amount)s đồng): chỉ trả kết quả sau khi "
            "đã nộp (chuyển khoản theo mã VietQR hoặc nộp tại bộ phận một cửa)."
        )
        % {"code": dossier.code, "amount": f"{selectors.amount_due(dossier):,}".replace(",", ".")},
        code=PaymentsErrorCode.FEE_UNPAID,
    )


# ---------------------------------------------------------------- paid, and its receipt


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
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
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


# ---------------------------------------------------------------- statements


@dataclass
class ReconcileResult:
    matched: int = 0
    queued: int = 0
    seen_before: int = 0

    def summary(self) -> str:
        return f"matched: {self.matched}, queued: {self.queued}"


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
        for p in Payment.objects.select_for_update()
        .select_related("agency", "dossier__desk", "dossier__applicant", "dossier__procedure")
        .filter(code_compact__in=tokens)
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


def _import_credit(
    credit: statements.Credit, *, actor, source: str, method: str, now
) -> Outcome | None:
    """One credit: an exact one pays its dossier's fee, any other waits in the queue.
    None when its reference was seen before (nothing changes), also when a second
    import of the same reference races this one."""
    if StatementLine.objects.filter(bank_reference=credit.bank_reference).exists():
        return None
    outcome, payment = _match(credit)
    if outcome == Outcome.MATCHED and actor is not None and not _covers(actor, payment):
        outcome = Outcome.UNKNOWN  # not this officer's to settle
    try:
        with transaction.atomic():
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
    except IntegrityError:
        return None
    if outcome == Outcome.MATCHED and payment is not None:
        _mark_paid(payment, method=method, reference=credit.bank_reference, actor=actor, now=now)
    else:
        _audit(actor, "queued", line, after={"outcome": outcome, "amount": line.amount})
    return outcome


def _count(result: ReconcileResult, outcome: Outcome | None) -> None:
    if outcome is None:
        result.seen_before += 1
    elif outcome == Outcome.MATCHED:
        result.matched += 1
    else:
        result.queued += 1


def reconcile(
    *,
    actor,
    content: bytes,
    source: str = "",
    format_name: str | None = None,
    step: Callable[[], None] | None = None,
) -> ReconcileResult:
    """Import a statement: exact credits pay their dossier's fee, the others wait in the
    queue; a bank reference seen before is skipped (a second import changes nothing).
    An officer's import pays only the fees of the agencies (or desks) they cover; a
    credit for another agency's fee waits in the queue for that agency (the console,
    `actor=None`, pays any). Committed CHUNK credits at a time, `step` after each."""
    if actor is not None:
        authz.require_role(actor, FINANCE_ROLES, anywhere=True)
    credits = statements.read(content, format_name=format_name)
    result = ReconcileResult()
    now = timezone.now()
    for start in range(0, len(credits), CHUNK):
        with transaction.atomic():
            for credit in credits[start : start + CHUNK]:
                outcome = _import_credit(
                    credit, actor=actor, source=source, method=PaymentMethod.TRANSFER, now=now
                )
                _count(result, outcome)
        if step is not None:
            for _credit in credits[start : start + CHUNK]:
                step()
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


def statements_dir() -> Path:
    return Path(settings.VAR_DIR) / "statements"


def start_reconcile(*, actor, content: bytes, source: str, format_name: str | None = None) -> Job:
    """The upload page's way in: the statement is read at once (a file that cannot be
    read is refused whole, nothing imported), kept, and reconciled by a background job
    whose progress the officer watches."""
    authz.require_role(actor, FINANCE_ROLES, anywhere=True)
    credits = statements.read(content, format_name=format_name)
    if not credits:
        raise ValidationFailed(
            _("Sao kê không có dòng ghi có nào."), code=PaymentsErrorCode.BAD_STATEMENT
        )
    folder = statements_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.csv"
    path.write_bytes(content)
    path.chmod(0o600)
    with transaction.atomic():
        job = jobs.enqueue(
            kind="payments.reconcile",
            actor=actor,
            params={"path": str(path), "source": source[:200], "format": format_name or ""},
            total=len(credits),
        )
        record_event(
            actor=actor,
            action="payments.statement_uploaded",
            object_type="payments.Statement",
            object_id=source[:100] or "-",
            after={"credits": len(credits), "job": job.pk},
        )
    return job


# ---------------------------------------------------------------- a gateway's callback


def record_gateway_payment(
    *, provider: str, transaction_id: str, code: str, amount: int, paid_on: datetime.date
) -> str:
    """A payment a gateway reports (its signature already checked by the provider):
    handled as a credit whose reference is the gateway's transaction id, so the same
    transaction twice has one effect and a wrong amount waits in the same queue.
    Returns `matched`, a queue outcome, or `seen_before`."""
    credit = statements.Credit(
        transaction_date=paid_on,
        bank_reference=f"{provider}:{transaction_id}"[:60],
        amount=amount,
        description=code,
    )
    with transaction.atomic():
        outcome = _import_credit(
            credit,
            actor=None,
            source=f"gateway:{provider}",
            method=PaymentMethod.GATEWAY,
            now=timezone.now(),
        )
    return "seen_before" if outcome is None else str(outcome)


# ---------------------------------------------------------------- the queue


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
    with transaction.atomic():
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
