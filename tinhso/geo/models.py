from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The two-level structure took effect on 1 July 2025 (Resolution 202/2025/QH15).
REFORM_DATE = datetime.date(2025, 7, 1)


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/thành phố")
    DISTRICT = "district", _("Huyện/thị xã/thành phố thuộc tỉnh (trước 01/7/2025)")
    WARD = "ward", _("Phường/xã/đặc khu")


class AdministrativeUnit(models.Model):
    """Đơn vị hành chính: a province, or a ward/commune/special zone.

    Units are never deleted: a unit that ceased to exist keeps its row with
    `valid_to` set and links to its successors, so an old record still shows
    where it was filed.
    """

    code = models.CharField(max_length=10, primary_key=True)
    name = models.CharField(max_length=120)
    codename = models.SlugField(max_length=120, blank=True)
    level = models.CharField(max_length=10, choices=UnitLevel.choices)
    division_type = models.CharField(max_length=40)  # tỉnh, phường, xã, đặc khu, huyện…
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors"
    )
    name_folded = models.CharField(max_length=120, db_index=True, blank=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "level"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_to is None or self.valid_to >= today
        )
