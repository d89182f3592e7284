from enum import StrEnum


class OidcErrorCode(StrEnum):
    UNKNOWN_SCOPE = "oidc_unknown_scope"
    INVALID_CLIENT = "oidc_invalid_client"
