from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from tinhso.core.errors import ValidationFailed
from tinhso.feedback import services
from tinhso.feedback.models import Category, Status
from tinhso.notifications.models import Notification

from .conftest import HA_LONG, HA_LONG_COMMITTEE, photo_with_gps


def test_categories_come_from_the_data_file_with_deadlines():
    lighting = Category.objects.get(code="chieu-sang")
    assert lighting.deadline_days == 3
    assert Category.objects.filter(code="thai-do-phuc-vu").exists()


def test_a_signed_in_citizen_gets_a_code_a_deadline_and_the_ward_committee(report, citizen):
    assert re.fullmatch(r"PA-\d{6}-\d{4}", report.code)
    assert report.agency.code == HA_LONG_COMMITTEE
    assert report.status == Status.OPEN
    assert report.due_date > report.created_at.date()
    assert Notification.objects.filter(user=citizen, subject__contains=report.code).exists()


def test_routing_follows_the_category_when_a_department_answers(make_report):
    noise = make_report(category="giao-thong")
    assert noise.agency.code == "SXD"


def test_a_routing_rule_for_the_ward_wins_over_the_category_default(make_report):
    water = make_report(category="cap-thoat-nuoc")
    assert water.agency.code == HA_LONG_COMMITTEE
    elsewhere = make_report(category="cap-thoat-nuoc", ward="06673")  # Bãi Cháy
    assert elsewhere.agency.code == "SXD"


def test_without_a_ward_the_province_office_dispatches(make_report):
    report = make_report(ward="", category="rac-thai")
    assert report.agency.code == "VPUB"


def test_a_place_is_required(make_report):
    with pytest.raises(ValidationFailed) as err:
        make_report(pin=None, address="")
    assert "latitude" in err.value.fields


def test_photos_are_stored_without_exif_and_their_location_is_read(make_report):
    report = make_report(pin=None, address="", photos=[photo_with_gps()])
    photo = report.photos.get()
    assert photo.exif_latitude == pytest.approx(20.9517, abs=1e-3)
    assert photo.exif_longitude == pytest.approx(107.0806, abs=1e-3)
    assert report.latitude == pytest.approx(photo.exif_latitude)  # the pin from the photo
    stored = Path(settings.MEDIA_ROOT) / photo.file_path
    raw = stored.read_bytes()
    assert b"Exif" not in raw and b"Camera of a citizen" not in raw
    with Image.open(stored) as image:
        assert not image.getexif()


def test_png_photos_lose_their_exif_too(make_report):
    report = make_report(photos=[photo_with_gps("a.png", fmt="PNG")])
    raw = (Path(settings.MEDIA_ROOT) / report.photos.get().file_path).read_bytes()
    assert b"eXIf" not in raw and b"Camera of a citizen" not in raw


def test_at_most_five_photos(make_report):
    with pytest.raises(ValidationFailed) as err:
        make_report(photos=[photo_with_gps(f"{i}.jpg") for i in range(6)])
    assert "photos" in err.value.fields


def test_a_file_that_is_not_an_image_is_refused(make_report):
    from tinhso.testing import pdf_file

    with pytest.raises(ValidationFailed):
        make_report(photos=[pdf_file("x.jpg")])


def test_anonymous_reports_need_a_phone_confirmed_by_a_code(
    make_report, settings, django_capture_on_commit_callbacks
):
    sent = []
    settings.SMS_SENDER = "tinhso.feedback.tests.test_reporting.RecordingSms"
    RecordingSms.sent = sent
    with pytest.raises(ValidationFailed) as err:
        make_report(reporter=None, phone="0912 345 678")
    assert err.value.code == "feedback_phone_not_confirmed"
    with django_capture_on_commit_callbacks(execute=True):
        services.request_phone_code(phone="+84912345678")
    code = re.search(r"\b(\d{6})\b", sent[-1][1])[1]
    with pytest.raises(ValidationFailed):
        services.confirm_phone(phone="0912345678", code="000000" if code != "000000" else "1")
    services.confirm_phone(phone="0912345678", code=code)
    report = make_report(reporter=None, phone="0912345678")
    assert report.reporter is None and report.reporter_phone == "0912345678"
    assert report.followers.get().phone == "0912345678"


class RecordingSms:
    sent: list = []

    def send(self, *, phone, text):
        self.sent.append((phone, text))


def test_the_ward_must_be_of_the_province(make_report):
    with pytest.raises(ValidationFailed) as err:
        make_report(ward="00004")  # a ward of Hà Nội
    assert "ward" in err.value.fields
    assert HA_LONG  # the fixture's ward is of Quảng Ninh


def test_the_hourly_sweep_keeps_the_photos_of_reports(make_report, ward_officer):
    import io
    import os
    import time

    from django.core.management import call_command

    report = make_report(photos=[photo_with_gps()])
    services.publish_report(actor=ward_officer, report=report, boxes={})
    photo = report.photos.get()
    root = Path(settings.MEDIA_ROOT)
    orphan = root / "feedback" / "orphan.jpg"
    orphan.write_bytes(b"x")
    old = time.time() - 7200
    for path in (orphan, root / photo.file_path, root / photo.public_path):
        os.utime(path, (old, old))
    call_command("sweep_files", stdout=io.StringIO())
    assert not orphan.exists()
    kept = [root / photo.file_path, root / photo.public_path]
    assert all(path.exists() for path in kept)
    for path in kept:  # their rows roll back with the test: no orphan for the next one
        path.unlink()
