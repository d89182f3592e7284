"""Attacks on the reconciliation queue by a finance officer of another agency."""

from __future__ import annotations

import pytest

from tinhso.accounts.models import Agency, Role
from tinhso.core.errors import PermissionDenied
from tinhso.payments import services
from tinhso.payments.models import Payment, StatementLine
from tinhso.testing.factories import DossierFactory

PAPERS = ("giay-phep-cu", "giay-kham-suc-khoe")


@pytest.fixture
def two_due(db, applicant):
    return [DossierFactory(applicant=applicant, papers=PAPERS, submit=True).code for _ in range(2)]


def _statement(rows) -> bytes:
    lines = ["transaction_date,bank_reference,amount,description"]
    lines += [",".join(map(str, r)) for r in rows]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("resolution", ["accepted", "refunded", "ignored"])
def test_a_credit_for_one_agencys_fee_is_not_taken_by_another_agency(
    two_due, officer, make_staff, resolution
):
    """An over-payment for the desk's dossier waits in the desk's queue; a finance
    officer of the health department, naming the line's id and a fee of their own
    agency, must not settle their fee with it, nor refund or ignore it."""
    mine, theirs = two_due
    Payment.objects.filter(code=theirs).update(agency=Agency.objects.get(code="SYT"))
    stranger = make_staff(Role.FINANCE_OFFICER, "SYT")
    services.reconcile(actor=officer, content=_statement([("2025-03-03", "FT9", 200000, mine)]))
    line = StatementLine.objects.get(bank_reference="FT9")
    assert line.payment.code == mine and line.is_queued

    with pytest.raises(PermissionDenied):
        services.resolve_line(
            actor=stranger, line_id=line.pk, resolution=resolution, note="x", code=theirs
        )
    line.refresh_from_db()
    assert line.is_queued and line.resolved_by is None
    assert Payment.objects.get(code=theirs).status == "due"
