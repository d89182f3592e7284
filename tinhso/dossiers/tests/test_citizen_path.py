"""The citizen's path through the pages (issue 17, items 2-6 and 12): each step checks
itself when left, check-your-answers, the confirmation, the declaration made from the
answers, the supplement's integrity, tracking without the digits in an address."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.dossiers import services
from tinhso.dossiers.models import Dossier, Status
from tinhso.notifications.models import Notification
from tinhso.testing import BIRTH, DRIVING, PDF, act, pdf_file

pytestmark = pytest.mark.django_db

INTERNAL_KEYS = ("hang_gplx", "so_gplx_cu", "cam_ket", "ngay_trung_tuyen", "so_nam_lai_xe")


def _summary(html: str) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert found, "no error summary on the page"
    return found.group(0)


# ---------------------------------------------------------------- step 1: the form


def test_leaving_the_form_with_required_answers_missing_names_them_and_keeps_the_draft(
    client, applicant
):
    client.force_login(applicant)
    left = client.post(f"/ho-so/moi/{DRIVING}/", {"hang_gplx": "B"})
    dossier = Dossier.objects.get()  # the draft is kept: nothing typed is lost
    assert left["Location"] == f"/ho-so/{dossier.code}/thong-tin/?kiem-tra=1"
    page = client.get(left["Location"])
    html = page.content.decode()
    assert page.status_code == 400
    summary = _summary(html)
    assert 'href="#id_so_gplx_cu"' in summary and 'href="#id_cam_ket"' in summary
    assert "Số giấy phép lái xe cũ là bắt buộc" in summary
    visible = re.sub(r"<[^>]+>", " ", summary)
    assert not any(key in visible for key in INTERNAL_KEYS)
    assert 'value="B" selected' in html  # what was answered is still there


def test_an_answer_out_of_range_is_refused_when_the_step_is_left(client, applicant, draft):
    client.force_login(applicant)
    response = client.post(
        f"/ho-so/{draft.code}/thong-tin/",
        {"hang_gplx": "B", "so_gplx_cu": "AB1", "cam_ket": "on", "so_nam_lai_xe": "120"},
    )
    assert response.status_code == 400
    summary = _summary(response.content.decode())
    assert 'href="#id_so_nam_lai_xe"' in summary and "Không được lớn hơn 80" in summary


def test_copies_of_the_real_catalogue_start_at_one():
    import json

    from tinhso.procedures.services import DATA_FILE

    catalogue = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    copies = [
        field
        for proc in catalogue["procedures"]
        for field in proc["fields"]
        if field["name"].startswith(("so_luong", "so_ban"))
    ]
    assert copies and all(field.get("min") == 1 for field in copies)


def test_a_date_is_typed_as_day_month_and_year(client, applicant, draft):
    client.force_login(applicant)
    form = client.get(f"/ho-so/{draft.code}/thong-tin/").content.decode()
    assert all(f'name="ngay_trung_tuyen_{n}"' in form for n in range(3))
    assert 'type="date"' not in form
    assert "<legend>Ngày trúng tuyển" in form
    answers = {"hang_gplx": "B", "so_gplx_cu": "AB1", "cam_ket": "on"}
    client.post(
        f"/ho-so/{draft.code}/thong-tin/",
        {
            **answers,
            "ngay_trung_tuyen_0": "5",
            "ngay_trung_tuyen_1": "3",
            "ngay_trung_tuyen_2": "2019",
        },
    )
    draft.refresh_from_db()
    assert draft.data["ngay_trung_tuyen"] == "2019-03-05"
    wrong = client.post(
        f"/ho-so/{draft.code}/thong-tin/",
        {
            **answers,
            "ngay_trung_tuyen_0": "31",
            "ngay_trung_tuyen_1": "2",
            "ngay_trung_tuyen_2": "2019",
        },
    )
    html = wrong.content.decode()
    assert wrong.status_code == 400
    assert 'href="#id_ngay_trung_tuyen_0"' in _summary(html)
    assert "ngày, tháng, năm có thật" in html and "YYYY" not in html


# ---------------------------------------------------------------- step 2: the papers


def test_leaving_the_papers_with_one_missing_says_which(client, applicant, draft):
    client.force_login(applicant)
    services.attach_document(actor=applicant, dossier=draft, kind="giay-phep-cu", upload=pdf_file())
    left = client.post(f"/ho-so/{draft.code}/giay-to/", {"then": "review"})
    assert left.status_code == 400
    summary = _summary(left.content.decode())
    assert "Giấy khám sức khỏe" in summary and 'href="#id_kind"' in summary
    services.attach_document(
        actor=applicant, dossier=draft, kind="giay-kham-suc-khoe", upload=pdf_file("k.pdf")
    )
    onward = client.post(f"/ho-so/{draft.code}/giay-to/", {"then": "review"})
    assert onward["Location"] == f"/ho-so/{draft.code}/nop/"


def test_a_wrong_file_is_explained_without_a_mime_type(client, applicant, draft):
    client.force_login(applicant)
    png_named_pdf = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    response = client.post(
        f"/ho-so/{draft.code}/giay-to/",
        {
            "kind": "giay-phep-cu",
            "file": SimpleUploadedFile("a.pdf", png_named_pdf, "application/pdf"),
        },
    )
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    assert response.status_code == 400
    assert "PNG" in main
    assert "image/" not in main and "application/" not in main


# ---------------------------------------------------------------- step 3 and the confirmation


def _birth_draft(client, applicant, ward_codes):
    client.force_login(applicant)
    ward = ward_codes[0].removeprefix("UBND")
    client.post(
        f"/ho-so/moi/{BIRTH}/",
        {
            "ho_ten_tre": "Nguyễn Văn An",
            "ngay_sinh_tre_0": "2",
            "ngay_sinh_tre_1": "1",
            "ngay_sinh_tre_2": "2025",
            "gioi_tinh_tre": "Nam",
            "ward": ward,
        },
    )
    return Dossier.objects.get(procedure__code=BIRTH), ward


def test_check_your_answers_lists_every_answer_with_its_own_change_link(
    client, applicant, ward_codes
):
    from tinhso.geo.models import AdministrativeUnit

    dossier, ward = _birth_draft(client, applicant, ward_codes)
    html = client.get(f"/ho-so/{dossier.code}/nop/").content.decode()
    edit = f"/ho-so/{dossier.code}/thong-tin/?then=review"
    for anchor in ("ho_ten_tre", "ngay_sinh_tre_0", "gioi_tinh_tre", "so_dinh_danh_me", "ward"):
        anchor = anchor if anchor.endswith("_0") else anchor
        assert f'href="{edit}#id_{anchor}"' in html
    assert "02/01/2025" in html and "2025-01-02" not in html
    assert AdministrativeUnit.objects.get(code=ward).name in html
    assert f">{ward}<" not in html  # the ward's name, not its code
    back = client.get(edit).content.decode()
    assert 'name="then" value="review"' in back


def test_the_confirmation_gives_the_code_the_date_and_what_happens_next(
    client, applicant, complete_draft
):
    client.force_login(applicant)
    done = client.post(f"/ho-so/{complete_draft.code}/nop/")
    assert done["Location"] == f"/ho-so/{complete_draft.code}/da-nop/"
    page = client.get(done["Location"]).content.decode()
    complete_draft.refresh_from_db()
    assert complete_draft.code in page
    assert complete_draft.expected_date.strftime("%d/%m/%Y") in page
    assert "Việc tiếp theo" in page and "bien-nhan.pdf" in page


# ---------------------------------------------------------------- once-only: the declaration


def test_the_declaration_is_not_asked_for_and_is_made_from_the_answers(
    client, applicant, ward_codes, django_capture_on_commit_callbacks
):
    dossier, _ward = _birth_draft(client, applicant, ward_codes)
    papers = client.get(f"/ho-so/{dossier.code}/giay-to/").content.decode()
    assert 'value="to-khai-khai-sinh"' not in papers  # not offered as an upload
    assert "Tờ khai đăng ký khai sinh theo mẫu" in papers and "được lập từ thông tin" in papers
    services.attach_document(
        actor=applicant, dossier=dossier, kind="giay-chung-sinh", upload=pdf_file()
    )
    assert services.missing_documents(dossier, services.definition_of(dossier)) == []
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        client.post(f"/ho-so/{dossier.code}/nop/")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    # not made in the citizen's request: in the background, once the submission committed
    assert not dossier.documents.filter(kind="to-khai-khai-sinh").exists()
    for callback in after_commit:
        callback()
    made = dossier.documents.get(kind="to-khai-khai-sinh", replaced_at__isnull=True)
    assert made.content_type == "application/pdf"
    content = client.get(f"/ho-so/{dossier.code}/tep/{made.pk}/")
    body = b"".join(content.streaming_content) if content.streaming else content.content
    assert body.startswith(b"%PDF")


def test_a_declaration_the_job_has_not_made_is_made_when_the_dossier_is_opened(
    client, applicant, ward_codes, django_capture_on_commit_callbacks
):
    dossier, _ward = _birth_draft(client, applicant, ward_codes)
    services.attach_document(
        actor=applicant, dossier=dossier, kind="giay-chung-sinh", upload=pdf_file()
    )
    with django_capture_on_commit_callbacks(execute=False):  # the job never runs
        client.post(f"/ho-so/{dossier.code}/nop/")
    assert not dossier.documents.filter(kind="to-khai-khai-sinh").exists()
    page = client.get(f"/ho-so/{dossier.code}/").content.decode()
    made = dossier.documents.get(kind="to-khai-khai-sinh", replaced_at__isnull=True)
    assert f"/ho-so/{dossier.code}/tep/{made.pk}/" in page
    client.get(f"/ho-so/{dossier.code}/")  # made once: opened again, nothing new
    assert dossier.documents.filter(kind="to-khai-khai-sinh").count() == 1


def test_a_desk_receiving_before_the_job_ran_gets_the_declaration_on_the_receipt(
    client, applicant, ward_codes, make_staff, django_capture_on_commit_callbacks
):
    from tinhso.accounts.models import Role

    dossier, _ward = _birth_draft(client, applicant, ward_codes)
    services.attach_document(
        actor=applicant, dossier=dossier, kind="giay-chung-sinh", upload=pdf_file()
    )
    with django_capture_on_commit_callbacks(execute=False):  # the job never runs
        client.post(f"/ho-so/{dossier.code}/nop/")
    officer = make_staff(Role.ONE_STOP_OFFICER, ward_codes[0])
    dossier.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        act(officer, dossier, "receive")
    made = dossier.documents.get(kind="to-khai-khai-sinh", replaced_at__isnull=True)
    assert made.uploaded_by == applicant
    receipt = dossier.slips.get(kind="receipt")
    assert "Tờ khai đăng ký khai sinh" in str(receipt.data)


def test_a_declaration_is_not_made_again_while_a_supplement_is_awaited(
    client, applicant, ward_codes, django_capture_on_commit_callbacks
):
    """While the desk awaits a supplement the answers change with each save: opening
    the dossier then makes nothing (the declaration follows when it is sent)."""
    dossier, _ward = _birth_draft(client, applicant, ward_codes)
    services.attach_document(
        actor=applicant, dossier=dossier, kind="giay-chung-sinh", upload=pdf_file()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/ho-so/{dossier.code}/nop/")
    assert dossier.documents.filter(kind="to-khai-khai-sinh").count() == 1
    changed = {**dossier.data, "ho_ten_tre": "Nguyễn Văn Bình"}
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.AWAITING_SUPPLEMENT, data=changed)
    for _ in range(2):
        assert client.get(f"/ho-so/{dossier.code}/").status_code == 200
    assert dossier.documents.filter(kind="to-khai-khai-sinh").count() == 1


# ---------------------------------------------------------------- the supplement


@pytest.fixture
def awaiting(received, officer):
    return act(
        officer,
        received,
        "request_supplement",
        items=["Giấy khám sức khỏe còn hạn", "Số giấy phép cũ ghi sai"],
        reasons=["Giấy đã hết hạn", ""],
    )


def test_the_request_lists_the_items_in_the_notification_and_sms_subject(awaiting):
    note = Notification.objects.filter(user=awaiting.applicant).order_by("-pk").first()
    assert (
        "Giấy khám sức khỏe còn hạn" in note.subject and "Số giấy phép cũ ghi sai" in note.subject
    )
    assert "- Giấy khám sức khỏe còn hạn (Giấy đã hết hạn)" in note.body
    assert "tạm dừng" in note.body


def test_the_citizen_sees_the_clock_stopped(client, applicant, awaiting):
    client.force_login(applicant)
    page = client.get(f"/ho-so/{awaiting.code}/").content.decode()
    assert "Thời hạn giải quyết đang tạm dừng từ ngày" in page
    assert "(đang tạm dừng)" in page


def test_finishing_a_supplement_without_any_change_is_refused(client, applicant, awaiting):
    client.force_login(applicant)
    response = client.post(f"/ho-so/{awaiting.code}/bo-sung/")
    assert response.status_code == 400
    summary = _summary(response.content.decode())
    assert 'href="#no-change"' in summary and "chưa sửa thông tin" in summary
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_SUPPLEMENT


def test_a_statement_that_nothing_needs_changing_is_recorded(client, applicant, awaiting):
    from tinhso.audit.models import AuditEvent

    client.force_login(applicant)
    done = client.post(
        f"/ho-so/{awaiting.code}/bo-sung/", {"no_change": "on", "note": "Giấy vẫn còn hạn"}
    )
    assert done.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == Status.RECEIVED
    line = awaiting.events.filter(action="supplement").get()
    assert "không cần thay đổi" in line.note and "Giấy vẫn còn hạn" in line.note
    event = AuditEvent.objects.filter(action="dossiers.supplement").get()
    assert event.after["no_change_statement"] is True


def test_a_real_change_is_enough_and_the_officer_sees_it_side_by_side(
    client, second_factor_client, applicant, officer, awaiting
):
    client.force_login(applicant)
    client.post(
        f"/ho-so/{awaiting.code}/thong-tin/",
        {"hang_gplx": "B", "so_gplx_cu": "AB999", "cam_ket": "on"},
    )
    client.post(
        f"/ho-so/{awaiting.code}/giay-to/",
        {
            "kind": "giay-kham-suc-khoe",
            "file": SimpleUploadedFile("moi.pdf", PDF, "application/pdf"),
        },
    )
    done = client.post(f"/ho-so/{awaiting.code}/bo-sung/")
    assert done.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == Status.RECEIVED
    client.logout()
    page = second_factor_client(officer).get(f"/lam-viec/ho-so/{awaiting.code}/").content.decode()
    section = page.split('id="supplement-changes-title"', 1)[1].split("</section>", 1)[0]
    assert "<del>AB123456</del>" in section and "<ins>AB999</ins>" in section
    assert "Số giấy phép lái xe cũ" in section and "moi.pdf" in section


# ---------------------------------------------------------------- tracking


def test_tracking_takes_the_digits_in_the_body_and_says_who_holds_it(client, received):
    old_link = client.get("/tra-cuu/", {"ma": received.code, "so": "5678"})
    assert old_link.status_code == 302
    assert old_link["Location"] == f"/tra-cuu/?ma={received.code}"  # the digits dropped
    form = client.get(old_link["Location"]).content.decode()
    assert 'method="post"' in form and f'value="{received.code}"' in form
    found = client.post("/tra-cuu/", {"ma": received.code, "so": "5678"}).content.decode()
    assert "Đang ở" in found and received.agency.name in found
    step = received.steps.open().get()
    assert step.name in found


def test_a_refused_or_withdrawn_dossier_shows_no_appointment_date(client, applicant, submitted):
    act(applicant, submitted, "withdraw")
    submitted.refresh_from_db()
    page = client.post("/tra-cuu/", {"ma": submitted.code, "so": "5678"}).content.decode()
    assert "Đã rút" in page
    assert "Ngày hẹn trả kết quả" not in page
    assert submitted.expected_date.strftime("%d/%m/%Y") not in page
    client.force_login(applicant)
    mine = client.get(f"/ho-so/{submitted.code}/").content.decode()
    assert "Ngày hẹn trả kết quả" not in mine


def test_a_declaration_the_applicant_sent_is_kept_not_replaced(
    client, applicant, ward_codes, django_capture_on_commit_callbacks
):
    dossier, _ward = _birth_draft(client, applicant, ward_codes)
    for kind in ("giay-chung-sinh", "to-khai-khai-sinh"):  # the API takes it from them
        services.attach_document(actor=applicant, dossier=dossier, kind=kind, upload=pdf_file())
    theirs = dossier.documents.get(kind="to-khai-khai-sinh")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/ho-so/{dossier.code}/nop/")
    client.get(f"/ho-so/{dossier.code}/")
    assert list(dossier.documents.filter(kind="to-khai-khai-sinh")) == [theirs]
    theirs.refresh_from_db()
    assert theirs.replaced_at is None


def test_a_paper_named_like_ours_is_still_the_applicants(
    client, applicant, ward_codes, django_capture_on_commit_callbacks
):
    """Whether we made a declaration is recorded when we make it, not read from the
    file's name: a paper the applicant sent under our naming stays theirs, and is not
    replaced when a supplement changes the answers."""
    from tinhso.dossiers.services.declaration import _fingerprint

    dossier, _ward = _birth_draft(client, applicant, ward_codes)
    services.attach_document(
        actor=applicant, dossier=dossier, kind="giay-chung-sinh", upload=pdf_file()
    )
    stale = f"to-khai-{dossier.code}-{'0' * 16}.pdf"  # our naming, an old fingerprint
    services.attach_document(
        actor=applicant, dossier=dossier, kind="to-khai-khai-sinh", upload=pdf_file(name=stale)
    )
    theirs = dossier.documents.get(kind="to-khai-khai-sinh")
    assert theirs.made_from == ""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/ho-so/{dossier.code}/nop/")
    client.get(f"/ho-so/{dossier.code}/")
    assert list(dossier.documents.filter(kind="to-khai-khai-sinh")) == [theirs]
    dossier.refresh_from_db()
    assert _fingerprint(dossier, "to-khai-khai-sinh") != "0" * 16


def test_a_declaration_we_made_records_the_answers_it_was_made_from(
    client, applicant, ward_codes, django_capture_on_commit_callbacks
):
    from tinhso.dossiers.services.declaration import _fingerprint

    dossier, _ward = _birth_draft(client, applicant, ward_codes)
    services.attach_document(
        actor=applicant, dossier=dossier, kind="giay-chung-sinh", upload=pdf_file()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/ho-so/{dossier.code}/nop/")
    made = dossier.documents.get(kind="to-khai-khai-sinh", replaced_at__isnull=True)
    dossier.refresh_from_db()
    assert made.made_from == _fingerprint(dossier, "to-khai-khai-sinh")
