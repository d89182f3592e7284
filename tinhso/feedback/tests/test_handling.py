from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from tinhso.accounts.models import Agency, Role
from tinhso.audit.models import AuditEvent
from tinhso.core.errors import Conflict, PermissionDenied, ValidationFailed
from tinhso.feedback import selectors, services
from tinhso.feedback.models import Status
from tinhso.notifications.models import Notification

from .conftest import PIN, photo_with_gps


def test_an_officer_of_another_agency_may_not_answer(report, make_staff):
    stranger = make_staff(Role.SPECIALIST, "STP")
    with pytest.raises(PermissionDenied):
        services.answer_report(actor=stranger, report=report, answer="Đã sửa")


def test_the_answer_closes_the_report_is_audited_and_tells_the_reporter(
    report, ward_officer, citizen
):
    services.answer_report(actor=ward_officer, report=report, answer="Đã thay bóng đèn")
    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.answer == "Đã thay bóng đèn"
    assert report.answered_on_time
    assert AuditEvent.objects.filter(action="feedback.answered", object_id=report.code).exists()
    assert Notification.objects.filter(user=citizen, body="Đã thay bóng đèn").exists()
    with pytest.raises(Conflict):
        services.answer_report(actor=ward_officer, report=report, answer="Lần nữa")


def test_assignment_stays_inside_the_agency(report, ward_leader, ward_officer, make_staff):
    services.assign_report(actor=ward_leader, report=report, assignee=ward_officer)
    report.refresh_from_db()
    assert report.assignee == ward_officer and report.status == Status.IN_PROGRESS
    outsider = make_staff(Role.SPECIALIST, "SXD")
    with pytest.raises(ValidationFailed):
        services.assign_report(actor=ward_leader, report=report, assignee=outsider)


def test_forwarding_needs_a_reason_and_moves_the_report(report, ward_officer, make_staff):
    sxd = Agency.objects.get(code="SXD")
    with pytest.raises(ValidationFailed):
        services.forward_report(actor=ward_officer, report=report, to_agency=sxd, reason=" ")
    services.forward_report(
        actor=ward_officer, report=report, to_agency=sxd, reason="Đèn thuộc tuyến quốc lộ"
    )
    report.refresh_from_db()
    assert report.agency == sxd
    assert report.events.filter(action="forwarded", note="Đèn thuộc tuyến quốc lộ").exists()
    with pytest.raises(PermissionDenied):  # no longer the ward's to answer
        services.answer_report(actor=ward_officer, report=report, answer="x")
    services.answer_report(actor=make_staff(Role.SPECIALIST, "SXD"), report=report, answer="Đã sửa")


def test_the_reporter_rates_and_may_reopen_once(report, ward_officer, citizen, make_citizen):
    services.answer_report(actor=ward_officer, report=report, answer="Đã sửa")
    with pytest.raises(PermissionDenied):
        services.rate_answer(actor=make_citizen(), report=report, rating=5)
    services.rate_answer(actor=citizen, report=report, rating=2, comment="Vẫn tối")
    report.refresh_from_db()
    assert report.rating == 2
    services.reopen_report(actor=citizen, report=report, reason="Đèn lại tắt")
    report.refresh_from_db()
    assert report.status == Status.OPEN and report.rating is None or report.rating == 2
    services.answer_report(actor=ward_officer, report=report, answer="Đã thay cả cột")
    with pytest.raises(Conflict):
        services.reopen_report(actor=citizen, report=report, reason="Lần nữa")


def test_duplicates_nearby_are_offered_and_merged_followers_are_told(
    make_report, ward_officer, make_citizen
):
    first_person, second_person = make_citizen(), make_citizen()
    master = make_report(reporter=first_person)
    near = make_report(reporter=second_person, pin=(PIN[0] + 0.0003, PIN[1]))  # ~33 m
    far = make_report(pin=(PIN[0] + 0.01, PIN[1]))  # ~1.1 km
    other_kind = make_report(category="rac-thai")
    offered = [r for r, _metres in selectors.duplicate_candidates(master)]
    assert near in offered and far not in offered and other_kind not in offered
    services.merge_duplicate(actor=ward_officer, report=near, into=master)
    services.answer_report(actor=ward_officer, report=master, answer="Đã thay bóng đèn")
    near.refresh_from_db()
    assert near.status == Status.CLOSED and near.answer == "Đã thay bóng đèn"
    for person in (first_person, second_person):
        assert Notification.objects.filter(user=person, body="Đã thay bóng đèn").exists()
    assert near not in [r for r, _m in selectors.duplicate_candidates(master)]


def test_publishing_blurs_the_boxes_in_the_public_copy_only(make_report, ward_officer):
    report = make_report(photos=[photo_with_gps()])
    photo = report.photos.get()
    original = Path(settings.MEDIA_ROOT) / photo.file_path
    with Image.open(original) as im:  # a sharp pattern to blur
        im = im.copy()
    for x in range(0, 64, 2):
        for y in range(48):
            im.putpixel((x, y), (255, 255, 255))
            im.putpixel((x + 1, y), (0, 0, 0))
    im.save(original, format="JPEG", quality=95)
    services.publish_report(actor=ward_officer, report=report, boxes={photo.pk: [(0, 0, 0.5, 1)]})
    photo.refresh_from_db()
    report.refresh_from_db()
    assert report.is_public
    with Image.open(Path(settings.MEDIA_ROOT) / photo.public_path) as public:
        left = [public.getpixel((x, 20))[0] for x in range(4, 28)]
        right = [public.getpixel((x, 20))[0] for x in range(36, 60)]
    assert max(left) - min(left) < 60  # blurred: the stripes are gone
    assert max(right) - min(right) > 150  # untouched


def test_lateness_is_counted_per_agency(make_report, ward_officer):
    import datetime

    from django.utils import timezone

    late = make_report()
    late.due_date = timezone.localdate() - datetime.timedelta(days=2)
    late.save(update_fields=["due_date"])
    make_report()
    today = timezone.localdate()
    rows = {r.agency: r for r in selectors.lateness_by_agency(first=today, last=today)}
    assert rows["UBND06688"].open_late == 1 and rows["UBND06688"].received == 2


def test_the_map_clusters_in_sql_per_zoom(make_report, ward_officer):
    for i in range(6):
        r = make_report(pin=(PIN[0] + i * 0.0001, PIN[1]))
        services.publish_report(actor=ward_officer, report=r, boxes={})
    far = make_report(pin=(21.2, 107.5))
    services.publish_report(actor=ward_officer, report=far, boxes={})
    bbox = (20.0, 106.0, 22.0, 108.5)
    coarse = selectors.clustered_map(zoom=8, bbox=bbox)
    assert sorted(c.count for c in coarse) == [1, 6]
    assert next(c for c in coarse if c.count == 1).code == far.code
    fine = selectors.clustered_map(zoom=20, bbox=(20.951, 107.080, 20.953, 107.082))
    assert len(fine) > 1
    assert selectors.cell_size(18, (-90, -180, 90, 180)) > 1  # a world box stays coarse
