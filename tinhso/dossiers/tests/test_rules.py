"""The one-stop rules of Decree 118/2025/NĐ-CP the back office enforces (rules.py):
the apology (once, from one working day before the statutory deadline, the notice
with its reason and new date, the slip signed by the head of the agency at fault),
the queue's flag for dossiers late by tomorrow with no apology, the decline after
receipt, and the supplement window after receipt. Slips are read back as text."""

import datetime
import shutil
import subprocess

import pytest
from django.utils import timezone

from tinhso.accounts.models import Role
from tinhso.core.errors import Conflict, PermissionDenied, ValidationFailed
from tinhso.dossiers import pdf, rules, selectors, services
from tinhso.dossiers.error_codes import DossiersErrorCode
from tinhso.dossiers.models import Dossier, SlipKind, Status
from tinhso.notifications.models import Notification
from tinhso.testing import act, pdf_file

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def clock(monkeypatch):
    state = {"now": timezone.make_aware(datetime.datetime(2025, 4, 21, 9, 0))}  # a Monday

    def now():
        return state["now"]

    monkeypatch.setattr(timezone, "now", now)

    def go(year, month, day, hour=9):
        state["now"] = timezone.make_aware(datetime.datetime(year, month, day, hour, 0))

    return go


def _received(applicant, officer) -> Dossier:
    """Filed and received on Monday 21/4/2025: 5 working days, due Saturday 26/4 (a
    working Saturday that year)."""
    dossier = services.create_dossier(
        actor=applicant,
        procedure_code="9.000001",
        data={"hang_gplx": "B", "so_gplx_cu": "AB1", "cam_ket": True},
    )
    for kind in ("giay-phep-cu", "giay-kham-suc-khoe"):
        services.attach_document(actor=applicant, dossier=dossier, kind=kind, upload=pdf_file())
    dossier = act(applicant, dossier, "submit")
    dossier = act(officer, dossier, "receive")
    assert dossier.due_date == D(2025, 4, 26)
    return dossier


@pytest.fixture
def working(clock, applicant, officer, specialist):
    return act(officer, _received(applicant, officer), "assign", assignee=specialist.username)


def text_of(data: bytes) -> str:
    """What a reader sees in the PDF (Poppler's pdftotext, as the issue asks)."""
    assert shutil.which("pdftotext"), "poppler-utils is needed to read slips back"
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return " ".join(out.stdout.decode("utf-8").split())


# ---------------------------------------------------------------- apology (form 04)


def test_the_apology_window_opens_one_working_day_before_the_deadline():
    # Friday 25/4/2025 is the working day before Saturday 26/4 (a working Saturday)
    assert rules.apology_horizon(D(2025, 4, 25)) == D(2025, 4, 26)
    assert rules.apology_horizon(D(2025, 4, 24)) == D(2025, 4, 25)
    # across the 30/4–2/5 holidays and the weekend: Tuesday 29/4 → Monday 5/5
    assert rules.apology_horizon(D(2025, 4, 29)) == D(2025, 5, 5)


def test_an_apology_is_allowed_from_one_working_day_before_the_deadline(clock, working, specialist):
    clock(2025, 4, 24)  # two working days before
    with pytest.raises(Conflict) as refused:
        act(specialist, working, "apologize", note="Chờ xác minh", new_due_date="2025-05-06")
    assert refused.value.code == DossiersErrorCode.TOO_EARLY_TO_APOLOGIZE
    assert "Chưa đến lúc xin lỗi" in str(refused.value.message)
    clock(2025, 4, 25)  # the working day before: allowed, not yet late
    with pytest.raises(ValidationFailed):  # the new date must be after the deadline
        act(specialist, working, "apologize", note="Chờ xác minh", new_due_date="2025-04-26")
    after = act(specialist, working, "apologize", note="Chờ xác minh", new_due_date="2025-05-06")
    assert (after.due_date, after.appointment_date) == (D(2025, 4, 26), D(2025, 5, 6))
    assert not after.is_late()  # the statutory deadline has not passed yet


def test_an_apology_is_made_once(clock, working, specialist, leader):
    clock(2025, 4, 28)
    act(specialist, working, "apologize", note="Chờ xác minh", new_due_date="2025-05-06")
    with pytest.raises(Conflict) as again:
        act(leader, working, "apologize", note="Lại chậm", new_due_date="2025-05-12")
    assert again.value.code == DossiersErrorCode.ALREADY_APOLOGIZED
    assert "chỉ được hẹn lại một lần" in str(again.value.message)
    assert "06/05/2025" in str(again.value.message)
    dossier = Dossier.objects.get(pk=working.pk)
    assert (
        dossier.appointment_date == D(2025, 5, 6)
        and dossier.slips.filter(kind=SlipKind.APOLOGY).count() == 1
    )


