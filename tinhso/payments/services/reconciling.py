"""Statements reconciled (at once or by a background job) and a gateway's callback,
each credit matched to a dossier's fee or left in the queue."""

from __future__ import annotations

import datetime
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
from tinhso.audit.services import record_event
from tinhso.core import jobs, late
from tinhso.core.errors import ValidationFailed
from tinhso.core.models import Job

from .. import statements
from ..error_codes import PaymentsErrorCode
from ..models import Outcome, Payment, PaymentMethod, PaymentStatus, StatementLine
from .common import FINANCE_ROLES, _audit, _covers
from .paying import _mark_paid

# Credits imported per transaction: a big statement shows its progress as it goes and
# a restart resumes (a bank reference already imported is skipped).
CHUNK = 200


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
        # the payments' rows only: their agency, desk and dossier stay free for the
        # steps under way (they lock the dossier themselves, in their own order)
        for p in Payment.objects.select_for_update(of=("self",))
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
        with transaction.atomic(), late.writes_at_the_end():
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
    with transaction.atomic(), late.writes_at_the_end():
        outcome = _import_credit(
            credit,
            actor=None,
            source=f"gateway:{provider}",
            method=PaymentMethod.GATEWAY,
            now=timezone.now(),
        )
    return "seen_before" if outcome is None else str(outcome)
