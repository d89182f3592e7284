from enum import StrEnum


class PaymentsErrorCode(StrEnum):
    FEE_UNPAID = "payments_fee_unpaid"
    NO_BANK_ACCOUNT = "payments_no_bank_account"
    BAD_STATEMENT = "payments_bad_statement"
    ALREADY_RESOLVED = "payments_already_resolved"
    ALREADY_PAID = "payments_already_paid"
    BAD_SIGNATURE = "payments_bad_signature"
    BAD_CALLBACK = "payments_bad_callback"
