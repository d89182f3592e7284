"""Issue 16, rule 1: an apology never moves the statutory deadline. A dossier that is
late, apologised for (a new appointment), and finished after the statutory deadline
counts late in the Decision 766 index, in the open data and on the dashboard —
whether it was finished before or after the new appointment."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tinhso.accounts.models import Role
from tinhso.dossiers import services
from tinhso.dossiers.models import Dossier, Status
from tinhso.testing import act, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    state = {"now": timezone.make_aware(datetime.datetime(2025, 4, 21, 9, 0))}  # a Monday
    monkeypatch.setattr(timezone, "now", lambda: state["now"])

    def go(year, month, day, hour=9):
        state["now"] = timezone.make_aware(datetime.datetime(year, month, day, hour, 0))

    return go


def _in_progress(applicant, officer, specialist) -> Dossier:
    dossier = services.create_dossier(
        actor=applicant,
        procedure_code="9.000001",  # Sở Xây dựng, 5 working days
        data={"hang_gplx": "B", "so_gplx_cu": "AB1", "cam_ket": True},
    )
    for kind in ("giay-phep-cu", "giay-kham-suc-khoe"):
        services.attach_document(actor=applicant, dossier=dossier, kind=kind, upload=pdf_file())
    dossier = act(applicant, dossier, "submit")
    dossier = act(officer, dossier, "receive")
    return act(officer, dossier, "assign", assignee=specialist.username)


@pytest.mark.parametrize(
    "finished",
    [datetime.date(2025, 5, 7), datetime.date(2025, 5, 12)],
    ids=["before-the-new-appointment", "after-the-new-appointment"],
)
def test_a_late_apologised_dossier_counts_late_everywhere(
    clock, finished, applicant, officer, specialist, leader, make_staff
):
    from tinhso.monitoring import dashboard, selectors
    from tinhso.opendata.services import refresh_datasets

    dossier = _in_progress(applicant, officer, specialist)
    statutory = dossier.due_date
    assert statutory == datetime.date(2025, 4, 26)  # Saturday 26/4/2025 was a working day
    clock(2025, 5, 5)  # late by five working days
    dossier = act(
        specialist, dossier, "apologize", note="Chờ xác minh của công an", new_due_date="2025-05-08"
    )
    assert dossier.due_date == statutory  # the statutory deadline never moves
    assert dossier.appointment_date == datetime.date(2025, 5, 8)  # the citizen's new date
    clock(finished.year, finished.month, finished.day)
    dossier = act(specialist, dossier, "submit_for_approval")
    dossier = act(leader, dossier, "approve")
    dossier = act(leader, dossier, "sign")
    assert dossier.status == Status.RESULT_READY and not dossier.is_on_time
    assert not Dossier.objects.on_time().filter(pk=dossier.pk).exists()

    # the Decision 766 index (agency row and province aggregate)
    row = next(
        r for r in selectors.service_index(period="2025-04", unit="SXD") if r.agency == "SXD"
    )
    on_time = row.components["on_time"]
    assert (on_time.numerator, on_time.denominator) == (0, 1)
    province = selectors.unit_index(period="2025-04").components["on_time"]
    assert (province.numerator, province.denominator) == (0, 1)

    # the open data's monthly statistics
    stats = {d.name: d for d in refresh_datasets()}["thong-ke-ho-so-theo-thang"]
    month = next(
        r.data
        for r in stats.rows.all()
        if r.data["thang"] == "2025-04" and r.data["co_quan"] == "SXD"
    )
    assert (month["da_giai_quyet"], month["dung_han"]) == (1, 0)

    # the steering dashboard
    board = dashboard.build(period="2025-04", unit="SXD", viewer=make_staff(Role.LEADER, "SXD"))
    line = next(r for r in board.components.rows if "đúng hạn" in str(r[0]))
    assert (line[3], line[4], line[5]) == (Decimal("0.0"), 0, 1)
