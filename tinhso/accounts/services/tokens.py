"""API tokens: issued (the raw value shown once, only its digest stored) and revoked."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.audit.services import record_event
from tinhso.core.errors import ValidationFailed

from .. import authz
from ..auth import TOKEN_PREFIX, token_digest
from ..models import ApiToken, Role, User


@transaction.atomic
def issue_api_token(
    *, actor: User | None, user: User, name: str = "", expires_at=None
) -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and never stored."""
    if actor is not None:
        authz.require_role(actor, Role.ADMINISTRATOR, agency=authz.managing_agency(user))
    if not user.is_active:
        raise ValidationFailed(_("Tài khoản đã bị khóa, không thể cấp mã truy cập."))
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=prefix, digest=token_digest(raw), expires_at=expires_at
    )
    record_event(
        actor=actor,
        action="accounts.token_issued",
        object_type="accounts.ApiToken",
        object_id=token.pk,
        after={"user": user.username, "prefix": prefix, "name": token.name},
    )
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor: User | None, token: ApiToken) -> ApiToken:
    if actor is not None and actor.pk != token.user_id:
        authz.require_role(actor, Role.ADMINISTRATOR, agency=authz.managing_agency(token.user))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            actor=actor,
            action="accounts.token_revoked",
            object_type="accounts.ApiToken",
            object_id=token.pk,
            after={"user": token.user.username, "prefix": token.prefix},
        )
    return token
