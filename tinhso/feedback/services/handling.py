"""What the agency responsible does with a report, and what the citizen does with the
answer. Permissions are checked here (an officer of the report's agency); each write
records an audit event and a timeline entry, and tells the followers after commit."""

from __future__ import annotations

import datetime
import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.accounts.models import Agency, Role
from tinhso.audit.services import record_event
from tinhso.core.errors import Conflict, PermissionDenied, ValidationFailed
from tinhso.core.workdays import calendar
from tinhso.notifications.channels import sms_sender
from tinhso.notifications.services import notify

from ..error_codes import FeedbackErrorCode
from ..models import Event, Follower, Photo, Report, Status
from .photos import blurred_copy

# Who works on feedback inside an agency (the ward committee's officers, a
# department's specialists and leaders, the one-stop desk).
FEEDBACK_ROLES = (Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER)
REOPEN_DAYS = 30  # calendar days after the answer in which a citizen may reopen


def _require_officer(actor, agency: Agency) -> None:
    authz.require_role(actor, FEEDBACK_ROLES, agency=agency)


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("agency", "category").get(pk=report.pk)


def _wrong_state(report: Report) -> Conflict:
    return Conflict(
        _("Phản ánh đang ở trạng thái “%(status)s”, không thực hiện được thao tác này.")
        % {"status": report.get_status_display()},
        code=FeedbackErrorCode.WRONG_STATE,
    )


def _log(report, *, actor, action: str, note: str = "", before=None, after=None) -> None:
    Event.objects.create(
        report=report, at=timezone.now(), actor=actor, action=action, note=note,
        agency=report.agency,
    )  # fmt: skip
    record_event(
        actor=actor,
        action=f"feedback.{action}",
        object_type="feedback.Report",
        object_id=report.code,
        before=before,
        after=after,
        agency_code=report.agency.code,
    )


def _tell_followers(report: Report, *, subject: str, body: str) -> None:
    """Each follower once: an in-app notification for an account, an SMS (after
    commit) for an anonymous phone."""
    link = f"/phan-anh/{report.code}/"
    seen_users, phones = set(), set()
    for follower in Follower.objects.filter(report=report).select_related("user"):
        if follower.user_id and follower.user_id not in seen_users:
            seen_users.add(follower.user_id)
            notify(user=follower.user, subject=subject, body=body, link=link)
        elif not follower.user_id and follower.phone:
            phones.add(follower.phone)
    for phone in sorted(phones):
        transaction.on_commit(_sms(phone, f"{subject}. {link}"))


def _sms(phone: str, text: str):
    def send() -> None:
        sms_sender().send(phone=phone, text=text)

    return send


@transaction.atomic
def assign_report(*, actor, report: Report, assignee) -> Report:
    """Phân công: an officer of the agency hands the report to an officer of it."""
    report = _locked(report)
    _require_officer(actor, report.agency)
    if report.status == Status.CLOSED:
        raise _wrong_state(report)
    if not authz.has_role(assignee, FEEDBACK_ROLES, agency=report.agency):
        message = _("Người được giao không thuộc cơ quan xử lý phản ánh.")
        raise ValidationFailed(
            message, code=FeedbackErrorCode.INVALID, fields={"assignee": message}
        )
    before = {"assignee": report.assignee.username if report.assignee else None}
    report.assignee, report.status = assignee, Status.IN_PROGRESS
    report.save(update_fields=["assignee", "status"])
    _log(
        report, actor=actor, action="assigned", note=assignee.get_full_name(),
        before=before, after={"assignee": assignee.username},
    )  # fmt: skip
    if assignee.pk != actor.pk:
        notify(
            user=assignee,
            subject=_("Phản ánh %(code)s được giao cho bạn") % {"code": report.code},
            body=_("Hạn trả lời: %(due)s.") % {"due": report.due_date.strftime("%d/%m/%Y")},
            link=f"/phan-anh/can-bo/{report.code}/",
        )
    return report


