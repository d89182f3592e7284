"""Attacks on publishing with blur: boxes that are no place on the photo."""

from __future__ import annotations

import pytest

from tinhso.core.errors import ValidationFailed

from .conftest import photo_with_gps


@pytest.mark.parametrize("box", [("inf", 0, 1, 1), (0, 0, "nan", 1), (0, "-inf", 1, 1)])
def test_a_box_beyond_any_number_is_refused_and_nothing_is_published(
    make_report, ward_officer, box, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    report = make_report(photos=[photo_with_gps()])
    photo = report.photos.get()
    with pytest.raises(ValidationFailed):
        services_publish(ward_officer, report, {photo.pk: [tuple(float(v) for v in box)]})
    report.refresh_from_db()
    assert not report.is_public


def test_the_office_page_answers_such_a_box_with_a_message_not_a_500(
    make_report, ward_officer, second_factor_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    report = make_report(photos=[photo_with_gps()])
    photo = report.photos.get()
    client = second_factor_client(ward_officer)
    response = client.post(
        f"/phan-anh/can-bo/{report.code}/cong-khai/",
        {"boxes": f'{{"{photo.pk}": [[1e999, 0, 1, 1]]}}'},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert not report.is_public


def services_publish(actor, report, boxes):
    from tinhso.feedback import services

    return services.publish_report(actor=actor, report=report, boxes=boxes)
