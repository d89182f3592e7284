"""Reads: what a dossier owes, where to pay it, the reconciliation queue."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from tinhso.accounts.models import Agency
from tinhso.dossiers import selectors as dossier_selectors
from tinhso.dossiers.models import Dossier

from . import vietqr
from .models import QUEUED, BankAccount, Payment, PaymentStatus, StatementLine


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
    return Payment.objects.filter(dossier=dossier).first()


def payment_view(user, code: str) -> dict | None:
    """The fee of dossier `code` as the API and the page show it; None when the user
    may not see the dossier (same rule as the dossier itself)."""
    dossier = dossier_selectors.dossier_for(user, code, with_history=False)
    if dossier is None:
        return None
    return describe(dossier)


def describe(dossier: Dossier) -> dict:
    payment = payment_of(dossier)
    if payment is None:
        status = "paid" if dossier.fee_paid and amount_due(dossier) else "not_required"
        if amount_due(dossier) and not dossier.fee_paid and dossier.status != "draft":
            status = "due"  # filed before payments were recorded
        return {
            "code": dossier.code,
            "amount": amount_due(dossier),
            "status": status,
            "vietqr": "",
            "paid_at": None,
            "reference": "",
            "account": None,
            "method": "",
        }
    account = bank_account_for(dossier.agency)
    return {
        "code": dossier.code,
        "amount": payment.amount,
        "status": payment.status,
        "vietqr": transfer_text(payment, account) if payment.status == PaymentStatus.DUE else "",
        "paid_at": payment.paid_at,
        "reference": payment.reference,
        "account": account,
        "method": payment.method,
    }


def queue() -> QuerySet[StatementLine]:
    """Credits a person must resolve, oldest first."""
    return (
        StatementLine.objects.filter(outcome__in=QUEUED, resolved_at__isnull=True)
        .select_related("payment")
        .order_by("transaction_date", "pk")
    )
