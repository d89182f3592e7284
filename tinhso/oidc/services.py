"""Writes of the OpenID Connect provider: registering a client system, and a person's
answer on the consent page. Tokens themselves are written by django-oauth-toolkit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.settings import oauth2_settings

from tinhso.accounts import authz
from tinhso.accounts.models import Agency, AgencyKind, Role
from tinhso.audit.services import record_event
from tinhso.core.errors import ValidationFailed

from .error_codes import OidcErrorCode
from .models import DEFAULT_CLIENT_SCOPES, PERSONAL_ID_SCOPE, Client


@transaction.atomic
def register_client(
    *, actor, name: str, redirect_uris: list[str], scopes: list[str] | None = None
) -> tuple[Client, str]:
    """A confidential client of the provider (authorization code with PKCE, RS256 ID
    tokens). Returns the client and its secret, which is stored only hashed: the
    caller shows it once. Asking for `personal_id` is the province's approval to
    receive it. `actor` None is the console (an operator on the server)."""
    if actor is not None:  # the province's administrators, not an agency's
        province = Agency.objects.filter(
            kind=AgencyKind.PROVINCE_COMMITTEE, parent__isnull=True
        ).first()
        authz.require_role(actor, Role.ADMINISTRATOR, agency=province)
    wanted = list(dict.fromkeys(["openid", *(scopes or DEFAULT_CLIENT_SCOPES.split())]))
    unknown = [scope for scope in wanted if scope not in oauth2_settings.SCOPES]
    if unknown:
        raise ValidationFailed(
            _("Phạm vi không được hỗ trợ: %(scopes)s.") % {"scopes": ", ".join(unknown)},
            code=OidcErrorCode.UNKNOWN_SCOPE,
            fields={"scopes": _("Phạm vi không được hỗ trợ.")},
        )
    secret = generate_client_secret()
    client = Client(
        name=name.strip(),
        client_type=Client.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Client.GRANT_AUTHORIZATION_CODE,
        algorithm=Client.RS256_ALGORITHM,
        redirect_uris=" ".join(redirect_uris),
        client_secret=secret,
        hash_client_secret=True,
        allowed_scopes=" ".join(wanted),
        personal_id_approved=PERSONAL_ID_SCOPE in wanted,
    )
    try:
        client.full_clean(exclude=["user", "client_secret"])
    except ValidationError as exc:
        raise ValidationFailed(
            " ".join(exc.messages),
            code=OidcErrorCode.INVALID_CLIENT,
            fields={k: " ".join(v) for k, v in exc.message_dict.items()},
        ) from exc
    client.save()
    record_event(
        actor=actor,
        action="oidc.client_registered",
        object_type="oidc.Client",
        object_id=client.client_id,
        after={
            "name": client.name,
            "redirect_uris": redirect_uris,
            "scopes": wanted,
            "personal_id_approved": client.personal_id_approved,
        },
    )
    return client, secret


@transaction.atomic
def record_consent(*, user, client: Client, scopes: list[str], allowed: bool) -> None:
    """Đồng ý (hoặc từ chối) cho một hệ thống nhận thông tin của mình."""
    record_event(
        actor=user,
        action="oidc.consent_given" if allowed else "oidc.consent_refused",
        object_type="oidc.Client",
        object_id=client.client_id,
        after={"scopes": scopes},
    )
