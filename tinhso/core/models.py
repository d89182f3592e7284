from django.db import models


class IdempotencyRecord(models.Model):
    """The stored answer to a POST sent with an `Idempotency-Key` header.

    The row is written in the same transaction as the request's own writes, so a
    request either happened and has its answer stored, or did not happen at all.
    """

    scope = models.CharField(max_length=80)  # who asked: token, user or address
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # method, path and body
    status_code = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=120, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key_uniq")
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class CalendarOverride(models.Model):
    """A decreed change to the working calendar beyond `holidays.Vietnam()`: a
    Saturday worked to make up for a bridge day, or an extra day off."""

    class Kind(models.TextChoices):
        WORKDAY = "workday", "Ngày làm việc (làm bù)"
        HOLIDAY = "holiday", "Ngày nghỉ"

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=200)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class Job(models.Model):
    """Long work run in the background (bulk signing, imports, recomputations), with
    its progress for the person who started it."""

    class State(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang chạy"
        DONE = "done", "Xong"
        FAILED = "failed", "Lỗi"

    kind = models.CharField(max_length=60)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.PROTECT, related_name="jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    params = models.JSONField(default=dict)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    log = models.JSONField(default=list)  # one line per item that failed, with the reason

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.state}"

    @property
    def percent(self) -> int:
        return int(100 * (self.done + self.failed) / self.total) if self.total else 100


class ThrottleCount(models.Model):
    """One rate limit's count of attempts in its window (core/throttle.py): a table of
    the database, so every server process counts in the same place whatever the cache
    is, a count is never culled to make room, and an attempt is counted in one atomic
    statement."""

    key = models.CharField(max_length=48, primary_key=True)  # a digest of what is counted
    attempts = models.PositiveIntegerField()
    ends_at = models.BigIntegerField(db_index=True)  # the window's end, in Unix seconds

    def __str__(self) -> str:
        return f"{self.key}: {self.attempts}"
