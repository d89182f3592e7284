"""The demo's past dossiers: filed under one account no one signs in to, created
through the accounts service, and the same from one run to the next."""

import datetime

import pytest

from tinhso.accounts.models import User
from tinhso.audit.models import AuditEvent
from tinhso.demo import dossier_history
from tinhso.dossiers.models import Dossier, DossierStep

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 30)
FIELDS = ("procedure_id", "agency_id", "status", "channel", "submitted_at", "due_date",
          "result_issued_at", "returned_at", "rating", "fee_paid")  # fmt: skip


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
    Dossier.objects.all().delete()
    dossier_history.create_history(count=40, today=TODAY, seed=9, with_open=True)
    assert _drawn() == first
    assert len(first) == 40
