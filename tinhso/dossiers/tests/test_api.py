import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from tinhso.dossiers.models import Dossier
from tinhso.testing import DRIVING, PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_as, applicant):
    return api_as(applicant)


def _create(api, body, **headers):
    return api.post(
        "/api/v1/dossiers", json.dumps(body), content_type="application/json", **headers
    )


def _upload(api, code, kind, name="giay.pdf", content=PDF, **headers):
    return api.post(
        f"/api/v1/dossiers/{code}/documents",
        {"kind": kind, "file": SimpleUploadedFile(name, content, "application/pdf")},
        **headers,
    )


def _act(api, code, action, body=None, **headers):
    return api.post(
        f"/api/v1/dossiers/{code}/actions/{action}",
        json.dumps(body or {}),
        content_type="application/json",
        **headers,
    )


BODY = {"procedure": DRIVING, "data": {"hang_gplx": "B", "so_gplx_cu": "AB1", "cam_ket": True}}


def test_the_whole_filing_through_the_api(api):
    created = _create(api, BODY)
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    assert created.json()["status"] == "draft"
    refused = _act(api, code, "submit")
    assert refused.status_code == 400
    assert "Giấy khám sức khỏe" in refused.json()["detail"]
    assert _upload(api, code, "giay-phep-cu").status_code == 201
    assert _upload(api, code, "giay-kham-suc-khoe", "kham.pdf").status_code == 201
    submitted = _act(api, code, "submit", {"note": "nộp"})
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["status"] == "submitted" and body["expected_date"]
    assert [e["action"] for e in body["timeline"]] == ["create", "attach", "attach", "submit"]
    again = _act(api, code, "submit")
    assert again.status_code == 409
    receipt = api.get(f"/api/v1/dossiers/{code}/receipt.pdf")
    assert receipt["Content-Type"] == "application/pdf"
    text = "".join(
        page.extract_text() for page in PdfReader(__import__("io").BytesIO(receipt.content)).pages
    )
    assert code in text and "GIẤY XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN" in text
    assert body["expected_date"][8:10] + "/" + body["expected_date"][5:7] in text


def test_the_same_idempotency_key_never_creates_two_dossiers(api):
    first = _create(api, BODY, HTTP_IDEMPOTENCY_KEY="dossier-1")
    second = _create(api, BODY, HTTP_IDEMPOTENCY_KEY="dossier-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["code"] == second.json()["code"]
    assert Dossier.objects.count() == 1
    other = _create(api, {**BODY, "data": {"hang_gplx": "A"}}, HTTP_IDEMPOTENCY_KEY="dossier-1")
    assert other.status_code == 422


def test_a_replayed_upload_stores_the_paper_once(api):
    code = _create(api, BODY).json()["code"]
    a = _upload(api, code, "giay-phep-cu", HTTP_IDEMPOTENCY_KEY="up-1")
    b = _upload(api, code, "giay-phep-cu", HTTP_IDEMPOTENCY_KEY="up-1")
    assert a.status_code == b.status_code == 201 and a.json() == b.json()
    assert Dossier.objects.get(code=code).documents.count() == 1


def test_bad_input_is_named(api):
    unknown = _create(api, {"procedure": "1.999999", "data": {}})
    assert unknown.status_code == 404
    wrong = _create(api, {"procedure": DRIVING, "data": {"hang_gplx": 3}})
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["field"] == "data.hang_gplx"
    extra = _create(api, {**BODY, "applicant": "someone"})
    assert extra.status_code == 400 and extra.json()["errors"][0]["field"] == "applicant"
    assert not Dossier.objects.exists()


def test_a_disguised_file_is_a_problem(api):
    code = _create(api, BODY).json()["code"]
    response = _upload(api, code, "giay-phep-cu", "giay.pdf", b"<html>not a pdf</html>")
    assert response.status_code == 400
    assert response.json()["code"] == "upload_type_not_allowed"


def test_other_people_get_a_404(api, api_as, make_citizen):
    code = _create(api, BODY).json()["code"]
    stranger = api_as(make_citizen())
    assert stranger.get(f"/api/v1/dossiers/{code}").status_code == 404
    assert _act(stranger, code, "withdraw").status_code == 404  # as for a code that is not there
    assert _upload(stranger, code, "giay-phep-cu").status_code == 404


def test_my_dossiers_list(api):
    for _ in range(3):
        _create(api, BODY)
    body = api.get("/api/v1/dossiers", {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_public_tracking_needs_the_last_four_digits(api, client):
    code = _create(api, BODY).json()["code"]
    _upload(api, code, "giay-phep-cu")
    _upload(api, code, "giay-kham-suc-khoe")
    _act(api, code, "submit")
    ok = client.get("/api/v1/tracking", {"code": code, "last4": "5678"})  # phone 0912345678
    assert ok.status_code == 200 and ok.json()["status"] == "submitted"
    assert all(e["actor"] == "" for e in ok.json()["timeline"])
    assert client.get("/api/v1/tracking", {"code": code, "last4": "0000"}).status_code == 404
    assert client.get("/api/v1/tracking", {"code": code, "last4": "56"}).status_code == 400


def test_detail_query_count_is_bounded(api, django_assert_max_num_queries):
    code = _create(api, BODY).json()["code"]
    _upload(api, code, "giay-phep-cu")
    with django_assert_max_num_queries(8):
        response = api.get(f"/api/v1/dossiers/{code}")
    assert response.status_code == 200 and response.json()["code"] == code
