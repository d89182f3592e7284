from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BankAccount(models.Model):
    """Tài khoản thu phí, lệ phí của cơ quan: where transfers for its dossiers go
    (loaded from payments/data/bank_accounts.csv; demo accounts are marked)."""

    agency = models.OneToOneField(
        "accounts.Agency", on_delete=models.CASCADE, related_name="bank_account"
    )
    bank_bin = models.CharField(max_length=6)  # NAPAS BIN of the bank
    bank_name = models.CharField(max_length=120)
    account_number = models.CharField(max_length=19)
    account_name = models.CharField(max_length=200)
    is_demo = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.bank_name} {self.account_number}"


class PaymentStatus(models.TextChoices):
    DUE = "due", _("Chưa nộp")
    PAID = "paid", _("Đã nộp")


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Chuyển khoản (VietQR)")
    CASH = "cash", _("Tiền mặt tại bộ phận một cửa")
    CARD = "card", _("Thẻ tại bộ phận một cửa")


class Payment(models.Model):
    """Khoản phí, lệ phí của một hồ sơ: due when the dossier is filed, paid by a
    transfer matched on a statement or at the desk."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="payment"
    )
    code = models.CharField(max_length=40, unique=True)  # the dossier's code
    code_compact = models.CharField(max_length=40, db_index=True)  # without dashes, upper
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveBigIntegerField()  # VND
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.DUE
    )
    method = models.CharField(max_length=10, choices=PaymentMethod.choices, blank=True)
    # The bank's transaction reference, or the desk's receipt number.
    reference = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["agency", "status", "paid_at"])]

    def __str__(self) -> str:
        return f"{self.code} {self.amount} {self.status}"


class Outcome(models.TextChoices):
    MATCHED = "matched", _("Khớp, đã ghi nhận")
    SHORT = "short", _("Nộp thiếu")
    OVER = "over", _("Nộp thừa")
    UNKNOWN = "unknown", _("Không rõ hồ sơ")
    DUPLICATE = "duplicate", _("Nộp trùng")


QUEUED = (Outcome.SHORT, Outcome.OVER, Outcome.UNKNOWN, Outcome.DUPLICATE)


class Resolution(models.TextChoices):
    ACCEPTED = "accepted", _("Chấp nhận, ghi nhận đã nộp")
    REFUNDED = "refunded", _("Hoàn trả người nộp")


class StatementLine(models.Model):
    """Một dòng ghi có trên sao kê ngân hàng; each bank reference once."""

    bank_reference = models.CharField(max_length=60, unique=True)
    transaction_date = models.DateField()
    amount = models.PositiveBigIntegerField()
    description = models.CharField(max_length=300)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=200, blank=True)  # the statement's file name
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    resolution_note = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["transaction_date", "pk"]
        indexes = [models.Index(fields=["outcome", "resolved_at"])]

    def __str__(self) -> str:
        return self.bank_reference

    @property
    def is_queued(self) -> bool:
        return self.outcome in QUEUED and self.resolved_at is None
