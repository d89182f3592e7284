"""Reads: what a dossier owes, where to pay it, the reconciliation queue."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from tinhso.accounts import authz
from tinhso.accounts.models import Agency
from tinhso.dossiers import selectors as dossier_selectors
from tinhso.dossiers.models import Dossier

from . import vietqr
from .models import (
    QUEUED,
    BankAccount,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Receipt,
    StatementLine,
)


def amount_due(dossier: Dossier) -> int:
    """The fee this dossier owes, in VND (0: nothing to pay, exempt included). The one
    place the amount is read: `procedures.fee_for` sets `fee_amount` at submission."""
    return int(dossier.fee_amount or 0)


def compact_code(code: str) -> str:
    """A dossier code as banks keep it in a message: upper case, no dashes or dots."""
    return re.sub(r"[^0-9A-Z]", "", (code or "").upper())


def bank_account_for(agency: Agency | None) -> BankAccount | None:
    """The account of `agency`, or of the nearest agency above it that has one."""
    codes = [c for c in (agency.path.strip("/").split("/") if agency else []) if c]
    found = {
        a.agency.code: a
        for a in BankAccount.objects.select_related("agency").filter(agency__code__in=codes)
    }
    return next((found[c] for c in reversed(codes) if c in found), None)


def transfer_text(payment: Payment, account: BankAccount | None) -> str:
    """The VietQR payload asking for this payment, or "" without an account."""
    if account is None or payment.amount <= 0:
        return ""
    return vietqr.build(
        vietqr.TransferRequest(
            bank_bin=account.bank_bin,
            account=account.account_number,
            amount=payment.amount,
            message=payment.code[: vietqr.MESSAGE_MAX],
        )
    )


def payment_of(dossier: Dossier) -> Payment | None:
    return Payment.objects.filter(dossier=dossier).select_related("receipt").first()


def fee_status(dossier: Dossier, payment: Payment | None = None) -> str:
    """`not_required`, `due` or `paid`, read from the Payment (the one record of it).
    A filed fee-bearing dossier without a Payment (filed before payments were
    recorded) is due."""
    payment = payment if payment is not None else payment_of(dossier)
    if payment is not None and payment.status == PaymentStatus.PAID:
        return "paid"
    if amount_due(dossier) <= 0:
        return "not_required"  # none, or exempted after it fell due
    if payment is not None or dossier.submitted_at is not None:
        return "due"
    return "not_required"


def payment_view(user, code: str) -> dict | None:
    """The fee of dossier `code` as the API and the page show it; None when the user
    may not see the dossier (same rule as the dossier itself)."""
    dossier = dossier_selectors.dossier_for(user, code, with_history=False)
    if dossier is None:
        return None
    return describe(dossier)


def describe(dossier: Dossier) -> dict:
    payment = payment_of(dossier)
    status = fee_status(dossier, payment)
    account = bank_account_for(dossier.agency) if status == "due" else None
    receipt = getattr(payment, "receipt", None) if payment is not None else None
    return {
        "code": dossier.code,
        "amount": payment.amount if payment is not None else amount_due(dossier),
        "status": status,
        "vietqr": transfer_text(payment, account)
        if payment is not None and status == PaymentStatus.DUE
        else "",
        "paid_at": payment.paid_at if payment is not None else None,
        "reference": payment.reference if payment is not None else "",
        "account": account,
        "method": payment.method if payment is not None else "",
        "method_label": PaymentMethod(payment.method).label
        if payment is not None and payment.method
        else "",
        "receipt": receipt,
    }


def covered_agency_paths(user) -> list[str]:
    """The paths of the agencies where `user` holds a finance role (and below them)."""
    from .services import FINANCE_ROLES

    return [
        a.agency.path
        for a in authz.assignments(user)
        if a.agency is not None and a.role in FINANCE_ROLES
    ]


def queue_for(user) -> QuerySet[StatementLine]:
    """Credits a person must resolve, oldest first: those of fees of the agencies the
    user covers, and those matching no fee at all (anyone in finance may place them)."""
    paths = covered_agency_paths(user)
    if not paths:
        return StatementLine.objects.none()
    scope = Q(payment__isnull=True)
    for path in paths:
        scope |= Q(payment__agency__path__startswith=path)
    return queue().filter(scope)


def queue() -> QuerySet[StatementLine]:
    """Credits a person must resolve, oldest first."""
    return (
        StatementLine.objects.filter(outcome__in=QUEUED, resolved_at__isnull=True)
        .select_related("payment")
        .order_by("transaction_date", "pk")
    )


def receipt_for(user, code: str) -> Receipt | None:
    """The receipt of dossier `code`, for someone who may see the dossier."""
    dossier = dossier_selectors.dossier_for(user, code, with_history=False)
    if dossier is None:
        return None
    return Receipt.objects.filter(payment__dossier=dossier).first()
