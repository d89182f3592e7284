"""What the applicant's answers decide when a dossier is filed: the fee (computed from
the form and kept at submission), the case's deadline, and how the result is
collected; and the leader's title the result is signed under."""

import pytest
from django.utils import timezone

from tinhso.accounts import services as accounts
from tinhso.accounts.models import Agency, Role, RoleAssignment
from tinhso.accounts.selectors import signature_lines
from tinhso.audit.models import AuditEvent
from tinhso.core import workdays
from tinhso.core.errors import PermissionDenied
from tinhso.dossiers.models import ResultDelivery
from tinhso.procedures import services as catalogue
from tinhso.procedures.models import Procedure
from tinhso.testing import act

pytestmark = pytest.mark.django_db


@pytest.fixture
def per_year_fee(leader):
    """9.000001 priced per year of driving (a rule as data), with a case for class B."""
    catalogue.update_procedure(
        actor=leader,
        procedure=Procedure.objects.get(code="9.000001"),
        changes={
            "fee_rule": {
                "base": 100000,
                "per": "so_nam_lai_xe",
                "tiers": [{"upto": 2, "price": 0}, {"price": 10000}],
                "cap": 50000,
                "source": "thử nghiệm",
            },
            "cases": [{"label": "Hạng B", "when": {"hang_gplx": ["B"]}, "processing_days": 3}],
        },
        note="quy tắc phí thử",
    )


def test_the_fee_is_computed_from_the_form_and_kept_at_submission(
    per_year_fee, applicant, complete_draft
):
    from tinhso.dossiers import services

    services.update_draft(actor=applicant, dossier=complete_draft, data={"so_nam_lai_xe": 9})
    submitted = act(applicant, complete_draft, "submit")
    assert submitted.fee_amount == 100000 + 50000  # 7 years over the free two, capped


def test_the_case_answered_sets_the_deadline(per_year_fee, applicant, complete_draft, officer):
    act(applicant, complete_draft, "submit")
    received = act(officer, complete_draft, "receive")
    expected = workdays.calendar().due_date(received.received_at, 3, received.desk.cut_off_time)
    assert received.due_date == expected  # class B: 3 working days, not 5
    slip = received.slips.get(kind="receipt")
    assert slip.data["processing_days"] == 3


def test_the_applicant_chooses_how_to_collect_the_result(api_as, applicant, complete_draft):
    response = api_as(applicant).post(
        f"/api/v1/dossiers/{complete_draft.code}/actions/submit",
        {"result_delivery": "desk"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    complete_draft.refresh_from_db()
    assert complete_draft.result_delivery == ResultDelivery.DESK
    refused = api_as(applicant).post(
        f"/api/v1/dossiers/{complete_draft.code}/actions/submit",
        {"result_delivery": "pigeon"},
        content_type="application/json",
    )
    assert refused.status_code in (400, 409, 422)


def test_an_administrator_records_a_leaders_position_and_the_result_uses_it(
    leader, province_admin, specialist
):
    assignment = RoleAssignment.objects.get(user=leader, role=Role.LEADER)
    sxd = Agency.objects.get(code="SXD")
    assert signature_lines(leader, sxd) == []  # nothing on record: no title invented
    with pytest.raises(PermissionDenied):
        accounts.set_position_title(
            actor=specialist, assignment=assignment, position_title="Giám đốc"
        )
    accounts.set_position_title(
        actor=province_admin, assignment=assignment, position_title="Phó  Giám đốc"
    )
    assert signature_lines(leader, sxd) == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    event = AuditEvent.objects.filter(action="accounts.position_title_set").latest("pk")
    assert event.after["position_title"] == "PHÓ GIÁM ĐỐC"


def test_a_ward_chairman_signs_as_chairman(make_staff, ward_codes):
    chair = make_staff(Role.LEADER, ward_codes[0])
    RoleAssignment.objects.filter(user=chair).update(position_title="CHỦ TỊCH")
    committee = Agency.objects.get(code=ward_codes[0])
    assert committee.head_title == "CHỦ TỊCH"
    assert signature_lines(chair, committee) == ["CHỦ TỊCH"]


def test_staff_created_with_a_position_keep_it(db):
    user = accounts.create_staff_user(
        actor=None,
        username=f"lanhdao{timezone.now():%H%M%S%f}",
        full_name="Trần Văn Ký",
        email="ky@example.vn",
        role=Role.LEADER,
        agency=Agency.objects.get(code="STP"),
        position_title="Phó Giám đốc",
    )
    assert signature_lines(user, Agency.objects.get(code="STP")) == [
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
    ]
