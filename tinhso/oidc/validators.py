"""django-oauth-toolkit's validator, taught tinhso's claims and how a person signed
in: `acr` is the second-factor class when the session passed django-otp's check at
the moment of consent, the password class otherwise, and stays so on refresh."""

from __future__ import annotations

import hashlib

from oauth2_provider.oauth2_validators import OAuth2Validator

from .models import ACR_PASSWORD, ACR_SECOND_FACTOR, PERSONAL_ID_SCOPE, Authorization


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def acr_of(user) -> str:
    """The class of the sign-in behind `user` (a request's user, with django-otp's
    `is_verified` when the OTP middleware ran)."""
    is_verified = getattr(user, "is_verified", None)
    return ACR_SECOND_FACTOR if callable(is_verified) and is_verified() else ACR_PASSWORD


def _or_none(value):
    return value or None


class TinhsoValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        PERSONAL_ID_SCOPE: PERSONAL_ID_SCOPE,
    }

    def get_additional_claims(self):
        return {
            "name": lambda r: r.user.get_full_name(),
            "preferred_username": lambda r: r.user.get_username(),
            "birthdate": lambda r: (
                r.user.date_of_birth.isoformat() if r.user.date_of_birth else None
            ),
            "gender": lambda r: _or_none(r.user.sex),
            "email": lambda r: _or_none(r.user.email),
            "phone_number": lambda r: _or_none(r.user.phone),
            PERSONAL_ID_SCOPE: lambda r: _or_none(r.user.personal_id),
        }

    def get_oidc_claims(self, token, token_handler, request):
        claims = super().get_oidc_claims(token, token_handler, request)
        return {name: value for name, value in claims.items() if value is not None}

    # ---- acr: recorded at consent, found again at the code exchange and each refresh

    def _create_authorization_code(self, request, code, expires=None):
        grant = super()._create_authorization_code(request, code, expires)
        Authorization.objects.create(
            user=grant.user,
            client=grant.application,
            acr=acr_of(request.user),
            code_digest=_digest(code["code"]),
        )
        return grant

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        valid = super().validate_code(client_id, code, client, request, *args, **kwargs)
        if valid:
            request.tinhso_authorization = Authorization.objects.filter(
                code_digest=_digest(code), client=client
            ).first()
        return valid

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        if valid:
            family = request.refresh_token_instance.token_family
            request.tinhso_authorization = (
                Authorization.objects.filter(token_family=family, client=client).first()
                if family
                else None
            )
        return valid

    def _create_refresh_token(self, request, refresh_token_code, access_token, previous):
        token = super()._create_refresh_token(request, refresh_token_code, access_token, previous)
        authorization = getattr(request, "tinhso_authorization", None)
        if authorization is not None and authorization.token_family is None:
            Authorization.objects.filter(pk=authorization.pk).update(
                token_family=token.token_family, code_digest=None
            )
        return token

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        authorization = getattr(request, "tinhso_authorization", None)
        acr = authorization.acr if authorization is not None else ACR_PASSWORD
        claims["acr"] = acr
        claims["amr"] = ["pwd", "otp"] if acr == ACR_SECOND_FACTOR else ["pwd"]
        return claims, expiration
