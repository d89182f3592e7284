"""Vaccination certificates (EU DCC format, HC1/COSE), issuer keys, the immunisation
schedule and what goes with them. Owned by the dcc work; builds on `clinical`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["DccIssuerKey", "VaccinationCertificate"]


class DccIssuerKey(models.Model):
    """Khóa ký giấy chứng nhận tiêm chủng: an ECDSA P-256 key generated for this
    deployment. The private key is a file under the var directory's `pki/dcc/` (mode
    0600, carried by `tinhso backup` like the signing PKI), never in the database or
    the repository; the public key is published in the trust list under its `kid`."""

    kid = models.CharField(max_length=16, unique=True)  # base64 of 8 bytes
    public_jwk = models.JSONField()
    key_file = models.CharField(max_length=300)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("khóa ký giấy chứng nhận tiêm chủng")
        verbose_name_plural = _("khóa ký giấy chứng nhận tiêm chủng")

    def __str__(self) -> str:
        return self.kid


class VaccinationCertificate(models.Model):
    """Giấy chứng nhận tiêm chủng (hộ chiếu vắc xin): the HC1 text of a patient's
    latest COVID-19 dose, its unique identifier (UVCI) and, once revoked, when and why."""

    patient = models.ForeignKey(
        "health.Patient", on_delete=models.PROTECT, related_name="vaccination_certificates"
    )
    immunizations = models.ManyToManyField("health.Immunization", related_name="certificates")
    uvci = models.CharField(max_length=80, unique=True)
    hc1 = models.TextField()
    issuer_key = models.ForeignKey(DccIssuerKey, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revocation_reason = models.CharField(_("lý do thu hồi"), max_length=300, blank=True)
    # The PDF in the citizen's document store (when the patient has an account).
    document = models.ForeignKey(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-issued_at"]
        indexes = [
            models.Index(fields=["patient", "-issued_at"], name="health_cert_patient_idx"),
            models.Index(fields=["revoked_at"], name="health_cert_revoked_idx"),
        ]
        verbose_name = _("giấy chứng nhận tiêm chủng")
        verbose_name_plural = _("giấy chứng nhận tiêm chủng")

    def __str__(self) -> str:
        return self.uvci

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
