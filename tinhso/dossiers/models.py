from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã nộp, chờ tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Chờ bổ sung")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ phê duyệt")
    APPROVED = "approved", _("Đã phê duyệt")
    RESULT_READY = "result_ready", _("Có kết quả")
    RETURNED = "returned", _("Đã trả kết quả")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    WITHDRAWN = "withdrawn", _("Đã rút")


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    DESK = "desk", _("Tại bộ phận một cửa")
    POST = "post", _("Bưu chính")


class Dossier(models.Model):
    """Hồ sơ thủ tục hành chính: what a citizen or business files, under one version
    of a procedure, from draft to result."""

    code = models.CharField(max_length=40, unique=True)
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="+"
    )
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion", on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dossiers"
    )
    # Snapshot of who filed, as it was then (for the slips and for tracking).
    applicant_name = models.CharField(max_length=200)
    applicant_identifier = models.CharField(max_length=14, blank=True)  # personal ID or tax code
    applicant_phone = models.CharField(max_length=15, blank=True)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="dossiers"
    )  # processes it
    desk = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="desk_dossiers"
    )  # receives and returns it (one-stop desk)
    unit = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, related_name="+"
    )  # where it was filed
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    data = models.JSONField(default=dict)
    fee_amount = models.PositiveBigIntegerField(default=0)  # VND owed
    fee_paid = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    expected_date = models.DateField(null=True, blank=True)  # told to the citizen at submission
    received_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)  # set when received
    version = models.PositiveIntegerField(default=1)  # bumped by every change
    # Back office (the one-stop "5 steps")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    step_index = models.SmallIntegerField(null=True, blank=True)  # in the procedure's steps
    step_due_date = models.DateField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)  # clock stopped (supplement)
    status_before_pause = models.CharField(max_length=20, blank=True)
    result_file = models.CharField(max_length=300, blank=True)
    result_number = models.CharField(max_length=40, blank=True)  # số văn bản
    result_issued_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["applicant", "-created_at"]),
            models.Index(fields=["agency", "status", "due_date"]),
            models.Index(fields=["desk", "status", "due_date"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["agency", "submitted_at"]),  # the index's counts per month
        ]

    def __str__(self) -> str:
        return self.code


class DossierDocument(models.Model):
    """A paper attached to a dossier (thành phần hồ sơ)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=60)
    file_path = models.CharField(max_length=300)  # relative to MEDIA_ROOT, random name
    display_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    replaced_at = models.DateTimeField(null=True, blank=True)  # kept for the edit history
    # Reused from the applicant's store: the verified original, not a new upload.
    stored_document = models.ForeignKey(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["uploaded_at"]
        indexes = [models.Index(fields=["dossier", "kind"])]

    def __str__(self) -> str:
        return f"{self.dossier.code}/{self.kind}"


class DossierEvent(models.Model):
    """One line of the dossier's timeline (what the citizen and officers see)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier.code} {self.action}"

    @property
    def action_label(self) -> str:
        from .workflow import ACTION_LABELS

        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def to_status_label(self) -> str:
        return str(Status(self.to_status).label) if self.to_status else ""


class DossierSequence(models.Model):
    """The last number used for an agency on a day (dossier codes)."""

    agency_code = models.CharField(max_length=40)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency_code", "day"], name="dossier_sequence_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.day} #{self.last}"


class DossierStep(models.Model):
    """One line of the control slip (Phiếu kiểm soát quá trình giải quyết hồ sơ, form
    06): a step of processing, who held it, its deadline, and when it was handed on.
    Lateness belongs to the step that caused it."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    code = models.CharField(max_length=60)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=20)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    due_date = models.DateField()
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=40, blank=True)  # the action that closed it
    paused_days = models.PositiveSmallIntegerField(default=0)  # working days the clock stood still

    class Meta:
        ordering = ["started_at", "pk"]
        indexes = [
            models.Index(fields=["dossier", "finished_at"]),
            models.Index(fields=["assignee", "finished_at", "due_date"]),
            # late steps on the dashboards: the open ones by deadline, the rest by end
            models.Index(
                fields=["due_date"],
                condition=models.Q(finished_at__isnull=True),
                name="dossierstep_open_due",
            ),
            models.Index(fields=["finished_at"], name="dossierstep_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier.code} {self.code}"

    def finished_on_time(self, today=None) -> bool | None:
        """True/False once finished; for an open step, whether it is still in time."""
        from django.utils import timezone

        if self.finished_at is not None:
            return timezone.localtime(self.finished_at).date() <= self.due_date
        return (today or timezone.localdate()) <= self.due_date


class SlipKind(models.TextChoices):
    RECEIPT = "receipt", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    SUPPLEMENT = "supplement", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    REFUSAL = "refusal", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    APOLOGY = "apology", _("Phiếu xin lỗi và hẹn lại ngày trả kết quả")


class Slip(models.Model):
    """A slip issued to the applicant (forms 01–04). Its content is kept as issued; the
    PDF is drawn from it on demand."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="slips")
    kind = models.CharField(max_length=20, choices=SlipKind.choices)
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict)  # reason, items, dates…

    class Meta:
        ordering = ["issued_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier.code} {self.kind}"


class DocumentRegister(models.Model):
    """Sổ đăng ký văn bản: the last number an agency gave a result in a year."""

    agency_code = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency_code", "year"], name="document_register_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.year} #{self.last}"