def test_the_apology_api_says_409_the_second_time(clock, working, specialist, api_as):
    clock(2025, 4, 28)
    client = api_as(specialist)
    url = f"/api/v1/dossiers/{working.code}/actions/apologize"
    body = {"note": "Chờ xác minh", "new_due_date": "2025-05-06"}
    first = client.post(url, body, content_type="application/json")
    assert first.status_code == 200
    assert first.json()["due_date"] == "2025-04-26"  # CONTRACT's due_date: the statutory one
    assert first.json()["appointment_date"] == "2025-05-06"
    second = client.post(url, body, content_type="application/json")
    assert second.status_code == 409
    assert "một lần" in second.content.decode()


def test_the_apology_notice_carries_the_reason_and_the_new_date(
    clock, working, specialist, applicant, settings, django_capture_on_commit_callbacks
):
    sent: list = []
    settings.SMS_SENDER = f"{__name__}.RecordingSms"
    RecordingSms.sent = sent
    clock(2025, 4, 28)
    with django_capture_on_commit_callbacks(execute=True):
        act(
            specialist,
            working,
            "apologize",
            note="Chờ xác minh nhân thân",
            new_due_date="2025-05-06",
        )
    note = Notification.objects.filter(user=applicant).latest("pk")
    for text in (note.subject, note.body):  # in-app
        assert "Chờ xác minh nhân thân" in text and "06/05/2025" in text
    from django.core import mail

    email = mail.outbox[-1]  # e-mail
    assert "Chờ xác minh nhân thân" in email.subject + email.body and "06/05/2025" in email.body
    assert sent and "Chờ xác minh nhân thân" in sent[-1][1] and "06/05/2025" in sent[-1][1]  # SMS
    assert "26/04/2025" in note.body  # and the statutory deadline it missed


class RecordingSms:
    sent: list = []

    def send(self, *, phone, text):
        self.sent.append((phone, text))


def test_the_apology_slip_is_signed_by_the_head_of_the_agency_at_fault(clock, working, specialist):
    clock(2025, 4, 28)
    dossier = act(specialist, working, "apologize", note="Chờ xác minh", new_due_date="2025-05-06")
    slip = dossier.slips.get(kind=SlipKind.APOLOGY)
    assert slip.data["agency"] == "SXD" and slip.data["signer_title"] == "GIÁM ĐỐC"
    text = text_of(pdf.slip_pdf(slip))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "SỞ XÂY DỰNG" in text and "GIÁM ĐỐC" in text
    assert "Hạn theo quy định: 26/04/2025" in text
    assert "Ngày hẹn mới: 06/05/2025" in text and "Chờ xác minh" in text
    assert specialist.get_full_name() not in text  # the head signs, not the specialist
    assert "NGƯỜI LẬP PHIẾU" not in text


def test_a_ward_committee_is_signed_by_its_chairman(ward_codes):
    from tinhso.accounts.models import Agency

    ward = Agency.objects.get(code=ward_codes[0])
    assert rules.head_title(ward) == "CHỦ TỊCH"
    assert rules.head_title(Agency.objects.get(code="UBND")) == "CHỦ TỊCH"
    assert rules.head_title(Agency.objects.get(code="TTPVHCC")) == "GIÁM ĐỐC"


def test_the_queue_flags_what_will_be_late_tomorrow_with_no_apology(
    clock, working, specialist, second_factor_client
):
    query = {"due": "apology"}
    flagged = lambda today: list(  # noqa: E731
        selectors.officer_queue(specialist, due="apology", today=today).values_list(
            "code", flat=True
        )
    )
    assert flagged(D(2025, 4, 24)) == []  # due Saturday 26/4: two working days away
    assert flagged(D(2025, 4, 25)) == [working.code]  # late by tomorrow
    assert flagged(D(2025, 4, 28)) == [working.code]  # late already, still no apology
    clock(2025, 4, 25, 10)
    page = second_factor_client(specialist).get("/lam-viec/ho-so/", query)
    assert page.status_code == 200
    html = page.content.decode()
    assert working.code in html and "Cần xin lỗi, hẹn lại" in html
    act(specialist, working, "apologize", note="Chờ xác minh", new_due_date="2025-05-06")
    assert flagged(D(2025, 4, 25)) == [] and flagged(D(2025, 5, 8)) == []
    html = second_factor_client(specialist).get("/lam-viec/ho-so/").content.decode()
    assert working.code in html and "Cần xin lỗi, hẹn lại" not in html
    assert "hẹn lại 06/05/2025" in html  # the new date beside the statutory one


