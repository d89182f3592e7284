"""The officer's desk (issue 17, items 7 to 9): every refused action says why in the
form where the officer acted, a success is said on that dossier only, the next
expected action is the primary button, the landing page counts the waiting work, and
the result is drafted, previewed and signed with eyes open."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.documents.models import IssuedDocument
from tinhso.dossiers.models import Status
from tinhso.testing import act, pdf_file

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _form(html: str, action: str) -> str:
    """The HTML of the action's form (data-action) on the work page."""
    marker = f'data-action="{action}"'
    assert marker in html, f"no form for {action}"
    return html.split(marker, 1)[1].split("</form>", 1)[0]


# (state fixture, who acts, action, what the form posts, status, what the officer reads)
REFUSED_IN_PLACE = [
    ("submitted", "officer", "refuse", {"note": ""}, 400, "Cần ghi rõ lý do"),
    ("received", "officer", "request_supplement", {"items": ""}, 400, "ít nhất một mục"),
    ("received", "officer", "assign", {"assignee": "nobody"}, 400, "không phải chuyên viên"),
    ("in_progress", "specialist", "forward", {"agency": "SXD"}, 400, "Chọn một cơ quan khác"),
    ("in_progress", "specialist", "decline", {"note": ""}, 400, "Cần ghi rõ lý do"),
    ("in_progress", "specialist", "apologize", {"note": "x", "new_due_date": ""}, 409, "xin lỗi"),
    ("awaiting_approval", "leader", "send_back", {"note": ""}, 400, "Cần ghi rõ lý do"),
    ("result_ready", "officer", "return", {}, 409, "phí"),
]


@pytest.mark.parametrize(
    "state,who,action,data,status,message",
    REFUSED_IN_PLACE,
    ids=[case[2] for case in REFUSED_IN_PLACE],
)
def test_a_refused_action_says_why_in_its_own_form(
    request, second_factor_client, state, who, action, data, status, message
):
    dossier = request.getfixturevalue(state)
    c = second_factor_client(request.getfixturevalue(who))
    before = dossier.status
    response = c.post(f"/lam-viec/ho-so/{dossier.code}/thao-tac/{action}/", data, **HX)
    assert response.status_code == status
    assert response["X-Swap-Error"] == "1"  # swapped in place, like a success
    form = _form(response.content.decode(), action)
    assert "Chưa thực hiện được" in form and message.lower() in form.lower()
    dossier.refresh_from_db()
    assert dossier.status == before
    # Without JavaScript: the whole page, the same message in the same form.
    page = c.post(f"/lam-viec/ho-so/{dossier.code}/thao-tac/{action}/", data)
    assert page.status_code == status
    assert message.lower() in _form(page.content.decode(), action).lower()


# Actions taken from a page that is out of date: the dossier moved on, the form is gone,
# the refusal heads the work area.
STALE = [
    ("received", "officer", "receive"),
    ("awaiting_approval", "specialist", "submit_for_approval"),
    ("approved", "leader", "approve"),
    ("approved", "leader", "approve_and_sign"),
    ("result_ready", "leader", "sign"),
]


@pytest.mark.parametrize("state,who,action", STALE, ids=[case[2] for case in STALE])
def test_an_action_on_a_dossier_that_moved_on_is_refused_at_the_top(
    request, second_factor_client, state, who, action
):
    dossier = request.getfixturevalue(state)
    c = second_factor_client(request.getfixturevalue(who))
    response = c.post(f"/lam-viec/ho-so/{dossier.code}/thao-tac/{action}/", {}, **HX)
    assert response.status_code == 409
    html = response.content.decode()
    top = html.split('<div class="grid work-grid">', 1)[0]
    assert 'role="alert"' in top and "không thực hiện được thao tác này" in top


def test_a_second_supplement_request_outside_what_changed_is_explained_not_a_500(
    second_factor_client, officer, applicant, received
):
    act(officer, received, "request_supplement", items=["Ảnh chân dung"])
    from tinhso.dossiers import services

    services.attach_document(
        actor=applicant, dossier=received, kind="anh-chan-dung", upload=pdf_file("a.pdf")
    )
    act(applicant, received, "supplement")
    c = second_factor_client(officer)
    response = c.post(
        f"/lam-viec/ho-so/{received.code}/thao-tac/request_supplement/",
        {"items": "Giấy khám sức khỏe"},
        **HX,
    )
    assert response.status_code == 400
    form = _form(response.content.decode(), "request_supplement")
    assert "Đã yêu cầu bổ sung một lần" in form
    assert 'href="#request_supplement-items"' in form  # the summary links to the field
    assert 'id="request_supplement-items"' in form


def test_a_success_is_said_on_that_dossier_and_not_on_the_next(
    second_factor_client, officer, submitted, make_citizen
):
    c = second_factor_client(officer)
    done = c.post(f"/lam-viec/ho-so/{submitted.code}/thao-tac/receive/", {}, **HX)
    assert "Đã thực hiện: Tiếp nhận." in done.content.decode()
    queue = c.get("/lam-viec/ho-so/").content.decode()
    again = c.get(f"/lam-viec/ho-so/{submitted.code}/").content.decode()
    assert "Đã thực hiện" not in queue and "Đã thực hiện" not in again


