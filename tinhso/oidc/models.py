"""The OpenID Connect provider's own data: the province's client systems (the
django-oauth-toolkit application model, swapped in) and, for each authorization, how
the person signed in (the `acr` their ID tokens carry, refreshes included)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AbstractApplication

PERSONAL_ID_SCOPE = "personal_id"
DEFAULT_CLIENT_SCOPES = "openid profile email phone"

# Authentication context classes: password only, or password and a second factor.
ACR_PASSWORD = "urn:tinhso:acr:password"
ACR_SECOND_FACTOR = "urn:tinhso:acr:second-factor"


class Client(AbstractApplication):
    """Hệ thống khác của tỉnh đăng nhập người dùng qua tinhso (y tế, giáo dục, IOC…)."""

    # Who registered it, when through a page (the console leaves it empty).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    allowed_scopes = models.CharField(
        _("phạm vi được phép"), max_length=200, default=DEFAULT_CLIENT_SCOPES
    )
    # The personal ID leaves tinhso only for systems the province approved.
    personal_id_approved = models.BooleanField(_("được nhận số định danh cá nhân"), default=False)

    class Meta(AbstractApplication.Meta):
        verbose_name = _("hệ thống kết nối")
        verbose_name_plural = _("các hệ thống kết nối")

    def scope_list(self) -> list[str]:
        return self.allowed_scopes.split()


class Authorization(models.Model):
    """How the person signed in when they authorized a client: kept from the
    authorization code to every refresh of the tokens it produced."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="authorizations")
    acr = models.CharField(max_length=60)
    # SHA-256 of the authorization code, until the code is exchanged.
    code_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # django-oauth-toolkit's refresh-token family: every rotation keeps it.
    token_family = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id} → {self.client_id} ({self.acr})"


class NationalIdentity(models.Model):
    """Định danh quốc gia (VNeID) gắn với một tài khoản: the national provider's
    subject, linked once by the personal ID its verified ID token carried."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="national_identity"
    )
    issuer = models.CharField(max_length=200)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="national_identity_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ← {self.issuer}#{self.subject}"
