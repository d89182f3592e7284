"""The demo's past dossiers: filed under one account no one signs in to, created
through the accounts service, and the same from one run to the next."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tinhso.accounts.models import User
from tinhso.audit.models import AuditEvent
from tinhso.core import workdays
from tinhso.demo import dossier_history
from tinhso.dossiers.models import Dossier, DossierStep
from tinhso.payments.models import Payment
from tinhso.procedures.fees import fee_for
from tinhso.procedures.selectors import definition_of

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 30)
FIELDS = ("procedure_id", "agency_id", "status", "channel", "submitted_at", "received_at",
          "due_date", "result_issued_at", "returned_at", "rating", "fee_amount",
          "payment__status")  # fmt: skip
OPENS, CLOSES = datetime.time(7, 30), datetime.time(17, 0)


def _drawn():
    return list(Dossier.objects.order_by("code").values_list(*FIELDS))


def test_past_dossiers_are_filed_under_an_account_no_one_signs_in_to():
    assert not dossier_history.history_exists()
    made = dossier_history.create_history(count=30, today=TODAY, seed=5, batch=7)
    assert made == 30 == Dossier.objects.filter(code__startswith="LS-").count()
    assert dossier_history.history_exists()
    user = User.objects.get(username=dossier_history.HISTORY_USER)
    assert not user.is_active and not user.has_usable_password()
    assert not user.role_assignments.exists()
    assert AuditEvent.objects.filter(action="accounts.placeholder_created").count() == 1
    assert set(Dossier.objects.values_list("applicant_id", flat=True)) == {user.pk}
    assert DossierStep.objects.filter(dossier__code__startswith="LS-").count() == 30
    dossier_history.create_history(count=5, today=TODAY, seed=6)  # the account is reused
    assert User.objects.filter(username=dossier_history.HISTORY_USER).count() == 1
    assert Dossier.objects.filter(code__endswith="-0000035").exists()


def test_the_same_seed_and_day_give_the_same_dossiers():
    dossier_history.create_history(count=40, today=TODAY, seed=9, with_open=True, batch=15)
    first = _drawn()
    Payment.objects.all().delete()  # a payment protects its dossier
    Dossier.objects.all().delete()
    dossier_history.create_history(count=40, today=TODAY, seed=9, with_open=True)
    assert _drawn() == first
    assert len(first) == 40


def _in_office_hours(moment, cal):
    local = timezone.localtime(moment, ZoneInfo("Asia/Ho_Chi_Minh"))
    return cal.is_working_day(local.date()) and OPENS <= local.time() <= CLOSES


def test_past_dossiers_are_received_and_returned_in_office_hours_on_working_days():
    dossier_history.create_history(count=300, today=TODAY, seed=11, with_open=True)
    cal = workdays.calendar()
    dossiers = list(
        Dossier.objects.select_related("desk", "procedure_version").prefetch_related("steps")
    )
    assert {d.status for d in dossiers} >= {"returned", "refused", "in_progress"}
    assert {d.channel for d in dossiers} == {"online", "desk"}
    for d in dossiers:
        moments = [d.received_at, d.result_issued_at, d.returned_at]
        moments += [s.started_at for s in d.steps.all()]
        moments += [s.finished_at for s in d.steps.all()]
        for moment in filter(None, moments):
            assert _in_office_hours(moment, cal), (d.code, moment)
        if d.channel == "desk":  # filed at a desk: on a working day, in its hours
            assert _in_office_hours(d.submitted_at, cal), (d.code, d.submitted_at)
        days = definition_of(d.procedure_version).processing_days  # as dossiers.services
        if d.received_at:  # refused ones were never received
            assert d.submitted_at <= d.received_at
            assert d.due_date == cal.due_date(d.received_at, days, d.desk.cut_off_time)
        received = d.received_at or d.submitted_at
        assert d.fee_amount == fee_for(d.procedure_version, d.data)
        if d.status == "returned":
            assert received <= d.result_issued_at <= d.returned_at
            assert timezone.localdate(d.returned_at) <= TODAY
