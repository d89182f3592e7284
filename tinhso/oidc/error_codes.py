from enum import StrEnum


class OidcErrorCode(StrEnum):
    UNKNOWN_SCOPE = "oidc_unknown_scope"
    INVALID_CLIENT = "oidc_invalid_client"
    NATIONAL_SIGN_IN_OFF = "oidc_national_sign_in_off"
    NATIONAL_SIGN_IN_FAILED = "oidc_national_sign_in_failed"
    NO_ACCOUNT_FOR_PERSONAL_ID = "oidc_no_account_for_personal_id"
    IDENTITY_MISMATCH = "oidc_identity_mismatch"
