"""Writes of the OpenID Connect side of tinhso: registering a client system, a person's
answer on the consent page (tokens themselves are written by django-oauth-toolkit),
and linking an account to the national identity that signed in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.settings import oauth2_settings

from tinhso.accounts import authz, identity
from tinhso.accounts.models import Agency, AgencyKind, Role, User
from tinhso.audit.services import record_event
from tinhso.core.errors import DomainError, ValidationFailed
from tinhso.core.identity import InvalidIdentifier, mask_id, parse_personal_id

from .error_codes import OidcErrorCode
from .models import DEFAULT_CLIENT_SCOPES, PERSONAL_ID_SCOPE, Client, NationalIdentity


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


class NationalSignInFailed(DomainError):
    status = 400
    code = OidcErrorCode.NATIONAL_SIGN_IN_FAILED


class NoAccountForPersonalId(DomainError):
    status = 404
    code = OidcErrorCode.NO_ACCOUNT_FOR_PERSONAL_ID


class IdentityMismatch(DomainError):
    status = 409
    code = OidcErrorCode.IDENTITY_MISMATCH


@transaction.atomic
def link_national_identity(
    *, issuer: str, claims: Mapping[str, Any], signed_in: User | None = None
) -> User:
    """The account of the person the national provider vouched for (claims from an ID
    token already verified): found by the (issuer, subject) linked before, or linked now
    to the active account holding the personal ID in the claims. A first link needs an
    account whose holder has proved the ID already (checked at a desk) or the person
    signed in to that very account: anyone can register with anyone's ID, and the
    national sign-in must not hand the real person an account a stranger controls."""
    subject = str(claims.get("sub") or "")
    try:
        personal_id = parse_personal_id(
            str(claims.get(settings.VNEID_PERSONAL_ID_CLAIM) or "")
        ).number
    except InvalidIdentifier as exc:
        raise NationalSignInFailed(
            _("Định danh quốc gia không gửi số định danh cá nhân hợp lệ.")
        ) from exc
    if not subject or claims.get("iss") != issuer:
        raise NationalSignInFailed(_("Định danh quốc gia không gửi mã người dùng hợp lệ."))
    known = (
        NationalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if known is not None:
        if known.user.personal_id != personal_id or not known.user.is_active:
            raise IdentityMismatch(
                _("Số định danh từ định danh quốc gia không khớp với tài khoản đã liên kết.")
            )
        known.last_sign_in_at = timezone.now()
        known.save(update_fields=["last_sign_in_at"])
        return identity.record_national_verification(user=known.user, issuer=issuer)
    user = User.objects.filter(personal_id=personal_id, is_active=True).first()
    if user is None:
        raise NoAccountForPersonalId(
            _(
                "Chưa có tài khoản nào mang số định danh cá nhân này. Vui lòng tạo tài "
                "khoản công dân trước, rồi đăng nhập bằng định danh quốc gia để liên kết."
            )
        )
    if NationalIdentity.objects.filter(user=user).exists():
        raise IdentityMismatch(_("Tài khoản này đã liên kết với một định danh quốc gia khác."))
    if not user.is_identity_verified and (signed_in is None or signed_in.pk != user.pk):
        raise NationalSignInFailed(
            _(
                "Tài khoản mang số định danh này chưa được xác minh. Hãy đăng nhập bằng mật "
                "khẩu rồi liên kết định danh quốc gia, hoặc đến bộ phận một cửa để xác minh."
            )
        )
    NationalIdentity.objects.create(
        user=user, issuer=issuer, subject=subject, last_sign_in_at=timezone.now()
    )
    record_event(
        actor=user,
        action="oidc.national_identity_linked",
        object_type="accounts.User",
        object_id=user.pk,
        after={"issuer": issuer, "personal_id": mask_id(personal_id)},
    )
    return identity.record_national_verification(user=user, issuer=issuer)
