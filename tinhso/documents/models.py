from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredDocument(models.Model):
    """A paper in a citizen's store (kho dữ liệu điện tử của công dân): a signed result
    the state issued, or a paper an officer accepted. Reused in later dossiers instead
    of a new upload (once-only). Files are immutable; this row points at one."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stored_documents"
    )
    # A paper's kind (as in procedures' data), or "ket-qua:<procedure code>" for a result.
    kind = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    issuer = models.CharField(max_length=300)
    source_reference = models.CharField(max_length=60, blank=True)  # dossier code
    file_path = models.CharField(max_length=300)
    content_type = models.CharField(max_length=60)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    valid_until = models.DateField(null=True, blank=True)
    digitally_signed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "sha256", "kind"], name="stored_document_uniq")
        ]
        indexes = [models.Index(fields=["owner", "kind"])]

    def __str__(self) -> str:
        return self.title


class DocumentRegister(models.Model):
    """Sổ đăng ký văn bản: the last number an agency gave a document of one kind (a
    result's symbol such as GCN, or a slip's) in a year; numbers start again from 01
    each year (Decree 30/2020/NĐ-CP, Art. 15)."""

    agency_code = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, blank=True, default="")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        # Moved here from the dossiers app (its first user); the table keeps its name.
        db_table = "dossiers_documentregister"
        constraints = [
            models.UniqueConstraint(
                fields=["agency_code", "kind", "year"], name="document_register_kind_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.kind} {self.year} #{self.last}"


class IssuedStatus(models.TextChoices):
    VALID = "valid", _("Còn hiệu lực")
    REVOKED = "revoked", _("Đã bị thu hồi")
    REPLACED = "replaced", _("Đã được thay thế")


class IssuedDocument(models.Model):
    """Sổ văn bản đã cấp: the public register entry of a paper the state issued and
    signed (a school report, a diploma...). The QR code printed on the paper opens it;
    anyone holding the full code may see the entry and download the original, and may
    check that a file they were given IS that paper (same SHA-256), not merely a
    validly signed one."""

    code = models.CharField(max_length=24, unique=True)
    kind = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    number = models.CharField(max_length=60, blank=True)
    issuer_code = models.CharField(max_length=40)
    issuer_name = models.CharField(max_length=300)
    issued_at = models.DateTimeField()
    holder_name = models.CharField(max_length=150)
    holder_identifier = models.CharField(max_length=14, blank=True)  # personal ID or tax code
    sha256 = models.CharField(max_length=64, db_index=True)
    file_path = models.CharField(max_length=300)
    content_type = models.CharField(max_length=60, default="application/pdf")
    status = models.CharField(
        max_length=10, choices=IssuedStatus.choices, default=IssuedStatus.VALID
    )
    status_reason = models.CharField(max_length=300, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "pk"]
        indexes = [models.Index(fields=["issuer_code", "kind", "issued_at"])]

    def __str__(self) -> str:
        return f"{self.number or self.code} {self.title}"
