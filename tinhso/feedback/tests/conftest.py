"""Feedback's own fixtures: its reference data, the officer of Phường Hạ Long, photos
with a camera's location in their EXIF."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.accounts.models import Role
from tinhso.feedback import services

HA_LONG = "06688"  # Phường Hạ Long, Quảng Ninh
HA_LONG_COMMITTEE = f"UBND{HA_LONG}"
PIN = (20.9516, 107.0806)  # near the ward's committee


def photo_with_gps(name="pho.jpg", lat=(20, 57, 6.0), lon=(107, 4, 50.0), fmt="JPEG"):
    """A small photo whose EXIF carries a GPS position and a camera model."""
    from PIL import Image

    image = Image.new("RGB", (64, 48), (120, 140, 160))
    exif = Image.Exif()
    exif[0x0110] = "Camera of a citizen"  # Model
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: lat, 3: "E", 4: lon})
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, exif=exif.tobytes())
    content_type = "image/jpeg" if fmt == "JPEG" else "image/png"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


@pytest.fixture(autouse=True)
def feedback_reference(db):
    services.load_feedback_reference(province_code="22")


@pytest.fixture
def ward_officer(make_staff):
    return make_staff(Role.SPECIALIST, HA_LONG_COMMITTEE)


@pytest.fixture
def ward_leader(make_staff):
    return make_staff(Role.LEADER, HA_LONG_COMMITTEE)


@pytest.fixture
def make_report(citizen):
    def make(*, reporter=citizen, category="chieu-sang", pin=PIN, ward=HA_LONG, **kwargs):
        lat, lon = pin if pin else (None, None)
        kwargs.setdefault("address", "Đường Bến Đoan")
        return services.submit_report(
            reporter=reporter,
            category_code=category,
            description=kwargs.pop("description", "Đèn đường không sáng ba hôm nay"),
            latitude=lat,
            longitude=lon,
            ward_code=ward,
            **kwargs,
        )

    return make


@pytest.fixture
def report(make_report):
    return make_report()