@transaction.atomic
def forward_report(*, actor, report: Report, to_agency: Agency, reason: str) -> Report:
    """Chuyển: the report is not this agency's; it goes to another with a reason. The
    deadline stays the citizen's: the agency holding it when it passes is late."""
    report = _locked(report)
    _require_officer(actor, report.agency)
    if report.status == Status.CLOSED:
        raise _wrong_state(report)
    reason = (reason or "").strip()
    if not reason:
        message = _("Ghi lý do chuyển phản ánh.")
        raise ValidationFailed(message, code=FeedbackErrorCode.INVALID, fields={"reason": message})
    if to_agency.pk == report.agency_id or not to_agency.is_active:
        message = _("Chọn một cơ quan khác để chuyển.")
        raise ValidationFailed(message, code=FeedbackErrorCode.INVALID, fields={"agency": message})
    before = {"agency": report.agency.code}
    report.agency, report.assignee, report.status = to_agency, None, Status.OPEN
    report.save(update_fields=["agency", "assignee", "status"])
    _log(
        report, actor=actor, action="forwarded", note=reason,
        before=before, after={"agency": to_agency.code, "reason": reason},
    )  # fmt: skip
    return report


@transaction.atomic
def answer_report(*, actor, report: Report, answer: str) -> Report:
    """Trả lời: the public answer; the report is closed, and so are the duplicates
    merged into it; every follower is told."""
    report = _locked(report)
    _require_officer(actor, report.agency)
    if report.status == Status.CLOSED or report.duplicate_of_id:
        raise _wrong_state(report)
    answer = (answer or "").strip()
    if not answer:
        message = _("Nhập nội dung trả lời.")
        raise ValidationFailed(message, code=FeedbackErrorCode.INVALID, fields={"answer": message})
    now = timezone.now()
    _close(report, answer=answer, now=now, agency=report.agency)
    _log(
        report, actor=actor, action="answered", note=answer,
        after={"status": Status.CLOSED, "on_time": report.answered_on_time},
    )  # fmt: skip
    for duplicate in report.duplicates.select_for_update().exclude(status=Status.CLOSED):
        _close(duplicate, answer=answer, now=now, agency=report.agency)
        Event.objects.create(
            report=duplicate, at=now, actor=actor, action="answered", note=answer,
            agency=report.agency,
        )  # fmt: skip
    _tell_followers(
        report,
        subject=_("Phản ánh %(code)s đã được trả lời") % {"code": report.code},
        body=answer,
    )
    return report


def _close(report: Report, *, answer: str, now: datetime.datetime, agency: Agency) -> None:
    report.answer, report.answered_at, report.status = answer, now, Status.CLOSED
    report.answered_by_agency = agency
    report.rating, report.rating_comment = None, ""
    report.save(
        update_fields=[
            "answer", "answered_at", "status", "answered_by_agency", "rating", "rating_comment"
        ]
    )  # fmt: skip


def _require_reporter(actor, report: Report, phone: str = "") -> None:
    is_reporter = (
        report.reporter_id is not None
        and actor is not None
        and getattr(actor, "is_authenticated", False)
        and actor.pk == report.reporter_id
    ) or (report.reporter_id is None and phone and phone == report.reporter_phone)
    if not is_reporter:
        raise PermissionDenied(
            _("Chỉ người gửi phản ánh mới đánh giá hoặc mở lại được."),
            code=FeedbackErrorCode.NOT_REPORTER,
        )


@transaction.atomic
def rate_answer(
    *, actor, report: Report, rating: int, comment: str = "", phone: str = ""
) -> Report:
    """Đánh giá: the reporter rates the answer, 1 (not solved) to 5."""
    report = _locked(report)
    _require_reporter(actor, report, phone)
    if report.status != Status.CLOSED:
        raise _wrong_state(report)
    if rating not in range(1, 6):
        message = _("Chọn mức đánh giá từ 1 đến 5.")
        raise ValidationFailed(message, code=FeedbackErrorCode.INVALID, fields={"rating": message})
    report.rating, report.rating_comment = rating, (comment or "").strip()[:500]
    report.save(update_fields=["rating", "rating_comment"])
    _log(report, actor=actor, action="rated", note=str(rating), after={"rating": rating})
    return report