def test_the_citizen_sees_the_new_appointment_and_the_statutory_deadline(
    clock, working, specialist, applicant, client
):
    clock(2025, 4, 28)
    act(specialist, working, "apologize", note="Chờ xác minh", new_due_date="2025-05-06")
    client.force_login(applicant)
    html = client.get(f"/ho-so/{working.code}/").content.decode()
    assert "26/04/2025" in html and "06/05/2025" in html
    body = client.get("/api/v1/tracking", {"code": working.code, "last4": "5678"}).json()
    assert body["due_date"] == "2025-04-26" and body["appointment_date"] == "2025-05-06"


def test_a_supplement_after_the_apology_moves_the_appointment_with_the_clock(
    clock, working, specialist, leader, applicant
):
    clock(2025, 4, 25)
    act(specialist, working, "apologize", note="Chờ xác minh", new_due_date="2025-05-06")
    act(leader, working, "request_supplement", items=["Giấy khám sức khỏe của người lái xe"])
    clock(2025, 5, 6)  # 5 working days stopped: Sat 26/4 (worked), 28/4, 29/4, 5/5, 6/5
    services.attach_document(
        actor=applicant, dossier=working, kind="giay-kham-suc-khoe", upload=pdf_file("moi.pdf")
    )
    back = act(applicant, working, "supplement")
    assert back.due_date == D(2025, 5, 7) and back.appointment_date == D(2025, 5, 13)


# ---------------------------------------------------------------- decline after receipt


