import datetime

import pytest
from django.utils import timezone

from tinhso.accounts.models import Role
from tinhso.audit.verify import verify_chain
from tinhso.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tinhso.dossiers import selectors, services
from tinhso.dossiers.models import Dossier, DossierDocument, Status
from tinhso.notifications.models import Notification
from tinhso.testing import BIRTH, DRIVING, pdf_file

pytestmark = pytest.mark.django_db


def test_a_draft_gets_a_code_of_the_processing_agency_and_the_profile_answers(draft, applicant):
    today = timezone.localdate()
    assert draft.code == f"SXD-{today:%y%m%d}-0001"
    assert draft.status == Status.DRAFT
    assert draft.desk.code == "TTPVHCC" and draft.agency.code == "SXD"
    assert draft.data["ho_ten"] == applicant.full_name
    assert draft.data["so_dinh_danh"] == applicant.personal_id
    assert draft.data["so_dien_thoai"] == "0912345678"
    assert draft.fee_amount == 135000


def test_codes_are_sequential_per_agency_and_day(applicant, draft):
    second = services.create_dossier(actor=applicant, procedure_code=DRIVING, data={})
    assert second.code.endswith("-0002")


def test_the_profile_is_not_asked_again(applicant):
    with pytest.raises(ValidationFailed) as caught:
        services.create_dossier(
            actor=applicant, procedure_code=DRIVING, data={"ho_ten": "Người Khác"}
        )
    assert "data.ho_ten" in caught.value.fields
    assert not Dossier.objects.exists()


def test_submission_needs_every_required_paper(draft, applicant):
    with pytest.raises(ValidationFailed) as caught:
        services.take_action(actor=applicant, code=draft.code, action="submit")
    assert "Giấy khám sức khỏe" in str(caught.value.message)
    assert Dossier.objects.get(pk=draft.pk).status == Status.DRAFT


def test_submission_needs_every_required_field(applicant):
    incomplete = services.create_dossier(actor=applicant, procedure_code=DRIVING, data={})
    with pytest.raises(ValidationFailed) as caught:
        services.take_action(actor=applicant, code=incomplete.code, action="submit")
    assert {"data.hang_gplx", "data.so_gplx_cu", "data.cam_ket"} <= set(caught.value.fields)


def test_submitting_sets_the_expected_date_and_notifies(
    complete_draft, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.take_action(actor=applicant, code=complete_draft.code, action="submit")
    assert submitted.status == Status.SUBMITTED
    assert submitted.expected_date > timezone.localdate()
    assert Notification.objects.filter(user=applicant, subject__contains=submitted.code).exists()
    assert mailoutbox and submitted.code in mailoutbox[0].subject
    assert verify_chain().ok


def test_a_submitted_dossier_waits_in_the_desk_and_agency_queues(submitted):
    from tinhso.accounts.models import Agency

    assert submitted in selectors.agency_queue(Agency.objects.get(code="TTPVHCC"))
    assert submitted in selectors.agency_queue(Agency.objects.get(code="SXD"))
    assert submitted not in selectors.agency_queue(Agency.objects.get(code="STP"))


def test_a_submitted_dossier_cannot_be_edited_or_submitted_again(submitted, applicant):
    with pytest.raises(Conflict):
        services.take_action(actor=applicant, code=submitted.code, action="submit")
    with pytest.raises(Conflict):
        services.update_draft(actor=applicant, dossier=submitted, data={"hang_gplx": "A"})


def test_only_the_applicant_acts_on_the_dossier(draft, make_citizen, make_staff):
    stranger = make_citizen()
    with pytest.raises(NotFound):  # as for a code that is not there
        services.take_action(actor=stranger, code=draft.code, action="withdraw")
    with pytest.raises(PermissionDenied):
        services.attach_document(
            actor=stranger, dossier=draft, kind="giay-phep-cu", upload=pdf_file()
        )
    officer = make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC")
    with pytest.raises(NotFound):
        services.take_action(actor=officer, code=draft.code, action="submit")
    assert selectors.dossier_for(stranger, draft.code) is None
    assert selectors.dossier_for(officer, draft.code) is None  # a draft is the applicant's alone


def test_officers_of_another_agency_do_not_see_it(draft, make_staff, ward_codes):
    assert selectors.dossier_for(make_staff(Role.SPECIALIST, "STP"), draft.code) is None
    assert selectors.dossier_for(make_staff(Role.SPECIALIST, ward_codes[0]), draft.code) is None


def test_withdrawal(submitted, applicant):
    withdrawn = services.take_action(
        actor=applicant, code=submitted.code, action="withdraw", payload={"note": "nộp nhầm"}
    )
    assert withdrawn.status == Status.WITHDRAWN
    assert withdrawn.events.last().note == "nộp nhầm"


def test_unknown_procedures_and_actions(applicant, draft):
    with pytest.raises(NotFound):
        services.create_dossier(actor=applicant, procedure_code="1.999999", data={})
    with pytest.raises(NotFound):
        services.take_action(actor=applicant, code=draft.code, action="teleport")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hang_gplx", "Z", "Chọn một giá trị"),
        ("so_nam_lai_xe", "nhiều", "Phải là một số"),
        ("so_nam_lai_xe", 120, "lớn hơn"),
        ("ngay_trung_tuyen", "31/13/2020", "ngày, tháng, năm có thật"),
        ("khong_co", "x", "không có trường này"),
        ("so_gplx_cu", "x" * 21, "Tối đa 20"),
    ],
)
def test_bad_values_are_named_and_nothing_is_stored(applicant, field, value, message):
    with pytest.raises(ValidationFailed) as caught:
        services.create_dossier(actor=applicant, procedure_code=DRIVING, data={field: value})
    assert message in caught.value.fields[f"data.{field}"]
    assert not Dossier.objects.exists()


