from enum import StrEnum


class AccountsErrorCode(StrEnum):
    INVALID_PERSONAL_ID = "accounts_invalid_personal_id"
    INVALID_TAX_CODE = "accounts_invalid_tax_code"
    DUPLICATE_PERSONAL_ID = "accounts_duplicate_personal_id"
    DUPLICATE_USERNAME = "accounts_duplicate_username"
    WEAK_PASSWORD = "accounts_weak_password"
    ROLE_NOT_ALLOWED = "accounts_role_not_allowed"
    SCOPE_REQUIRED = "accounts_scope_required"
    OUT_OF_SCOPE = "accounts_out_of_scope"
    LOCKED = "accounts_locked"
    BAD_OTP = "accounts_bad_otp"
    UNKNOWN_USER = "accounts_unknown_user"
    BAD_ENROLMENT_LINK = "accounts_bad_enrolment_link"
    IDENTITY_NOT_VERIFIED = "accounts_identity_not_verified"
    IDENTITY_MISMATCH = "accounts_identity_mismatch"
