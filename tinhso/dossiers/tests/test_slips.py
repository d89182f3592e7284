"""The slips and the result as a citizen reads them (their text, through Poppler's
pdftotext): form 01 lists the papers by name, form and count with the applicant's
address and phone, the statutory time, the hours received and of return, how the
result is collected, the register and sequence number and two places to sign; form
02 gives each item's reason and a contact; every slip has a number and the place and
date line of Decree 30/2020/NĐ-CP; the control slip says before / on / after the
deadline and who received each hand-over; the result carries its number from the
agency's register of its kind, the signer's real title, and no phone number."""

import datetime
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tinhso.accounts.models import Agency, RoleAssignment
from tinhso.core.document_layout import date_words
from tinhso.documents import registers
from tinhso.dossiers import pdf, slips
from tinhso.dossiers.models import DossierStep, SlipKind
from tinhso.testing import act, concurrent_connections

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="make test installs poppler-utils"),
]


def text_of(content: bytes, tmp_path, name="doc.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return " ".join(out.stdout.split())  # one line: wrapped cells read as running text


@pytest.fixture
def applicant_with_address(applicant):
    applicant.address = "Số 12, tổ 3, khu 5, phường Hạ Long"
    applicant.save(update_fields=["address"])
    return applicant


@pytest.fixture
def receipt_text(applicant_with_address, complete_draft, officer, tmp_path):
    act(applicant_with_address, complete_draft, "submit", result_delivery="post")
    received = act(officer, complete_draft, "receive")
    slip = received.slips.get(kind=SlipKind.RECEIPT)
    return received, slip, text_of(pdf.slip_pdf(slip), tmp_path)


def test_the_receipt_slip_lists_papers_by_name_form_and_count(receipt_text):
    _dossier, _slip, text = receipt_text
    assert "Giấy khám sức khỏe của người lái xe" in text
    assert "Bản chụp giấy phép lái xe cũ" in text
    assert "Bản điện tử" in text and "Số lượng" in text
    assert "giay.pdf" not in text and "kham.pdf" not in text  # not file names


def test_the_receipt_slip_carries_what_form_01_asks(receipt_text):
    dossier, slip, text = receipt_text
    assert "Số 12, tổ 3, khu 5, phường Hạ Long" in text
    assert "0912345678" in text  # the applicant's phone, for the desk to call
    assert "Thời hạn giải quyết: 5 ngày làm việc" in text
    received = timezone.localtime(dossier.received_at)
    assert f"{received:%H} giờ {received:%M} phút, {date_words(received.date())}" in text
    assert "Thời gian trả kết quả:" in text and date_words(dossier.due_date) in text
    assert "Nhận qua dịch vụ bưu chính công ích" in text
    year = received.year
    assert f"năm {year}, số thứ tự {slip.data['sequence']:02d}" in text
    assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert text.count("(Ký, ghi rõ họ tên)") == 2


def test_every_slip_has_a_number_and_the_decree_30_place_and_date_line(receipt_text):
    dossier, slip, text = receipt_text
    assert re.fullmatch(r"\d{2,}/TN-TTPVHCC", slip.number)
    assert f"Số: {slip.number}" in text
    issued = timezone.localtime(slip.issued_at).date()
    assert f"Quảng Ninh, {date_words(issued)}" in text
    line = text[text.index("Quảng Ninh, ngày") :][:40]
    assert not re.search(r"\d{1,2}:\d{2}", line)  # no clock time in the date line
    # the issuing agency is not followed by the province again
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH QUẢNG NINH" not in text
    assert "(Mẫu số 01)" in text


def test_slip_numbers_follow_each_other_in_the_desks_register(
    applicant, officer, make_staff, complete_draft
):
    from tinhso.dossiers import services

    act(applicant, complete_draft, "submit")
    first = act(officer, complete_draft, "receive").slips.get(kind=SlipKind.RECEIPT)
    other = services.create_dossier(
        actor=applicant,
        procedure_code="9.000001",
        data={"hang_gplx": "B", "so_gplx_cu": "X2", "cam_ket": True},
    )
    from tinhso.testing import pdf_file

    for kind in ("giay-phep-cu", "giay-kham-suc-khoe"):
        services.attach_document(actor=applicant, dossier=other, kind=kind, upload=pdf_file())
    act(applicant, other, "submit")
    second = act(officer, other, "receive").slips.get(kind=SlipKind.RECEIPT)
    assert second.data["sequence"] == first.data["sequence"] + 1


def test_the_supplement_slip_gives_each_reason_and_a_contact(submitted, officer, tmp_path):
    desk = Agency.objects.get(code="TTPVHCC")
    desk.phone = "0203 3 600 600"
    desk.save(update_fields=["phone"])
    after = act(
        officer,
        submitted,
        "request_supplement",
        items=["Giấy khám sức khỏe", "Ảnh chân dung"],
        reasons=["Giấy khám đã quá 6 tháng", "Ảnh không rõ mặt"],
    )
    slip = after.slips.get(kind=SlipKind.SUPPLEMENT)
    text = text_of(pdf.slip_pdf(slip), tmp_path)
    assert "Giấy khám đã quá 6 tháng" in text and "Ảnh không rõ mặt" in text
    assert "Cần hướng dẫn, xin liên hệ:" in text and "0203 3 600 600" in text
    assert officer.full_name in text
    assert f"Số: {slip.number}" in text and "/YCBS-TTPVHCC" in slip.number


def test_the_control_slip_says_before_on_or_after_and_who_received(
    returned, officer, specialist, leader, tmp_path
):
    steps = list(returned.steps.order_by("started_at", "pk"))
    # make the specialist's step late and the first early, to see all three words
    late = next(s for s in steps if s.role == "specialist")
    DossierStep.objects.filter(pk=late.pk).update(
        due_date=timezone.localtime(late.finished_at).date() - datetime.timedelta(days=1)
    )
    on_the_day = next(s for s in steps if s.role == "leader")
    DossierStep.objects.filter(pk=on_the_day.pk).update(
        due_date=timezone.localtime(on_the_day.finished_at).date()
    )
    text = text_of(pdf.control_slip_pdf(returned), tmp_path)
    assert "Quá hạn" in text and "Trước hạn" in text and "Đúng hạn" in text
    assert "Bên nhận" in text
    assert specialist.full_name in text  # received the dossier from the desk
    assert returned.applicant_name in text  # received the result
    assert "(Mẫu số 06)" in text


@pytest.mark.parametrize(
    ("finished", "due", "verdict"),
    [(4, 5, "Trước hạn"), (5, 5, "Đúng hạn"), (6, 5, "Quá hạn")],
)
def test_the_verdict_of_a_hand_over(finished, due, verdict):
    at = timezone.make_aware(datetime.datetime(2026, 3, finished, 10, 0))
    step = DossierStep(due_date=datetime.date(2026, 3, due), finished_at=at)
    assert slips.handover_verdict(step) == verdict


def test_the_hour_of_return_keeps_the_hour_received_within_office_hours():
    day = datetime.date(2026, 3, 5)
    morning = timezone.make_aware(datetime.datetime(2026, 2, 26, 9, 15, 40))
    assert timezone.localtime(slips.appointment(morning, day)).time() == datetime.time(9, 15)
    night = timezone.make_aware(datetime.datetime(2026, 2, 26, 21, 0))
    assert timezone.localtime(slips.appointment(night, day)).time() == slips.OFFICE_CLOSES


# ---------------------------------------------------------------- the result


def _result_text(dossier, tmp_path) -> str:
    content = (Path(settings.MEDIA_ROOT) / dossier.result_file).read_bytes()
    return text_of(content, tmp_path, "ket-qua.pdf")


def test_the_result_is_numbered_in_the_agencys_register_of_its_kind(result_ready, tmp_path):
    assert re.fullmatch(r"\d{2,}/KQ-SXD", result_ready.result_number)
    assert f"Số: {result_ready.result_number}" in _result_text(result_ready, tmp_path)


def test_the_result_carries_the_signers_real_title_and_no_phone(
    approved, leader, tmp_path, applicant
):
    RoleAssignment.objects.filter(user=leader, role="leader").update(position_title="PHÓ GIÁM ĐỐC")
    signed = act(leader, approved, "sign")
    text = _result_text(signed, tmp_path)
    assert "KT. GIÁM ĐỐC" in text and "PHÓ GIÁM ĐỐC" in text
    assert "THỦ TRƯỞNG CƠ QUAN" not in text
    assert leader.full_name in text
    assert applicant.phone not in text and "Số điện thoại" not in text
    assert "SỞ XÂY DỰNG TỈNH QUẢNG NINH" not in text and "SỞ XÂY DỰNG" in text


def test_the_register_number_is_inside_the_visible_signature_stamp(result_ready, tmp_path):
    # the body says "Số: …" once; the stamp says it again (pdftotext reads both)
    text = _result_text(result_ready, tmp_path)
    assert text.count(result_ready.result_number) >= 2, text


@concurrent_connections
def test_the_register_gives_every_number_once_under_concurrency():
    numbers, errors = [], []

    def take():
        from django.db import transaction

        try:
            with transaction.atomic():
                numbers.append(registers.next_number(agency_code="STP", kind="GCN", year=2026))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sorted(numbers) == list(range(1, 9))


def test_registers_count_per_agency_kind_and_year():
    take = registers.next_number
    assert [take(agency_code="STP", kind="GCN", year=2026) for _ in range(3)] == [1, 2, 3]
    assert take(agency_code="STP", kind="GP", year=2026) == 1
    assert take(agency_code="SXD", kind="GCN", year=2026) == 1
    assert take(agency_code="STP", kind="GCN", year=2027) == 1
