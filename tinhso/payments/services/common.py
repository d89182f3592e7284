"""What the payment services share: who takes part in them, and their audit event."""

from __future__ import annotations

from tinhso.accounts import authz
from tinhso.accounts.models import Role
from tinhso.audit.services import record_event

from ..models import StatementLine

# Who reconciles statements, resolves the queue and takes fees at the desk: the
# agency's finance officers, the one-stop officers (the desk collects fees) and
# administrators, each within the agencies they are assigned to.
FINANCE_ROLES = frozenset({Role.FINANCE_OFFICER, Role.ONE_STOP_OFFICER, Role.ADMINISTRATOR})


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


def _covers(actor, payment) -> bool:
    """A finance role at the payment's agency or at its dossier's desk."""
    return authz.has_role(actor, FINANCE_ROLES, agency=payment.agency) or authz.has_role(
        actor, FINANCE_ROLES, agency=payment.dossier.desk
    )