def test_a_birth_date_in_the_future_is_refused(applicant, ward_codes):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    ward = ward_codes[0].removeprefix("UBND")
    with pytest.raises(ValidationFailed) as caught:
        services.create_dossier(
            actor=applicant, procedure_code=BIRTH, data={"ngay_sinh_tre": tomorrow, "ward": ward}
        )
    assert "sau hôm nay" in caught.value.fields["data.ngay_sinh_tre"]


def test_an_id_number_that_fails_its_check_is_refused(applicant, ward_codes):
    ward = ward_codes[0].removeprefix("UBND")
    with pytest.raises(ValidationFailed) as caught:
        services.create_dossier(
            actor=applicant,
            procedure_code=BIRTH,
            data={"ward": ward, "so_dinh_danh_me": "999190123456"},
        )
    assert "mã tỉnh" in caught.value.fields["data.so_dinh_danh_me"]


def test_a_ward_level_dossier_goes_to_the_ward_it_is_filed_at(applicant, ward_codes):
    committee = ward_codes[1]
    dossier = services.create_dossier(
        actor=applicant, procedure_code=BIRTH, data={"ward": committee.removeprefix("UBND")}
    )
    assert dossier.agency.code == committee == dossier.desk.code
    assert dossier.code.startswith(committee + "-")


def test_a_ward_level_dossier_needs_the_ward(applicant):
    with pytest.raises(ValidationFailed):
        services.create_dossier(actor=applicant, procedure_code=BIRTH, data={})
    with pytest.raises(ValidationFailed):
        services.create_dossier(actor=applicant, procedure_code=BIRTH, data={"ward": "00070"})


def test_a_dossier_keeps_the_version_it_was_filed_under(draft, province_admin):
    from tinhso.procedures import services as procedures

    procedures.update_procedure(
        actor=province_admin, procedure=draft.procedure, changes={"fee": 200000}, note="Phí mới"
    )
    draft.refresh_from_db()
    assert draft.procedure_version.number == 1 and draft.fee_amount == 135000
    assert draft.procedure.version == 2


def test_replacing_a_paper_keeps_the_old_one_in_the_history(complete_draft, applicant):
    services.attach_document(
        actor=applicant, dossier=complete_draft, kind="giay-phep-cu", upload=pdf_file("moi.pdf")
    )
    rows = DossierDocument.objects.filter(dossier=complete_draft, kind="giay-phep-cu")
    assert rows.count() == 2
    assert [d.display_name for d in services.current_documents(complete_draft)] == [
        "kham.pdf",
        "moi.pdf",
    ] or {d.display_name for d in services.current_documents(complete_draft)} == {
        "kham.pdf",
        "moi.pdf",
    }
