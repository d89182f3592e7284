import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.dossiers.models import Dossier, Status
from tinhso.testing import DRIVING, PDF

pytestmark = pytest.mark.django_db


def test_a_citizen_files_through_the_pages(client, applicant):
    client.force_login(applicant)
    catalogue = client.get("/thu-tuc/", {"q": "giay phep lai xe"}).content.decode()
    assert "Cấp đổi giấy phép lái xe (thử nghiệm)" in catalogue
    start = client.get(f"/ho-so/moi/{DRIVING}/").content.decode()
    assert applicant.full_name in start  # shown from the profile, not asked
    assert 'name="ho_ten"' not in start
    step1 = client.post(
        f"/ho-so/moi/{DRIVING}/", {"hang_gplx": "B", "so_gplx_cu": "AB1", "cam_ket": "on"}
    )
    dossier = Dossier.objects.get()
    assert step1["Location"] == f"/ho-so/{dossier.code}/giay-to/"
    for kind in ("giay-phep-cu", "giay-kham-suc-khoe"):
        response = client.post(
            f"/ho-so/{dossier.code}/giay-to/",
            {"kind": kind, "file": SimpleUploadedFile(f"{kind}.pdf", PDF, "application/pdf")},
        )
        assert response.status_code == 302
    review = client.get(f"/ho-so/{dossier.code}/nop/").content.decode()
    assert "135.000 đồng" in review
    done = client.post(f"/ho-so/{dossier.code}/nop/")
    assert done["Location"] == f"/ho-so/{dossier.code}/da-nop/"
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    page = client.get(f"/ho-so/{dossier.code}/").content.decode()
    assert "Đã nộp, chờ tiếp nhận" in page and "bien-nhan.pdf" in page
    assert client.get(f"/ho-so/{dossier.code}/bien-nhan.pdf")["Content-Type"] == "application/pdf"
    mine = client.get("/ho-so/").content.decode()
    assert dossier.code in mine


def test_the_form_step_shows_errors_next_to_the_fields(client, applicant):
    client.force_login(applicant)
    response = client.post(f"/ho-so/moi/{DRIVING}/", {"hang_gplx": "Z"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_hang_gplx"' in html and "Chọn một giá trị trong danh sách" in html
    assert not Dossier.objects.exists()


def test_a_disguised_upload_is_explained(client, applicant, draft):
    client.force_login(applicant)
    response = client.post(
        f"/ho-so/{draft.code}/giay-to/",
        {"kind": "giay-phep-cu", "file": SimpleUploadedFile("a.pdf", b"<html>", "application/pdf")},
    )
    assert response.status_code == 400
    assert "Chỉ nhận tệp PDF, JPG hoặc PNG" in response.content.decode()


def test_public_tracking_page(client, submitted):
    page = client.post("/tra-cuu/", {"ma": submitted.code, "so": "5678"})
    html = page.content.decode()
    assert page.status_code == 200 and "Đã nộp, chờ tiếp nhận" in html
    assert submitted.applicant_name not in html
    timeline = html[html.index('<ol class="timeline">') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert timeline.count("<li>") == submitted.events.count() >= 2  # created, submitted
    wrong = client.post("/tra-cuu/", {"ma": submitted.code, "so": "1111"})
    assert wrong.status_code == 404


def test_someone_elses_dossier_is_a_404(client, make_citizen, submitted):
    client.force_login(make_citizen())
    assert client.get(f"/ho-so/{submitted.code}/").status_code == 404
    assert client.get(f"/ho-so/{submitted.code}/bien-nhan.pdf").status_code == 404


def test_catalogue_page_query_count(client, django_assert_max_num_queries):
    assert client.get("/thu-tuc/").status_code == 200
    # A first search: the filters (2), the catalogue's stamp (2), its search index (1)
    # and the rows found (1), and the answer read from and written to the shared cache
    # (1 + 5 on the database cache: Django counts the table's rows before each write).
    with django_assert_max_num_queries(12):
        response = client.get("/thu-tuc/", {"q": "giay phep"})
    assert response.status_code == 200 and "9.000001" in response.content.decode()


def test_state_changes_reach_the_in_app_inbox(client, submitted, applicant):
    client.force_login(applicant)
    home = client.get("/").content.decode()
    assert 'class="badge">1' in home
    inbox = client.get("/thong-bao/").content.decode()
    assert submitted.code in inbox
    client.post("/thong-bao/da-doc/")
    assert 'class="badge"' not in client.get("/").content.decode()