@transaction.atomic
def reopen_report(*, actor, report: Report, reason: str, phone: str = "") -> Report:
    """Mở lại: once, when the answer did not solve the problem; a new deadline."""
    report = _locked(report)
    _require_reporter(actor, report, phone)
    if report.status != Status.CLOSED or report.duplicate_of_id:
        raise _wrong_state(report)
    if report.reopened_at is not None:
        raise Conflict(
            _("Phản ánh này đã được mở lại một lần."), code=FeedbackErrorCode.REOPENED_ALREADY
        )
    assert report.answered_at is not None  # closed reports were answered
    if timezone.now() - report.answered_at > datetime.timedelta(days=REOPEN_DAYS):
        raise Conflict(
            _("Đã quá %(days)s ngày kể từ khi trả lời.") % {"days": REOPEN_DAYS},
            code=FeedbackErrorCode.WRONG_STATE,
        )
    reason = (reason or "").strip()
    if not reason:
        message = _("Cho biết vì sao vấn đề chưa được giải quyết.")
        raise ValidationFailed(message, code=FeedbackErrorCode.INVALID, fields={"reason": message})
    now = timezone.now()
    report.reopened_at, report.status = (
        now,
        Status.OPEN if report.assignee_id is None else (Status.IN_PROGRESS),
    )
    report.due_date = calendar().due_date(now, report.category.deadline_days)
    report.answered_at = None
    report.save(update_fields=["reopened_at", "status", "due_date", "answered_at"])
    _log(report, actor=actor, action="reopened", note=reason, after={"due": report.due_date})
    return report


@transaction.atomic
def merge_duplicate(*, actor, report: Report, into: Report) -> Report:
    """Gộp: `report` is the same problem as `into`; it is closed with its answer and
    its followers follow `into` (told of the answer)."""
    report, into = _locked(report), _locked(into)
    _require_officer(actor, into.agency)
    _require_officer(actor, report.agency)
    if report.pk == into.pk or into.duplicate_of_id or report.category_id != into.category_id:
        raise ValidationFailed(
            _("Hai phản ánh không cùng lĩnh vực, hoặc không gộp được."),
            code=FeedbackErrorCode.NOT_DUPLICATE,
        )
    if report.status == Status.CLOSED or report.duplicate_of_id:
        raise _wrong_state(report)
    report.duplicate_of = into
    report.save(update_fields=["duplicate_of"])
    Follower.objects.bulk_create(
        Follower(report=into, user_id=f.user_id, phone=f.phone, source=report)
        for f in Follower.objects.filter(report=report)
    )
    report.duplicates.update(duplicate_of=into)  # what was merged into it follows too
    _log(report, actor=actor, action="merged", note=into.code, after={"into": into.code})
    if into.status == Status.CLOSED:
        _close(report, answer=into.answer, now=timezone.now(), agency=into.agency)
        _tell_followers(
            report,
            subject=_("Phản ánh %(code)s đã được trả lời") % {"code": report.code},
            body=into.answer,
        )
    return report


@transaction.atomic
def publish_report(*, actor, report: Report, boxes: dict[int, list[tuple[float, ...]]]) -> Report:
    """Công khai: each photo gets a public copy with the officer's boxes blurred
    (faces, number plates); the report then shows on the public map and list."""
    report = _locked(report)
    _require_officer(actor, report.agency)
    photos = list(Photo.objects.filter(report=report))
    if set(boxes) - {p.pk for p in photos}:
        raise ValidationFailed(_("Ảnh không thuộc phản ánh này."), code=FeedbackErrorCode.INVALID)
    if not all(
        math.isfinite(v) for photo_boxes in boxes.values() for box in photo_boxes for v in box
    ):
        raise ValidationFailed(_("Vùng làm mờ không hợp lệ."), code=FeedbackErrorCode.INVALID)
    for photo in photos:
        photo.public_path = blurred_copy(
            photo.file_path, photo.content_type, boxes.get(photo.pk, [])
        )
        photo.save(update_fields=["public_path"])
    report.published_at = timezone.now()
    report.save(update_fields=["published_at"])
    _log(
        report, actor=actor, action="published",
        after={"blurred": {str(k): len(v) for k, v in boxes.items()}},
    )  # fmt: skip
    return report
