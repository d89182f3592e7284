from django.conf import settings
from django.db import models


class SigningCertificate(models.Model):
    """Chứng thư chữ ký số of a signing officer, issued by the province's issuing CA. The
    private key lives in a file of the var directory (mode 0600), or in the HSM of a
    production deployment; only its path is here."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signing_certificates"
    )
    serial = models.CharField(max_length=64, unique=True)  # decimal; too big for a number column
    subject = models.CharField(max_length=300)
    cert_pem = models.TextField()
    key_file = models.CharField(max_length=300)
    issued_at = models.DateTimeField()
    not_after = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.subject} #{self.serial}"
