"""Attacks on the pupil import with files built to break the reader."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.education.models import Pupil

pytestmark = pytest.mark.django_db


def test_a_csv_with_a_giant_cell_is_a_clear_400_not_a_server_error(
    second_factor_client, principal, school, school_class, year
):
    client = second_factor_client(principal)
    url = f"/giao-duc/truong/{school.pk}/nhap-hoc-sinh/"
    content = (
        'Mã định danh,Họ và tên,Ngày sinh,Lớp\n022212000111,"' + "a" * 200_000 + '",1/1/2012,7A\n'
    )
    page = client.post(
        url, {"year": year.pk, "file": SimpleUploadedFile("ds.csv", content.encode())}
    )
    assert page.status_code == 400
    assert "CSV" in page.content.decode()
    assert not Pupil.objects.filter(school=school).exists()
