"""The dossier a write locks comes from a statement compiled once per process
(core.compiled): it must be the same dossier, with the same rows beside it, as the ORM
gives, and the ORM must not build that statement again."""

import pytest
from django.db import connection, transaction
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from tinhso.core.compiled import Compiled
from tinhso.core.errors import NotFound
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.services.common import LOCKED_WITH, _locked

pytestmark = pytest.mark.django_db


def _fields(obj, leave=()) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in leave
    }


@pytest.mark.parametrize("related", [LOCKED_WITH, ("agency", "procedure_version")])
def test_the_same_dossier_and_rows_as_the_orm(received, related):
    with transaction.atomic():
        locked = _locked(received.code, related=related)
    plain = Dossier.objects.select_related(*related).get(code=received.code)
    assert _fields(locked) == _fields(plain)
    assert locked.data == plain.data and isinstance(locked.data, dict)  # JSON decoded
    assert locked.submitted_at == plain.submitted_at and locked.submitted_at.tzinfo
    with CaptureQueriesContext(connection) as queries:
        for name in related:
            row = getattr(locked, name)
            # (the version's definition: deferred, read once per process)
            leave = row.get_deferred_fields()
            assert _fields(row, leave) == _fields(getattr(plain, name), leave)
    assert len(queries) == 0, "the related rows came with the dossier"
    assert locked.procedure_version.get_deferred_fields() == {"data"}


def test_an_unknown_code_is_a_dossier_that_does_not_exist(received):
    with transaction.atomic(), pytest.raises(NotFound):
        _locked("KHONG-CO-0000")


def test_the_statement_is_built_once(received, submitted, monkeypatch):
    with transaction.atomic():
        _locked(received.code)  # compiled, if no test before did
    built = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **kw: built.append(1) or original(self, *a, **kw)
    )
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        first = _locked(received.code)
        second = _locked(submitted.code)
    assert (first.code, second.code) == (received.code, submitted.code)
    assert built == []
    assert all("FOR UPDATE" in q["sql"] or connection.vendor == "sqlite" for q in queries)


def test_constants_stay_and_a_value_changed_on_its_way_is_left_to_the_orm(received):
    kept = Compiled(lambda code: Dossier.objects.filter(code=code, version__gte=0), ["«code»"])
    assert kept.first(received.code).pk == received.pk
    assert kept.first("KHONG-CO-0000") is None
    assert kept.compiles  # `0`: a constant of the statement, kept in it
    changed = Compiled(lambda code: Dossier.objects.filter(code=code.upper()), ["«code»"])
    assert changed.first(received.code.lower()).pk == received.pk
    assert not changed.compiles  # run by the ORM each time, with the value changed


def test_every_hot_query_of_the_platform_runs_compiled():
    """A change to one of them that makes it fall back to the ORM (a marker the field
    converts, a value used twice) is found here, not in a benchmark."""
    import tinhso.notifications.services  # noqa: F401 (each module makes its own)
    import tinhso.procedures.selectors  # noqa: F401
    from tinhso.core import compiled

    ours = [q for q in compiled.ALL if ".tests." not in q.build.__module__]
    assert len(ours) >= 8
    with transaction.atomic():  # (a locking one compiles in a transaction only)
        falling_back = [str(q.build(*q.markers).query) for q in ours if not q.compiles]
    assert falling_back == []


def test_a_row_inserted_by_the_built_statement_is_the_row_create_makes(received, applicant):
    from tinhso.core.compiled import insert
    from tinhso.dossiers.models import DossierEvent

    made = insert(
        DossierEvent(dossier=received, actor=applicant, action="note", from_status="a", note="x")
    )
    again = insert(DossierEvent(dossier=received, actor=None, action="note", to_status="b"))
    assert made.pk and again.pk > made.pk and not made._state.adding
    stored = DossierEvent.objects.get(pk=made.pk)
    assert (stored.dossier_id, stored.actor_id, stored.action, stored.from_status, stored.note) == (
        received.pk,
        applicant.pk,
        "note",
        "a",
        "x",
    )
    assert stored.at == made.at and stored.at is not None  # auto_now_add, as create fills it
    assert DossierEvent.objects.get(pk=again.pk).actor_id is None


def test_an_update_writes_every_field_and_refuses_a_row_that_is_gone(received):
    from tinhso.core.compiled import update

    before = Dossier.objects.get(pk=received.pk).updated_at
    received.applicant_phone, received.version = "0900000001", received.version + 1
    update(received)
    stored = Dossier.objects.get(pk=received.pk)
    assert (stored.applicant_phone, stored.version) == ("0900000001", received.version)
    assert stored.updated_at > before  # auto_now moves, as save() moves it
    gone = Dossier(**{f.attname: getattr(received, f.attname) for f in Dossier._meta.fields})
    gone.pk = 10**12
    with pytest.raises(Dossier.DoesNotExist):
        update(gone)


def test_an_update_of_some_fields_writes_those_only(received):
    from tinhso.core.compiled import update

    received.applicant_phone, received.rating_comment = "0900000002", "chưa lưu"
    update(received, ("applicant_phone",))
    stored = Dossier.objects.get(pk=received.pk)
    assert (stored.applicant_phone, stored.rating_comment) == ("0900000002", "")
    with pytest.raises(ValueError):
        update(received, ("not_a_field",))


@pytest.mark.django_db(transaction=True)
def test_a_compiled_lock_outside_a_transaction_is_refused_as_the_orm_refuses_it(received):
    from django.db.transaction import TransactionManagementError

    with transaction.atomic():
        _locked(received.code)  # compiled (in a transaction)
    with pytest.raises(TransactionManagementError):
        _locked(received.code)  # autocommit: it would lock nothing


def test_an_insert_with_a_related_row_not_saved_is_refused_as_save_refuses_it(received):
    from tinhso.core.compiled import insert
    from tinhso.dossiers.models import DossierEvent

    unsaved = Dossier(code="CHUA-LUU")
    with pytest.raises(ValueError, match="unsaved related object"):
        insert(DossierEvent(dossier=unsaved, action="note"))
