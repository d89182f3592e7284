"""Writes: a payment falls due when a dossier is filed, is paid by a matched transfer,
a gateway's signed callback or at the desk, and then gets its electronic receipt;
statements are reconciled; the queue is resolved. Each audited.

due.py: a payment falls due; paying.py: paid, and its receipt (at the desk too);
reconciling.py: statements and a gateway's callback; queue.py: the queue a person
resolves; bank_accounts.py: the agencies' receiving accounts as data."""

from .bank_accounts import BANK_ACCOUNTS_FILE, load_bank_accounts
from .common import FINANCE_ROLES
from .due import fee_must_be_paid_before_return, on_dossier_changed
from .paying import record_desk_payment
from .queue import resolve_line
from .reconciling import (
    CHUNK,
    ReconcileResult,
    reconcile,
    record_gateway_payment,
    start_reconcile,
    statements_dir,
)

__all__ = [
    "BANK_ACCOUNTS_FILE",
    "CHUNK",
    "FINANCE_ROLES",
    "ReconcileResult",
    "fee_must_be_paid_before_return",
    "load_bank_accounts",
    "on_dossier_changed",
    "reconcile",
    "record_desk_payment",
    "record_gateway_payment",
    "resolve_line",
    "start_reconcile",
    "statements_dir",
]
