"""Citizen feedback (phản ánh, kiến nghị): a report of a problem at a place, routed
to the agency responsible for the place and the subject, answered in public within a
deadline in working days (DOMAIN.md §12). The reporter is never shown in public."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResponsibleKind(models.TextChoices):
    WARD_COMMITTEE = "ward_committee", _("Ủy ban nhân dân phường, xã nơi xảy ra")
    DEPARTMENT = "department", _("Sở, ngành chuyên môn")
    UTILITY = "utility", _("Đơn vị cung cấp dịch vụ")


class Category(models.Model):
    """Lĩnh vực phản ánh: data (`feedback/data/categories.csv`); its code is the Open311
    `service_code`."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    deadline_days = models.PositiveSmallIntegerField()  # working days
    responsible_kind = models.CharField(max_length=20, choices=ResponsibleKind.choices)
    # For a department or a utility: which agency answers when no routing rule says.
    responsible_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("lĩnh vực phản ánh")
        verbose_name_plural = _("các lĩnh vực phản ánh")

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Category + ward → the agency responsible (data: `feedback/data/routing_<province>.csv`).
    An empty category or ward matches any; the most specific rule wins, then the
    category's default."""

    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    ward = models.ForeignKey(
        "geo.AdministrativeUnit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "ward"], name="feedback_route_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.category_id or '*'} · {self.ward_id or '*'} → {self.agency_id}"


class Status(models.TextChoices):
    OPEN = "open", _("Đã tiếp nhận")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    CLOSED = "closed", _("Đã trả lời")


class Channel(models.TextChoices):
    WEB = "web", _("Cổng thông tin")
    OPEN311 = "open311", _("Ứng dụng khác (Open311)")


class Report(models.Model):
    """Một phản ánh. `code` is what the citizen follows it by (and Open311's
    `service_request_id`)."""

    code = models.CharField(max_length=30, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    description = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    # Who reported: an account, or an anonymous phone confirmed by a code. Never public.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_phone = models.CharField(max_length=15, blank=True)
    # Where: a pin (WGS 84) and/or an address and ward.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    ward = models.ForeignKey(
        "geo.AdministrativeUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)
    due_date = models.DateField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The citizen's rating of the answer (1–5), and the one reopening allowed.
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.CharField(max_length=500, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    # Merged into another report of the same problem: closed with its answer.
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    # Shown on the public map and list once an officer published it (photos blurred).
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["agency", "status", "due_date"]),
            models.Index(fields=["category", "created_at"]),
            models.Index(
                fields=["latitude", "longitude"],
                condition=models.Q(published_at__isnull=False),
                name="feedback_public_place",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_public(self) -> bool:
        return self.published_at is not None

    @property
    def answered_on_time(self) -> bool | None:
        if self.answered_at is None:
            return None
        from django.utils import timezone

        return timezone.localdate(self.answered_at) <= self.due_date


class Follower(models.Model):
    """Who is told of the answer: the reporter, and the reporters of duplicates merged
    into this report (an account, or an anonymous phone)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    phone = models.CharField(max_length=15, blank=True)
    source = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(user__isnull=True, phone=""), name="follower_has_contact"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.user_id or 'phone'}"


class Photo(models.Model):
    """A photo of a report, stored without its EXIF; `public_path` is the copy with the
    officer's blurred boxes, the only one shown in public."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    file_path = models.CharField(max_length=300)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # The location the camera wrote (read before the EXIF was stripped).
    exif_latitude = models.FloatField(null=True, blank=True)
    exif_longitude = models.FloatField(null=True, blank=True)
    public_path = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["report", "order"]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.order + 1}"


EVENT_LABELS = {
    "submitted": _("Tiếp nhận"),
    "assigned": _("Giao xử lý"),
    "forwarded": _("Chuyển cơ quan khác"),
    "answered": _("Trả lời"),
    "rated": _("Người gửi đánh giá"),
    "reopened": _("Mở lại"),
    "merged": _("Gộp vào phản ánh trùng"),
    "published": _("Công khai"),
}


class Event(models.Model):
    """The report's timeline (received, assigned, forwarded with a reason, answered…)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.action}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


class Sequence(models.Model):
    """The last number used on a day (report codes, like dossier codes)."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day} #{self.last}"


class PhoneConfirmation(models.Model):
    """A code sent by SMS to confirm an anonymous reporter's phone; only its hash kept."""

    phone = models.CharField(max_length=15, db_index=True)
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-3:]}"
