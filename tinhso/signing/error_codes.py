from enum import StrEnum


class SigningErrorCode(StrEnum):
    NO_CERTIFICATE = "signing_no_certificate"
    ALREADY_REVOKED = "signing_already_revoked"
    NOT_A_SIGNER = "signing_not_a_signer"
    TOO_LARGE = "signing_too_large"
    NOT_SIGNABLE = "signing_not_signable"
