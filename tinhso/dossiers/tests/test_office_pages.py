import pytest

from tinhso.dossiers.models import Status

pytestmark = pytest.mark.django_db


def test_an_officer_receives_from_the_queue_with_htmx(
    client, second_factor_client, officer, submitted
):
    c = second_factor_client(officer)
    queue = c.get("/lam-viec/ho-so/").content.decode()
    assert submitted.code in queue
    page = c.get(f"/lam-viec/ho-so/{submitted.code}/").content.decode()
    assert "Tiếp nhận" in page and "Từ chối" in page and "Phê duyệt" not in page
    response = c.post(
        f"/lam-viec/ho-so/{submitted.code}/thao-tac/receive/", {"note": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="work"') and "Đã tiếp nhận" in html
    submitted.refresh_from_db()
    assert submitted.status == Status.RECEIVED


def test_a_refusal_without_a_reason_is_explained_in_place(
    client, second_factor_client, officer, submitted
):
    c = second_factor_client(officer)
    response = c.post(
        f"/lam-viec/ho-so/{submitted.code}/thao-tac/refuse/", {"note": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "Cần ghi rõ lý do" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_officers_need_the_second_factor(client, second_factor_client, officer, submitted):
    client.force_login(officer)
    assert client.get("/lam-viec/ho-so/")["Location"].endswith("/tai-khoan/xac-thuc-hai-lop/")


def test_citizens_have_no_office(client, second_factor_client, applicant):
    client.force_login(applicant)
    assert client.get("/lam-viec/ho-so/").status_code == 403


def test_the_citizen_supplements_and_rates_through_the_pages(
    client, second_factor_client, applicant, officer, received
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tinhso.testing import act, pdf_file

    act(officer, received, "request_supplement", items=["Ảnh chân dung"])
    client.force_login(applicant)
    page = client.get(f"/ho-so/{received.code}/").content.decode()
    assert "Cần bổ sung hồ sơ" in page and "Ảnh chân dung" in page
    client.post(
        f"/ho-so/{received.code}/giay-to/",
        {
            "kind": "anh-chan-dung",
            "file": SimpleUploadedFile("a.pdf", pdf_file().read(), "application/pdf"),
        },
    )
    client.post(f"/ho-so/{received.code}/bo-sung/")
    received.refresh_from_db()
    assert received.status == Status.RECEIVED


def test_bulk_signing_page_shows_progress(
    client, second_factor_client, leader, approved, django_capture_on_commit_callbacks
):
    c = second_factor_client(leader)
    page = c.get("/lam-viec/ho-so/ky-hang-loat/").content.decode()
    assert approved.code in page
    listed = c.post("/lam-viec/ho-so/ky-hang-loat/", {"codes": [approved.code]})
    assert "Bạn sắp ký 1 văn bản" in listed.content.decode()  # the list it will sign, first
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            "/lam-viec/ho-so/ky-hang-loat/", {"codes": [approved.code], "confirm": "1"}
        )
    progress = c.get(response["Location"]).content.decode()
    assert "Xong" in progress and "1 xong, 0 lỗi / 1" in progress
    approved.refresh_from_db()
    assert approved.status == Status.RESULT_READY
