from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
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


# Where a dossier stands: each set of states defined here once, used by the workflow's
# table, the queues, the reminders, the monitoring counts and the open data.
OPEN_STATES = frozenset(
    {
        Status.SUBMITTED,
        Status.RECEIVED,
        Status.IN_PROGRESS,
        Status.AWAITING_SUPPLEMENT,
        Status.AWAITING_APPROVAL,
        Status.APPROVED,
        Status.RESULT_READY,
    }
)  # filed and not finished: with the desk or the agency
CLOCK_RUNNING = OPEN_STATES - {Status.AWAITING_SUPPLEMENT}  # a stopped clock is never late
RECEIVED_STATES = (OPEN_STATES - {Status.SUBMITTED}) | {Status.RETURNED}  # taken in by an agency


RESOLVED_STATES = frozenset({Status.RESULT_READY, Status.RETURNED})  # a result is signed
AT_DESK = frozenset({Status.SUBMITTED, Status.AWAITING_SUPPLEMENT, Status.RESULT_READY})
AT_AGENCY = frozenset(
    {
        Status.RECEIVED,
        Status.IN_PROGRESS,
        Status.AWAITING_SUPPLEMENT,
        Status.AWAITING_APPROVAL,
        Status.APPROVED,
    }
)  # what waits at a one-stop desk, and what waits at the processing agency


def in_states(states, field: str = "status") -> Q:
    """`field` in `states`, as a condition (sorted: the same SQL every time)."""
    return Q(**{f"{field}__in": sorted(states)})


def open_q() -> Q:
    return in_states(OPEN_STATES)


def received_q() -> Q:
    return in_states(RECEIVED_STATES)


def resolved_q() -> Q:
    return in_states(RESOLVED_STATES)


def on_time_q() -> Q:
    """Resolved, the result signed by the due date (local time)."""
    return resolved_q() & Q(result_issued_at__date__lte=F("due_date"))


def past_due_q(at: datetime.date) -> Q:
    """The due date (or, before receipt, the expected one) is before `at`. Always the
    statutory date: an apology's new appointment (`appointment_date`) never moves it
    (Decree 118/2025/NĐ-CP, form 04)."""
    return Q(due_date__lt=at) | Q(due_date__isnull=True, expected_date__lt=at)


def late_q(at: datetime.date) -> Q:
    """Computed, never stored: the clock runs and the due date has passed."""
    return in_states(CLOCK_RUNNING) & past_due_q(at)


def needs_apology_q(horizon: datetime.date) -> Q:
    """Will be late by `horizon` (the next working day) and not apologised for yet: the
    clock runs, the statutory date is not after the horizon, no new appointment. The
    officer's queue flags these (dossiers/rules.py, `apology_horizon`)."""
    return (
        in_states(CLOCK_RUNNING)
        & (Q(due_date__lte=horizon) | Q(due_date__isnull=True, expected_date__lte=horizon))
        & Q(appointment_date__isnull=True)
    )


class DossierQuerySet(models.QuerySet):
    """The queries of `open_q` … `late_q`; `Dossier.is_*` say the same of one dossier
    (a test holds the two together)."""

    def open(self):
        return self.filter(open_q())

    def received(self):
        return self.filter(received_q())

    def resolved(self):
        return self.filter(resolved_q())

    def on_time(self):
        return self.filter(on_time_q())

    def late(self, *, at: datetime.date | None = None):
        return self.filter(late_q(at or timezone.localdate()))

    def needing_apology(self, *, horizon: datetime.date):
        return self.filter(needs_apology_q(horizon))


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    DESK = "desk", _("Tại bộ phận một cửa")
    POST = "post", _("Bưu chính")


