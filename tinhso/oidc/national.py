"""Sign-in with the national identity (VNeID): tinhso as a relying party of the
national OpenID Connect provider, with Authlib's Django client. The provider's
metadata, keys and token endpoint are read from `VNEID_ISSUER`; Authlib checks the ID
token (signature against the provider's keys, iss, aud, nonce, exp) before tinhso
reads a claim of it."""

from __future__ import annotations

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.urls import reverse

NAME = "vneid"


def enabled() -> bool:
    return bool(settings.VNEID_ISSUER and settings.VNEID_CLIENT_ID and settings.VNEID_CLIENT_SECRET)


def client() -> DjangoOAuth2App:
    """A client built from the settings as they are now (metadata fetched once per
    client)."""
    registry = OAuth()
    registry.register(
        NAME,
        client_id=settings.VNEID_CLIENT_ID,
        client_secret=settings.VNEID_CLIENT_SECRET,
        server_metadata_url=f"{settings.VNEID_ISSUER}/.well-known/openid-configuration",
        client_kwargs={"scope": settings.VNEID_SCOPES, "code_challenge_method": "S256"},
    )
    return registry.create_client(NAME)


def callback_url() -> str:
    return settings.PUBLIC_BASE_URL + reverse("national_sign_in:callback")
