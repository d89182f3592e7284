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
    GATEWAY = "gateway", _("Cổng thanh toán trực tuyến")


# Paid without coming to the desk: what Decision 766's "online payment" counts.
ONLINE_METHODS = (PaymentMethod.TRANSFER, PaymentMethod.GATEWAY)


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
    IGNORED = "ignored", _("Bỏ qua (ghi rõ lý do)")


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


class ReceiptCounter(models.Model):
    """Quyển biên lai: the last number issued in an agency's series for a year. The
    next number is taken by one UPDATE … RETURNING on this row, in the transaction
    that records the payment, so numbers are never skipped nor given twice."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="payments_one_series_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last_number}"


class Receipt(models.Model):
    """Biên lai thu phí, lệ phí điện tử: issued once a payment is paid, numbered in the
    collecting agency's series, kept in the citizen's document store."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    symbol = models.CharField(max_length=30)  # ký hiệu: "BL-SXD/2026"
    file_path = models.CharField(max_length=300)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    issued_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "number"], name="payments_receipt_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.symbol} {self.number:07d}"

    @property
    def number_text(self) -> str:
        return f"{self.number:07d}"