class ResultDelivery(models.TextChoices):
    """How the citizen collects the result, chosen when filing (form 01 records it;
    Decree 118/2025/NĐ-CP: at the one-stop desk, by public postal service, or online)."""

    DESK = "desk", _("Nhận tại bộ phận một cửa")
    POST = "post", _("Nhận qua dịch vụ bưu chính công ích")
    ONLINE = "online", _("Nhận kết quả điện tử trực tuyến")


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
    result_delivery = models.CharField(
        max_length=10, choices=ResultDelivery.choices, default=ResultDelivery.ONLINE
    )
    data = models.JSONField(default=dict)
    fee_amount = models.PositiveBigIntegerField(default=0)  # VND owed
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    expected_date = models.DateField(null=True, blank=True)  # told to the citizen at submission
    received_at = models.DateTimeField(null=True, blank=True)
    # The statutory deadline, set when received; moved only by a stopped clock
    # (supplement), never by an apology. On time and late count against it.
    due_date = models.DateField(null=True, blank=True)
    # The new date an apology gave the citizen (form 04): shown to them, counts nothing.
    appointment_date = models.DateField(null=True, blank=True)
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
    # The specialist's draft of the result: the answers as they will be printed, edited
    # ({"values": {field: text}, "body": text}), or a PDF they attached instead.
    result_draft = models.JSONField(default=dict, blank=True)
    result_draft_file = models.CharField(max_length=300, blank=True)
    # The code of the result's entry in the register of issued papers
    # (documents.IssuedDocument, /van-ban/<code>/): what the QR on the paper opens.
    result_key = models.CharField(max_length=40, blank=True, db_index=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["applicant", "-created_at"]),
            models.Index(fields=["agency", "status", "due_date"]),
            models.Index(fields=["desk", "status", "due_date"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["agency", "submitted_at"]),  # the index's counts per month
            # The officers' queues at province scale: only what waits (a small part of a
            # million rows), in the queue's order (selectors.QUEUE_ORDER), so its first
            # page, its late ones and its counts read a short range of a small index.
            models.Index(
                fields=["desk", "due_date", "submitted_at", "id"],
                condition=in_states(AT_DESK),
                name="dossier_waiting_at_desk",
                include=["status", "expected_date"],  # counted by state and lateness alone
            ),
            models.Index(
                fields=["agency", "due_date", "submitted_at", "id"],
                condition=in_states(AT_AGENCY),
                name="dossier_waiting_at_agency",
                include=["status", "expected_date"],  # counted by state and lateness alone
            ),
        ]

    def __str__(self) -> str:
        return self.code

    # The same questions as `DossierQuerySet`, of this one dossier.
    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def is_received(self) -> bool:
        return self.status in RECEIVED_STATES

    @property
    def is_resolved(self) -> bool:
        return self.status in RESOLVED_STATES

    @property
    def is_on_time(self) -> bool:
        return (
            self.is_resolved
            and self.result_issued_at is not None
            and self.due_date is not None
            and timezone.localtime(self.result_issued_at).date() <= self.due_date
        )

    def is_late(self, *, at: datetime.date | None = None) -> bool:
        due = self.statutory_date
        return (
            self.status in CLOCK_RUNNING and due is not None and due < (at or timezone.localdate())
        )

    def needs_apology(self, *, horizon: datetime.date) -> bool:
        due = self.statutory_date
        return (
            self.status in CLOCK_RUNNING
            and due is not None
            and due <= horizon
            and self.appointment_date is None
        )

    @property
    def statutory_date(self) -> datetime.date | None:
        """The deadline the law counts (before receipt, the one told at submission)."""
        return self.due_date or self.expected_date

    @property
    def promised_date(self) -> datetime.date | None:
        """The date the citizen expects the result: the apology's, else the statutory."""
        return self.appointment_date or self.statutory_date


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
    # A declaration we made from the answers: their fingerprint (set by
    # services.declaration only, never from a request; empty for a paper someone sent).
    made_from = models.CharField(max_length=16, blank=True, default="")
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


def step_late_q(at: datetime.date) -> Q:
    """A step still open past its deadline."""
    return Q(finished_at__isnull=True, due_date__lt=at)


def step_finished_late_q() -> Q:
    """A step handed on after its deadline (local date; an open step has no end)."""
    return Q(finished_at__date__gt=F("due_date"))


class DossierStepQuerySet(models.QuerySet):
    def open(self):
        return self.filter(finished_at__isnull=True)


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

    objects = DossierStepQuerySet.as_manager()

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
        if self.finished_at is not None:
            return timezone.localtime(self.finished_at).date() <= self.due_date
        return (today or timezone.localdate()) <= self.due_date

    def is_late(self, *, at: datetime.date | None = None) -> bool:
        """Open past its deadline, or finished after it (`step_late_q`,
        `step_finished_late_q`)."""
        return not self.finished_on_time(at)


class SlipKind(models.TextChoices):
    RECEIPT = "receipt", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    SUPPLEMENT = "supplement", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    REFUSAL = "refusal", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    APOLOGY = "apology", _("Phiếu xin lỗi và hẹn lại ngày trả kết quả")
    DECLINE = "decline", _("Thông báo từ chối giải quyết hồ sơ")
    STOP = "stop", _("Thông báo dừng giải quyết hồ sơ")


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
    # The slip's number in the issuing agency's register of this kind for the year
    # ("Số: 15/TN-TTPVHCC"); empty on slips issued before numbering.
    number = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["issued_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier.code} {self.kind}"


class QueueCount(models.Model):
    """How many dossiers wait at an agency in one state, as their one-stop desk
    (`side` "desk", the states of AT_DESK) or as their processing agency ("agency",
    AT_AGENCY): the queues' counts without a scan (queue_counts.py keeps them in each
    step's transaction; `reconcile_queue_counts` recomputes them). Spread over a few
    `slot`s (the dossier's id modulo SLOTS) so that two steps at once rarely wait for
    the same row; a count is the sum of its slots."""

    SLOTS = 8

    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=6)  # "desk" | "agency"
    status = models.CharField(max_length=20, choices=Status.choices)
    slot = models.SmallIntegerField(default=0)
    n = models.IntegerField(default=0)
    # How many steps touched this row (moved its count or not): only grows, so the
    # rows of a queue say whether anything in it changed (queue_counts.stamp).
    changes = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "side", "status", "slot"], name="one_queue_count_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.side} {self.status}: {self.n}"