@pytest.mark.parametrize(
    ("notice", "kind", "title", "what"),
    [
        ("refusal", SlipKind.DECLINE, "THÔNG BÁO TỪ CHỐI GIẢI QUYẾT HỒ SƠ", "từ chối giải quyết"),
        ("stop", SlipKind.STOP, "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "dừng giải quyết"),
    ],
)
def test_a_received_dossier_is_declined_with_a_reason_and_a_notice(
    in_progress, specialist, applicant, notice, kind, title, what
):
    with pytest.raises(ValidationFailed):
        act(specialist, in_progress, "decline", notice=notice)  # a reason is required
    reason = "Giấy phép cũ đã bị thu hồi, không đủ điều kiện đổi"
    declined = act(specialist, in_progress, "decline", note=reason, notice=notice)
    assert declined.status == Status.REFUSED
    assert services.open_step(declined) is None  # the control slip's step is closed
    slip = declined.slips.get(kind=kind)
    text = text_of(pdf.slip_pdf(slip))
    assert title in text and reason in text and "SỞ XÂY DỰNG" in text and "GIÁM ĐỐC" in text
    told = Notification.objects.filter(user=applicant).latest("pk")
    assert what in told.subject and reason in told.subject  # the SMS carries the subject
    assert declined.events.last().action == "decline"


def test_a_leader_declines_awaiting_approval_and_nobody_else_does(
    awaiting_approval, leader, officer, applicant
):
    with pytest.raises(PermissionDenied):
        act(officer, awaiting_approval, "decline", note="Không đủ điều kiện")
    with pytest.raises(PermissionDenied):
        act(applicant, awaiting_approval, "decline", note="Không đủ điều kiện")
    declined = act(leader, awaiting_approval, "decline", note="Không đủ điều kiện")
    assert declined.status == Status.REFUSED


def test_decline_through_the_api(in_progress, specialist, api_as):
    client = api_as(specialist)
    url = f"/api/v1/dossiers/{in_progress.code}/actions/decline"
    assert client.post(url, {}, content_type="application/json").status_code == 400
    answer = client.post(url, {"note": "Không đủ điều kiện"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == "refused"
    again = client.post(url, {"note": "Không đủ điều kiện"}, content_type="application/json")
    assert again.status_code == 409


def test_the_officers_form_offers_decline(in_progress, specialist, second_factor_client):
    html = second_factor_client(specialist).get(f"/lam-viec/ho-so/{in_progress.code}/")
    text = html.content.decode()
    assert "Từ chối hoặc dừng giải quyết" in text and 'name="notice"' in text
    posted = second_factor_client(specialist).post(
        f"/lam-viec/ho-so/{in_progress.code}/thao-tac/decline/",
        {"note": "Không đủ điều kiện", "notice": "stop"},
    )
    assert posted.status_code in (200, 302)
    assert Dossier.objects.get(pk=in_progress.pk).slips.filter(kind=SlipKind.STOP).exists()


# ---------------------------------------------------------------- supplement window


def test_the_supplement_window_is_three_working_days_from_receipt(clock, working):
    # received Monday 21/4 at 9:00: Tue 22, Wed 23, Thu 24
    assert rules.supplement_window_closes(working, limit=3) == D(2025, 4, 24)


def test_a_specialist_asks_for_a_supplement_within_the_window(clock, working, specialist):
    clock(2025, 4, 24, 16)
    asked = act(specialist, working, "request_supplement", items=["Giấy khám sức khỏe"])
    slip = asked.slips.get(kind=SlipKind.SUPPLEMENT)
    assert "after_window" not in slip.data
    assert not asked.events.last().note.startswith("[")


def test_after_the_window_only_a_leader_asks_and_it_is_marked(clock, working, specialist, leader):
    clock(2025, 4, 25)
    with pytest.raises(PermissionDenied) as refused:
        act(specialist, working, "request_supplement", items=["Giấy khám sức khỏe"])
    assert refused.value.code == DossiersErrorCode.SUPPLEMENT_NEEDS_LEADER
    assert "3 ngày làm việc" in str(refused.value.message)
    assert Dossier.objects.get(pk=working.pk).status == Status.IN_PROGRESS
    asked = act(leader, working, "request_supplement", items=["Giấy khám sức khỏe"])
    assert asked.status == Status.AWAITING_SUPPLEMENT
    slip = asked.slips.get(kind=SlipKind.SUPPLEMENT)
    assert slip.data["after_window"] is True and slip.data["window_days"] == 3
    line = asked.events.last()
    assert "sau 3 ngày làm việc" in line.note and leader.get_full_name() in line.note
    control = text_of(pdf.control_slip_pdf(asked))
    assert "sau 3 ngày làm việc kể từ khi nhận hồ sơ" in control
    assert leader.get_full_name() in control


def test_the_window_is_data_of_the_procedure_version(
    clock, applicant, officer, specialist, province_admin
):
    from tinhso.procedures import services as procedures
    from tinhso.procedures.models import Procedure

    procedures.update_procedure(
        actor=province_admin,
        procedure=Procedure.objects.get(code="9.000001"),
        changes={"supplement_within_days": 5},
        note="Luật chuyên ngành cho 5 ngày làm việc",
    )
    dossier = act(officer, _received(applicant, officer), "assign", assignee=specialist.username)
    assert rules.supplement_window_closes(dossier, limit=5) == D(2025, 4, 26)
    clock(2025, 4, 26)  # after 3 days, within 5
    asked = act(specialist, dossier, "request_supplement", items=["Giấy khám sức khỏe"])
    assert asked.status == Status.AWAITING_SUPPLEMENT


def test_a_forwarded_dossier_opens_a_new_window_at_the_new_agency(
    clock, working, specialist, make_staff
):
    clock(2025, 4, 24)
    moved = act(specialist, working, "forward", agency="STP")
    clock(
        2025, 4, 28
    )  # five working days after receipt, three after the hand-over (Sat 26/4 worked)
    other = make_staff(Role.SPECIALIST, "STP")
    asked = act(other, moved, "request_supplement", items=["Giấy khám sức khỏe"])
    assert asked.status == Status.AWAITING_SUPPLEMENT


def test_the_migration_puts_back_the_deadline_an_old_apology_overwrote(clock, working, specialist):
    import importlib

    from django.apps import apps

    clock(2025, 4, 28)
    act(specialist, working, "apologize", note="Chờ xác minh", new_due_date="2025-05-06")
    # as the old code left it: the deadline overwritten, no appointment
    Dossier.objects.filter(pk=working.pk).update(due_date=D(2025, 5, 6), appointment_date=None)
    migration = importlib.import_module(
        "tinhso.dossiers.migrations.0006_dossier_appointment_date_alter_slip_kind"
    )
    for _twice in range(2):  # idempotent
        migration.restore_statutory_dates(apps, None)
        fixed = Dossier.objects.get(pk=working.pk)
        assert (fixed.due_date, fixed.appointment_date) == (D(2025, 4, 26), D(2025, 5, 6))


def test_the_queue_api_filters_and_flags_what_needs_an_apology(clock, working, specialist, api_as):
    clock(2025, 4, 25, 10)
    body = api_as(specialist).get("/api/v1/queue", {"due": "apology"}).json()
    items = body["results"]
    assert [(i["code"], i["needs_apology"], i["late"]) for i in items] == [
        (working.code, True, False)
    ]
