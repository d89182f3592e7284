"""A citizen reports a problem: signed in, or anonymous with a phone confirmed by a
code; a category, a description, up to five photos and a place (a pin, or an address
and a ward). The report is routed, given a deadline in working days and a code."""

from __future__ import annotations

import datetime
from collections.abc import Sequence as Seq

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.audit.services import record_event
from tinhso.core.errors import Conflict, ValidationFailed
from tinhso.core.uploads import remove_stored
from tinhso.core.workdays import calendar
from tinhso.geo.models import AdministrativeUnit, UnitLevel
from tinhso.notifications.services import notify

from ..error_codes import FeedbackErrorCode
from ..models import Category, Channel, Event, Follower, Photo, Report, Sequence
from .phones import clean_phone, phone_is_confirmed
from .photos import store_photo
from .reference import route

MAX_PHOTOS = 5
MAX_DESCRIPTION = 4000
CODE_FORMAT = "PA-{date:%y%m%d}-{seq:04d}"


def _invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed(message, code=FeedbackErrorCode.INVALID, fields={field: message})


def _next_code(day: datetime.date) -> str:
    for _attempt in range(3):
        seq = Sequence.objects.select_for_update().filter(day=day).first()
        if seq is None:
            try:
                with transaction.atomic():
                    seq = Sequence.objects.create(day=day, last=0)
            except IntegrityError:
                continue  # made meanwhile by another request: lock it and go on
        seq.last += 1
        seq.save(update_fields=["last"])
        return CODE_FORMAT.format(date=day, seq=seq.last)
    raise Conflict(_("Hệ thống đang bận, vui lòng thử lại."))


def _place(latitude, longitude, address: str, ward_code: str):
    """(lat, lon, ward) checked: a pin, or an address with a ward of the province."""
    from django.conf import settings

    if (latitude is None) != (longitude is None):
        raise _invalid("latitude", _("Cần cả vĩ độ và kinh độ của vị trí."))
    if latitude is not None:
        try:
            latitude, longitude = float(latitude), float(longitude)
        except (TypeError, ValueError):
            raise _invalid("latitude", _("Vĩ độ, kinh độ phải là số.")) from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise _invalid("latitude", _("Vị trí không hợp lệ."))
    ward = None
    if ward_code:
        ward = AdministrativeUnit.objects.filter(
            code=ward_code,
            level=UnitLevel.WARD,
            parent_id=settings.TINHSO_PROVINCE,
            valid_to__isnull=True,
        ).first()
        if ward is None:
            raise _invalid("ward", _("Phường, xã không thuộc tỉnh."))
    if latitude is None and not (address.strip() and ward is not None):
        message = _("Chọn vị trí trên bản đồ, hoặc ghi địa chỉ và chọn phường, xã.")
        raise ValidationFailed(
            message, code=FeedbackErrorCode.NO_PLACE, fields={"latitude": message}
        )
    return latitude, longitude, ward


def submit_report(
    *,
    reporter=None,
    phone: str = "",
    category_code: str,
    description: str,
    latitude: float | None = None,
    longitude: float | None = None,
    address: str = "",
    ward_code: str = "",
    photos: Seq = (),
    channel: str = Channel.WEB,
    now: datetime.datetime | None = None,
) -> Report:
    """Receive a report. `reporter` is the signed-in account; without one, `phone`
    must have been confirmed by a code (`phones.confirm_phone`)."""
    signed_in = reporter is not None and getattr(reporter, "is_authenticated", False)
    if not signed_in:
        reporter = None
        phone = clean_phone(phone)
        if not phone_is_confirmed(phone):
            message = _("Số điện thoại chưa được xác nhận bằng mã gửi qua tin nhắn.")
            raise ValidationFailed(
                message, code=FeedbackErrorCode.PHONE_NOT_CONFIRMED, fields={"phone": message}
            )
    else:
        phone = ""
    category = Category.objects.filter(code=category_code, is_active=True).first()
    if category is None:
        message = _("Chọn một lĩnh vực phản ánh.")
        raise ValidationFailed(
            message, code=FeedbackErrorCode.UNKNOWN_CATEGORY, fields={"category": message}
        )
    description = (description or "").strip()
    if not description:
        raise _invalid("description", _("Mô tả vấn đề cần phản ánh."))
    if len(description) > MAX_DESCRIPTION:
        raise _invalid("description", _("Mô tả quá dài (tối đa 4000 ký tự)."))
    photos = [p for p in photos if p]
    if len(photos) > MAX_PHOTOS:
        message = _("Tối đa %(n)s ảnh.") % {"n": MAX_PHOTOS}
        raise ValidationFailed(
            message, code=FeedbackErrorCode.TOO_MANY_PHOTOS, fields={"photos": message}
        )
    address = (address or "").strip()[:300]
    stored = []
    try:
        for upload in photos:
            stored.append(store_photo(upload))
        # A pin from the first photo that carries one, when the reporter gave none.
        if latitude is None and longitude is None:
            located = next((p for p in stored if p.latitude is not None), None)
            if located is not None:
                latitude, longitude = located.latitude, located.longitude
        latitude, longitude, ward = _place(latitude, longitude, address, ward_code)
        report = _create(
            reporter=reporter,
            phone=phone,
            category=category,
            description=description,
            place=(latitude, longitude, address, ward),
            stored=stored,
            channel=channel,
            now=now or timezone.now(),
        )
    except BaseException:
        for photo in stored:
            remove_stored(photo.stored.relative_path)
        raise
    return report


@transaction.atomic
def _create(*, reporter, phone, category, description, place, stored, channel, now) -> Report:
    latitude, longitude, address, ward = place
    agency = route(category=category, ward_code=ward.code if ward else None)
    due = calendar().due_date(now, category.deadline_days, agency.cut_off_time)
    report = Report.objects.create(
        code=_next_code(timezone.localdate(now)),
        category=category,
        description=description,
        channel=channel,
        reporter=reporter,
        reporter_phone=phone,
        latitude=latitude,
        longitude=longitude,
        address=address,
        ward=ward,
        agency=agency,
        created_at=now,
        due_date=due,
    )
    Photo.objects.bulk_create(
        Photo(
            report=report,
            file_path=p.stored.relative_path,
            content_type=p.stored.content_type,
            size=p.stored.size,
            sha256=p.stored.sha256,
            exif_latitude=p.latitude,
            exif_longitude=p.longitude,
            order=i,
        )
        for i, p in enumerate(stored)
    )
    Follower.objects.create(report=report, user=reporter, phone=phone)
    Event.objects.create(report=report, at=now, action="submitted", agency=agency)
    record_event(
        actor=reporter,
        action="feedback.submitted",
        object_type="feedback.Report",
        object_id=report.code,
        after={
            "category": category.code,
            "agency": agency.code,
            "due_date": due.isoformat(),
            "photos": len(stored),
            "channel": channel,
        },
        agency_code=agency.code,
    )
    if reporter is not None:
        notify(
            user=reporter,
            subject=_("Đã tiếp nhận phản ánh %(code)s") % {"code": report.code},
            body=_("%(agency)s sẽ trả lời trước ngày %(due)s.")
            % {"agency": agency.name, "due": due.strftime("%d/%m/%Y")},
            link=f"/phan-anh/{report.code}/",
        )
    return report
