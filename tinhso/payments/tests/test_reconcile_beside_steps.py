"""A statement reconciled while an officer takes a step on one of its dossiers: the
reconcile pays fee after fee in one transaction per chunk of credits, and the step
holds its dossier. Neither may wait on the other in a circle: the reconcile writes the
shared rows (queue and index counts, audit head) at its chunk's end (core.late) and
locks only the payments' rows, not their agencies and dossiers."""

from __future__ import annotations

import threading

from django.db import connection

from tinhso.accounts.models import Role
from tinhso.dossiers import services as dossier_services
from tinhso.dossiers.signals import dossier_changed
from tinhso.payments import services
from tinhso.payments.models import Payment
from tinhso.testing import concurrent_connections
from tinhso.testing.factories import DossierFactory

PAPERS = ("giay-phep-cu", "giay-kham-suc-khoe")


@concurrent_connections
def test_a_statement_reconciled_while_an_officer_receives_does_not_deadlock(
    make_citizen, make_staff
):
    from tinhso.accounts import services as accounts

    applicant = make_citizen()
    accounts.update_profile(
        actor=applicant, user=applicant, email="a@example.vn", phone="0912345678"
    )
    applicant.refresh_from_db()
    officer = make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC")
    services.load_bank_accounts()
    first, second = (
        DossierFactory(applicant=applicant, papers=PAPERS, submit=True) for _ in range(2)
    )
    amount = Payment.objects.get(dossier=first).amount
    statement = (
        "transaction_date,bank_reference,amount,description\n"
        f"2026-03-02,FT1,{amount},{first.code}\n"
        f"2026-03-02,FT2,{amount},{second.code}\n"
    ).encode()

    officer_holds_second = threading.Event()  # the step has the second dossier locked
    first_fee_paid = threading.Event()  # the reconcile has paid the first fee
    errors: list[BaseException] = []

    def pause(sender, *, dossier, **kwargs):
        name = threading.current_thread().name
        if name == "officer":
            officer_holds_second.set()
            first_fee_paid.wait(10)
        elif name == "reconcile" and dossier.pk == first.pk:
            first_fee_paid.set()

    def officer_receives():
        try:
            dossier_services.take_action(actor=officer, code=second.code, action="receive")
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    def reconcile():
        try:
            officer_holds_second.wait(10)
            services.reconcile(actor=None, content=statement, source="review")
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    dossier_changed.connect(pause, dispatch_uid="review.late.pause")  # after the counts
    try:
        threads = [
            threading.Thread(target=officer_receives, name="officer"),
            threading.Thread(target=reconcile, name="reconcile"),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        dossier_changed.disconnect(dispatch_uid="review.late.pause")
    assert errors == []
