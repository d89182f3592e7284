"""The population registry (cơ sở dữ liệu dân cư): one Person per citizen, built from
the source records agencies sent, each kept as it came."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.core.identity import mask_id


class DatePrecision(models.TextChoices):
    FULL = "full", _("Ngày, tháng, năm")
    MONTH = "month", _("Tháng và năm")
    YEAR = "year", _("Chỉ năm")


class SourcePriority(models.Model):
    """Which agency's word wins in the golden record (lower rank first); within one
    source the newest record wins. Data, editable in the admin."""

    source = models.CharField(max_length=40, unique=True)
    rank = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return f"{self.rank}. {self.label or self.source}"


class Household(models.Model):
    """Hộ gia đình: the people registered at one address."""

    code = models.CharField(max_length=40, unique=True)
    address = models.CharField(max_length=300, blank=True)
    ward = models.ForeignKey(
        "geo.AdministrativeUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return self.code


class Person(models.Model):
    """Công dân: the golden record of one person, drawn from their source records."""

    personal_id = models.CharField(_("số định danh"), max_length=12, blank=True, db_index=True)
    full_name = models.CharField(_("họ và tên"), max_length=150)
    name_folded = models.CharField(max_length=150, db_index=True)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    dob_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.FULL
    )
    sex = models.CharField(_("giới tính"), max_length=6, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    permanent_address = models.CharField(_("nơi thường trú"), max_length=300, blank=True)
    current_address = models.CharField(_("nơi ở hiện tại"), max_length=300, blank=True)
    ward = models.ForeignKey(
        "geo.AdministrativeUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    # The citizen's own account (accounts never imports population: the link lives here).
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="population_person",
    )
    # A person merged into another keeps its row and its history; unmerge revives it.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="absorbed"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("công dân")
        verbose_name_plural = _("công dân")
        indexes = [
            models.Index(fields=["name_folded", "date_of_birth"]),
            # the match service's blocking keys (a date with any name, a phone)
            models.Index(fields=["date_of_birth"], name="population_person_dob"),
            models.Index(fields=["phone"], name="population_person_phone"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def masked_personal_id(self) -> str:
        return mask_id(self.personal_id)

    @property
    def birth_display(self) -> str:
        d = self.date_of_birth
        if d is None:
            return ""
        if self.dob_precision == DatePrecision.YEAR:
            return f"{d.year}"
        if self.dob_precision == DatePrecision.MONTH:
            return f"{d.month:02d}/{d.year}"
        return d.strftime("%d/%m/%Y")


class ImportBatch(models.Model):
    """One CSV file being imported: where it stands, so a crash resumes there."""

    class State(models.TextChoices):
        RUNNING = "running", _("Đang nhập")
        DONE = "done", _("Đã nhập xong")
        FAILED = "failed", _("Không nhập được")

    file_path = models.CharField(max_length=500)
    file_name = models.CharField(max_length=200)
    file_size = models.PositiveBigIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    message = models.TextField(blank=True)  # why the whole file was refused
    # Checkpoint: bytes and lines of the file already committed.
    byte_offset = models.PositiveBigIntegerField(default=0)
    lines_done = models.PositiveIntegerField(default=0)
    rows_ok = models.PositiveIntegerField(default=0)
    rows_bad = models.PositiveIntegerField(default=0)
    error_report = models.CharField(max_length=500, blank=True)
    error_bytes = models.PositiveBigIntegerField(default=0)  # report length at the checkpoint
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"


class SourceRecord(models.Model):
    """A record as an agency sent it (`raw`, never changed), with what was read from it."""

    record_id = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=40, blank=True)
    batch = models.ForeignKey(ImportBatch, null=True, on_delete=models.PROTECT, related_name="+")
    line = models.PositiveIntegerField(default=0)
    raw = models.JSONField()
    full_name = models.CharField(max_length=150)
    name_folded = models.CharField(max_length=150)
    date_of_birth = models.DateField(null=True, blank=True)
    dob_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    sex = models.CharField(max_length=6, blank=True)
    personal_id = models.CharField(max_length=12, blank=True, db_index=True)
    phone = models.CharField(max_length=15, blank=True)
    address = models.CharField(max_length=300, blank=True)
    ward = models.ForeignKey(
        "geo.AdministrativeUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    # the optional columns (issue 19), as written
    birth_place = models.CharField(_("nơi đăng ký khai sinh"), max_length=150, blank=True)
    hometown = models.CharField(_("quê quán"), max_length=150, blank=True)
    father_name = models.CharField(_("họ tên cha"), max_length=150, blank=True)
    mother_name = models.CharField(_("họ tên mẹ"), max_length=150, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=60, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["phone"], name="population_record_phone")]

    def __str__(self) -> str:
        return f"{self.record_id} {self.full_name}"


class ReviewPair(models.Model):
    """Cặp cần rà soát: two records the model is unsure about, for an officer to decide."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ rà soát")
        MATCH = "match", _("Cùng một người")
        NON_MATCH = "non_match", _("Không phải một người")

    record_a = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="+")
    record_b = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="+")
    match_probability = models.FloatField()
    evidence = models.JSONField(default=list)  # [{"comparison", "level", "bayes_factor"}]
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-match_probability", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="review_pair_uniq")
        ]
        indexes = [models.Index(fields=["state", "-match_probability"])]

    def __str__(self) -> str:
        return f"{self.record_a_id}~{self.record_b_id} {self.match_probability:.2f}"


class Merge(models.Model):
    """Gộp: `absorbed` was folded into `survivor`; `records` lists the source records
    that moved, so an unmerge puts exactly those back."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_won")
    absorbed = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_lost")
    records = models.JSONField(default=list)
    pair = models.ForeignKey(ReviewPair, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.CharField(max_length=20)  # "review" or "auto"
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.absorbed_id} → {self.survivor_id}"
