from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.Model):
    """Lĩnh vực: hộ tịch, đường bộ, đất đai…"""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProcedureLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    WARD = "ward", _("Cấp xã")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")


class Procedure(models.Model):
    """Thủ tục hành chính. The columns are the current version, for search and lists;
    every version, with its form, papers and steps, is a ProcedureVersion."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=500)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="procedures")
    # The responsible agency; empty for ward-level procedures (the ward where filed).
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(max_length=10, choices=ProcedureLevel.choices)
    online_level = models.CharField(max_length=10, choices=OnlineLevel.choices)
    processing_days = models.PositiveSmallIntegerField()
    fee = models.PositiveBigIntegerField(default=0)  # VND
    fee_note = models.CharField(max_length=300, blank=True)  # public
    # Internal: the catalogue's note on its own data; never shown to citizens.
    data_note = models.CharField(max_length=300, blank=True)
    data_verified = models.BooleanField(default=True)
    result_type = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    search_text = models.TextField(blank=True)  # folded: code, name, sector, result
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["sector", "level", "online_level"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProcedureVersion(models.Model):
    """One immutable version of a procedure: what a dossier was filed under."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()  # the whole definition (see schema.ProcedureDefinition)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"
