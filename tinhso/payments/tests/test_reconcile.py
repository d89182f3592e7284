"""Reconciling a generated statement: exact, short, over, unknown and repeated credits;
a second import changes nothing; the queue is resolved by a person, audited."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tinhso.accounts.models import Role
from tinhso.audit.models import AuditEvent
from tinhso.core.errors import PermissionDenied, ValidationFailed
from tinhso.payments import services, statements
from tinhso.payments.models import Outcome, Payment, StatementLine
from tinhso.testing.factories import DossierFactory

PAPERS = ("giay-phep-cu", "giay-kham-suc-khoe")


@pytest.fixture
def four_due(db, applicant):
    return [DossierFactory(applicant=applicant, papers=PAPERS, submit=True).code for _ in range(4)]


def _statement(rows) -> bytes:
    lines = ["transaction_date,bank_reference,amount,description"]
    lines += [",".join(map(str, r)) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def _rows(codes):
    a, b, c, d = codes
    return [
        ("2025-03-02", "FT001", 135000, f"NGUYEN VAN A CK {a} NOP PHI"),  # exact, with dashes
        ("2025-03-02", "FT002", 135000, f"CK {d.replace('-', '')}"),  # exact, dashes dropped
        ("2025-03-02", "FT003", 100000, f"{b} thieu"),  # short
        ("2025-03-03", "FT004", 200000, f"{c}"),  # over
        ("2025-03-03", "FT005", 135000, "chuyen tien khong ghi ma"),  # unknown code
        ("2025-03-03", "FT006", 135000, f"{a} lan 2"),  # duplicate: already paid by FT001
    ]


def test_a_statement_is_matched_and_queued(four_due, tmp_path, capsys):
    path = tmp_path / "sao-ke.csv"
    path.write_bytes(_statement(_rows(four_due)))
    call_command("reconcile", str(path))
    assert capsys.readouterr().out.strip() == "matched: 2, queued: 4"
    outcomes = dict(StatementLine.objects.values_list("bank_reference", "outcome"))
    assert outcomes == {
        "FT001": Outcome.MATCHED,
        "FT002": Outcome.MATCHED,
        "FT003": Outcome.SHORT,
        "FT004": Outcome.OVER,
        "FT005": Outcome.UNKNOWN,
        "FT006": Outcome.DUPLICATE,
    }
    a, b, c, d = four_due
    paid = Payment.objects.get(code=a)
    assert (paid.status, paid.method, paid.reference) == ("paid", "transfer", "FT001")
    assert paid.receipt.number == 1  # the first of the agency's series
    assert Payment.objects.get(code=d).reference == "FT002"
    assert Payment.objects.get(code=b).status == Payment.objects.get(code=c).status == "due"

    call_command("reconcile", str(path))  # the same statement again
    assert capsys.readouterr().out.strip() == "matched: 0, queued: 0"
    assert StatementLine.objects.count() == 6
    assert Payment.objects.get(code=a).reference == "FT001"


def test_a_bank_export_is_read_through_its_mapping():
    content = (
        "Ngày giao dịch;Số bút toán;Số tiền ghi có;Số tiền ghi nợ;Nội dung\n"
        "02/03/2025;VTB123;135.000;;CK SXD-250302-0001\n"
        "02/03/2025;VTB124;;50.000;phi ngan hang\n"
    ).encode()
    credits = statements.read(content)
    assert credits == [
        statements.Credit(
            __import__("datetime").date(2025, 3, 2), "VTB123", 135000, "CK SXD-250302-0001"
        )
    ]


def test_an_unreadable_line_refuses_the_whole_file(four_due):
    content = _statement([("2025-03-02", "FT1", "abc", four_due[0])])
    with pytest.raises(ValidationFailed):
        services.reconcile(actor=None, content=content)
    assert not StatementLine.objects.exists()


def test_unknown_columns_are_refused():
    with pytest.raises(ValidationFailed):
        statements.read(b"a,b,c\n1,2,3\n")


def test_a_citizen_may_not_import(applicant):
    with pytest.raises(PermissionDenied):
        services.reconcile(actor=applicant, content=_statement([]))


def test_the_queue_is_resolved_by_an_officer_and_audited(four_due, officer):
    services.reconcile(actor=officer, content=_statement(_rows(four_due)))
    short = StatementLine.objects.get(bank_reference="FT003")
    unknown = StatementLine.objects.get(bank_reference="FT005")
    with pytest.raises(ValidationFailed):
        services.resolve_line(actor=officer, line_id=unknown.pk, resolution="accepted", note="x")
    services.resolve_line(
        actor=officer,
        line_id=unknown.pk,
        resolution="accepted",
        note="Công dân gọi điện",
        code=four_due[2].replace("-", ""),
    )
    assert Payment.objects.get(code=four_due[2]).reference == "FT005"
    services.resolve_line(
        actor=officer, line_id=short.pk, resolution="refunded", note="Hoàn trả, nộp lại đủ"
    )
    short.refresh_from_db()
    assert short.resolved_by == officer and not short.is_queued
    assert Payment.objects.get(code=four_due[1]).status == "due"
    assert AuditEvent.objects.filter(action="payments.resolve").count() == 2


def test_a_citizen_may_not_resolve(four_due, applicant):
    services.reconcile(actor=None, content=_statement(_rows(four_due)))
    line = StatementLine.objects.get(bank_reference="FT003")
    with pytest.raises(PermissionDenied):
        services.resolve_line(actor=applicant, line_id=line.pk, resolution="refunded", note="x")


def test_an_officer_of_another_agency_neither_settles_nor_resolves(four_due, make_staff):
    stranger = make_staff(Role.ONE_STOP_OFFICER, "SYT")
    services.reconcile(actor=stranger, content=_statement(_rows(four_due)))
    assert not Payment.objects.filter(status="paid").exists()  # all wait for their agency
    line = StatementLine.objects.get(bank_reference="FT001")
    with pytest.raises(PermissionDenied):
        services.resolve_line(
            actor=stranger, line_id=line.pk, resolution="accepted", note="x", code=four_due[0]
        )


def test_a_short_credit_never_settles_a_fee(four_due, officer):
    services.reconcile(actor=officer, content=_statement(_rows(four_due)))
    short = StatementLine.objects.get(bank_reference="FT003")
    with pytest.raises(ValidationFailed):
        services.resolve_line(actor=officer, line_id=short.pk, resolution="accepted", note="x")
    assert Payment.objects.get(code=four_due[1]).status == "due"
