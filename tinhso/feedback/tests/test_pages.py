from __future__ import annotations

import json

import pytest

from tinhso.feedback import services
from tinhso.feedback.models import Report, Status

from .conftest import HA_LONG, PIN, photo_with_gps


def test_a_signed_in_citizen_reports_from_the_page(client, citizen):
    client.force_login(citizen)
    response = client.post(
        "/phan-anh/gui/",
        {
            "category": "chieu-sang",
            "description": "Đèn không sáng",
            "latitude": PIN[0],
            "longitude": PIN[1],
            "address": "",
            "ward": HA_LONG,
            "photos": [photo_with_gps()],
        },
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/phan-anh/{report.code}/"
    assert report.photos.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert report.code in page and "Đèn không sáng" in page


def test_a_report_without_a_place_shows_the_error_on_the_field(client, citizen):
    client.force_login(citizen)
    response = client.post(
        "/phan-anh/gui/", {"category": "chieu-sang", "description": "Đèn không sáng"}
    )
    assert response.status_code == 200
    assert 'href="#id_latitude"' in response.content.decode()
    assert not Report.objects.exists()


def test_anonymous_people_confirm_a_phone_first(client):
    assert client.get("/phan-anh/gui/")["Location"] == "/phan-anh/xac-nhan-so-dien-thoai/"


def test_the_public_sees_published_reports_but_never_the_reporter(
    client, make_report, ward_officer, citizen
):
    hidden = make_report(description="Chưa công khai")
    shown = make_report(description="Đã công khai")
    services.answer_report(actor=ward_officer, report=shown, answer="Đã sửa xong")
    services.publish_report(actor=ward_officer, report=shown, boxes={})
    page = client.get("/phan-anh/?status=closed").content.decode()
    assert shown.code in page and hidden.code not in page
    detail = client.get(f"/phan-anh/{shown.code}/").content.decode()
    assert "Đã sửa xong" in detail and citizen.full_name not in detail
    stranger_view = client.get(f"/phan-anh/{hidden.code}/").content.decode()
    assert "Chưa công khai" not in stranger_view  # status only until published


def test_the_map_endpoint_clusters_and_the_geojson_exports(client, make_report, ward_officer):
    for i in range(3):
        r = make_report(pin=(PIN[0] + i * 0.0001, PIN[1]))
        services.publish_report(actor=ward_officer, report=r, boxes={})
    data = client.get("/phan-anh/ban-do.json?zoom=10&bbox=20,106,22,108").json()
    assert [c["count"] for c in data["clusters"]] == [3]
    geo = json.loads(client.get("/phan-anh/phan-anh.geojson").content)
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 3
    assert geo["features"][0]["geometry"]["coordinates"][1] == pytest.approx(PIN[0], abs=1e-3)
    assert "reporter" not in json.dumps(geo)


def test_the_ward_officer_answers_from_the_office_page(
    second_factor_client, ward_officer, make_report
):
    report = make_report()
    client = second_factor_client(ward_officer)
    assert report.code in client.get("/phan-anh/can-bo/").content.decode()
    client.post(f"/phan-anh/can-bo/{report.code}/tra-loi/", {"answer": "Đã thay bóng"})
    report.refresh_from_db()
    assert report.status == Status.CLOSED


def test_the_publish_step_sends_boxes_that_the_server_blurs(
    second_factor_client, ward_officer, make_report
):
    report = make_report(photos=[photo_with_gps()])
    photo = report.photos.get()
    client = second_factor_client(ward_officer)
    assert b"blur.js" in client.get(f"/phan-anh/can-bo/{report.code}/cong-khai/").content
    boxes = json.dumps({str(photo.pk): [[0.1, 0.1, 0.3, 0.3]]})
    client.post(f"/phan-anh/can-bo/{report.code}/cong-khai/", {"boxes": boxes})
    photo.refresh_from_db()
    assert photo.public_path and photo.public_path != photo.file_path
    public = client.get(f"/phan-anh/anh/{photo.pk}/")
    assert public.status_code == 200


def test_the_original_photo_is_not_public(client, make_report, ward_officer):
    report = make_report(photos=[photo_with_gps()])
    photo = report.photos.get()
    assert client.get(f"/phan-anh/anh/{photo.pk}/?goc=1").status_code == 404
    services.publish_report(actor=ward_officer, report=report, boxes={})
    assert client.get(f"/phan-anh/anh/{photo.pk}/?goc=1").status_code == 404
    assert client.get(f"/phan-anh/anh/{photo.pk}/").status_code == 200


def test_the_api_answer_closes_the_report_and_checks_permission_first(
    api_as, make_report, ward_officer, make_staff
):
    report = make_report()
    outsider = api_as(make_staff("specialist", "STP"))
    url = f"/api/v1/feedback/{report.code}/answer"
    assert outsider.post(url, {"answer": "x"}, content_type="application/json").status_code == 403
    officer = api_as(ward_officer)
    response = officer.post(url, {"answer": "Đã sửa"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    again = officer.post(url, {"answer": "Lần nữa"}, content_type="application/json")
    assert again.status_code == 409


def test_the_map_pages_allow_the_tile_server_in_the_csp(client):
    response = client.get("/phan-anh/")
    assert "https://tile.openstreetmap.org" in response["Content-Security-Policy"]
    assert b"vendor/leaflet/leaflet.js" in response.content


def test_the_public_list_is_a_fixed_number_of_queries(
    client, make_report, ward_officer, django_assert_max_num_queries
):
    def publish(n):
        for _ in range(n):
            services.publish_report(actor=ward_officer, report=make_report(), boxes={})

    publish(2)
    with django_assert_max_num_queries(12) as few:
        client.get("/phan-anh/")
    publish(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/phan-anh/").status_code == 200


def test_the_officer_queue_is_a_fixed_number_of_queries(
    second_factor_client, ward_officer, make_report, django_assert_max_num_queries
):
    make_report()
    client = second_factor_client(ward_officer)
    client.get("/phan-anh/can-bo/")
    with django_assert_max_num_queries(30) as few:
        client.get("/phan-anh/can-bo/")
    for _ in range(6):
        make_report()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/phan-anh/can-bo/").status_code == 200
