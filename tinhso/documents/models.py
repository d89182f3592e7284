from django.conf import settings
from django.db import models


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
