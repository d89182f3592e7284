"""Two officers acting on the same dossier at the same moment: exactly one succeeds,
the other gets the 409 of the state the first one left. Real threads, real
connections, committed transactions (on PostgreSQL in CI, on SQLite locally)."""

import threading

from django.db import connection

from tinhso.accounts.models import Role
from tinhso.core.errors import Conflict
from tinhso.dossiers import services
from tinhso.dossiers.models import Dossier, DossierEvent
from tinhso.testing import DRIVING, concurrent_connections, pdf_file


@concurrent_connections
def test_two_officers_receive_at_once_and_one_gets_a_conflict(make_citizen, make_staff):
    applicant = make_citizen()
    first, second = (
        make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC"),
        make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC"),
    )
    dossier = services.create_dossier(
        actor=applicant,
        procedure_code=DRIVING,
        data={
            "hang_gplx": "B",
            "so_gplx_cu": "X1",
            "cam_ket": True,
            "so_dien_thoai": "0912345678",
        },
    )
    for kind in ("giay-phep-cu", "giay-kham-suc-khoe"):
        services.attach_document(actor=applicant, dossier=dossier, kind=kind, upload=pdf_file())
    services.take_action(actor=applicant, code=dossier.code, action="submit")

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def receive(officer):
        try:
            barrier.wait(timeout=10)
            services.take_action(actor=officer, code=dossier.code, action="receive")
            outcomes.append("ok")
        except Conflict:
            outcomes.append("409")
        finally:
            connection.close()

    threads = [threading.Thread(target=receive, args=(o,)) for o in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["409", "ok"]
    assert Dossier.objects.get(pk=dossier.pk).status == "received"
    assert DossierEvent.objects.filter(dossier=dossier, action="receive").count() == 1


@concurrent_connections
def test_steps_at_once_on_many_dossiers_keep_the_queue_counts_exact(make_citizen, make_staff):
    """Eight dossiers received at the same desk at once, by four officers: every kept
    count lands (increments, not rewrites), nobody deadlocks on the counts' rows."""
    from tinhso.dossiers import queue_counts, selectors

    applicant = make_citizen()
    officers = [make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC") for _ in range(4)]
    codes = []
    for _ in range(8):
        dossier = services.create_dossier(
            actor=applicant,
            procedure_code=DRIVING,
            data={"hang_gplx": "B", "so_gplx_cu": "X1", "cam_ket": True,
                  "so_dien_thoai": "0912345678"},
        )  # fmt: skip
        for kind in ("giay-phep-cu", "giay-kham-suc-khoe"):
            services.attach_document(actor=applicant, dossier=dossier, kind=kind, upload=pdf_file())
        services.take_action(actor=applicant, code=dossier.code, action="submit")
        codes.append(dossier.code)
    assert selectors.queue_counts(officers[0]) == {"submitted": 8}
    barrier = threading.Barrier(4)
    failures: list[Exception] = []

    def receive(officer, mine):
        try:
            barrier.wait(timeout=10)
            for code in mine:
                services.take_action(actor=officer, code=code, action="receive")
        except Exception as exc:  # noqa: BLE001 (reported below)
            failures.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=receive, args=(o, codes[i::4])) for i, o in enumerate(officers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert failures == []
    assert queue_counts.reconcile(fix=False) == {}
    assert selectors.queue_counts(officers[0]) == {}  # received: now at the agencies