def test_the_next_expected_action_is_the_primary_button(second_factor_client, officer, submitted):
    html = second_factor_client(officer).get(f"/lam-viec/ho-so/{submitted.code}/").content.decode()
    first = html.split('class="next-action"', 1)[1].split("</form>", 1)[0]
    assert 'data-action="receive"' in first and 'class="secondary"' not in first
    refuse = _form(html, "refuse")
    assert '<button type="submit" class="secondary">Từ chối</button>' in refuse
    assert html.index('data-action="receive"') < html.index('data-action="refuse"')


def test_the_landing_page_counts_the_waiting_work(
    client, second_factor_client, officer, submitted, applicant
):
    c = second_factor_client(officer)
    html = c.get("/lam-viec/").content.decode()
    waiting = html.split('class="waiting-work"', 1)[1].split("</section>", 1)[0]
    assert "1 hồ sơ chờ bạn xử lý" in waiting
    assert '?status=submitted"' in waiting and "Tiếp nhận" in waiting
    assert "Hồ sơ của tôi" not in html and "Kho giấy tờ" not in html  # citizen-only menus
    client.force_login(applicant)
    home = client.get("/").content.decode()
    assert "Hồ sơ của tôi" in home and "Hồ sơ cần xử lý" not in home


def test_the_leader_previews_then_approves_and_signs_in_one_step(
    second_factor_client, specialist, leader, in_progress
):
    s = second_factor_client(specialist)
    page = s.get(f"/lam-viec/ho-so/{in_progress.code}/").content.decode()
    assert "Soạn dự thảo kết quả" in page and "line-" in page  # the template, answers in
    name = page.split('name="line-', 1)[1].split('"', 1)[0]
    saved = s.post(
        f"/lam-viec/ho-so/{in_progress.code}/du-thao/",
        {f"line-{name}": "Giá trị đã sửa", "body": "Có giá trị đến hết năm."},
    )
    assert saved.status_code == 302
    in_progress.refresh_from_db()
    assert in_progress.result_draft["values"][name] == "Giá trị đã sửa"
    act(specialist, in_progress, "submit_for_approval")
    lead = second_factor_client(leader)
    page = lead.get(f"/lam-viec/ho-so/{in_progress.code}/").content.decode()
    assert 'data-action="approve_and_sign"' in page.split('class="next-action"', 1)[1]
    preview = lead.get(f"/lam-viec/ho-so/{in_progress.code}/du-thao.pdf")
    assert preview["Content-Type"] == "application/pdf" and preview.content.startswith(b"%PDF")
    in_progress.refresh_from_db()
    assert in_progress.status == Status.AWAITING_APPROVAL  # previewing signs nothing
    done = lead.post(f"/lam-viec/ho-so/{in_progress.code}/thao-tac/approve_and_sign/", {}, **HX)
    assert "Đã thực hiện: Phê duyệt và ký." in done.content.decode()
    in_progress.refresh_from_db()
    assert in_progress.status == Status.RESULT_READY and in_progress.result_key
    signed = (Path(settings.MEDIA_ROOT) / in_progress.result_file).read_bytes()
    entry = IssuedDocument.objects.get(code=in_progress.result_key)
    assert hashlib.sha256(signed).hexdigest() == entry.sha256


def _real_pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Ket qua soan ngoai")
    page.save()
    return out.getvalue()


def test_an_attached_pdf_is_what_the_leader_signs(
    second_factor_client, specialist, leader, in_progress
):
    s = second_factor_client(specialist)
    broken = s.post(
        f"/lam-viec/ho-so/{in_progress.code}/du-thao/",
        {"file": SimpleUploadedFile("kq.pdf", pdf_file().read(), "application/pdf")},
    )
    assert broken.status_code == 400 and "không ký được" in _form(broken.content.decode(), "draft")
    attached = _real_pdf()
    s.post(
        f"/lam-viec/ho-so/{in_progress.code}/du-thao/",
        {"file": SimpleUploadedFile("kq.pdf", attached, "application/pdf")},
    )
    act(specialist, in_progress, "submit_for_approval")
    preview = second_factor_client(leader).get(f"/lam-viec/ho-so/{in_progress.code}/du-thao.pdf")
    assert preview.content == attached
    act(leader, in_progress, "approve")
    act(leader, in_progress, "sign")
    in_progress.refresh_from_db()
    signed = (Path(settings.MEDIA_ROOT) / in_progress.result_file).read_bytes()
    assert signed.startswith(attached)  # the signature is an incremental update of it


def test_only_whoever_processes_it_drafts_the_result(second_factor_client, officer, in_progress):
    response = second_factor_client(officer).post(
        f"/lam-viec/ho-so/{in_progress.code}/du-thao/", {"body": "x"}
    )
    assert response.status_code == 403
    in_progress.refresh_from_db()
    assert in_progress.result_draft == {}


def test_bulk_signing_without_a_choice_says_so(second_factor_client, leader, approved):
    response = second_factor_client(leader).post("/lam-viec/ho-so/ky-hang-loat/", {})
    assert response.status_code == 400
    assert "Chọn ít nhất một hồ sơ để ký" in response.content.decode()
