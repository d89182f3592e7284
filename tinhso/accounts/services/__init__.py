"""Every write about people, agencies, roles and tokens. Each function is one use
case, checks permission first, runs in one transaction and leaves an audit event.

One module a family: `agencies`, `users` (registration, officers' accounts,
profiles), `roles`, `signin` (lock-out, sign-ins, passwords, TOTP) and `tokens`.
The names are re-exported here: `from tinhso.accounts import services as accounts`
then `accounts.create_staff_user(...)`.
"""

from .agencies import DATA_DIR, create_agency, load_agencies, province_label, update_agency
from .roles import grant_role, revoke_role, set_position_title
from .signin import (
    AccountLocked,
    confirm_totp_enrolment,
    create_confirmed_totp,
    record_password_changed,
    register_failed_login,
    register_successful_login,
    start_totp_enrolment,
    unlock_user,
)
from .tokens import issue_api_token, revoke_api_token
from .users import (
    create_placeholder_user,
    create_staff_user,
    register_business,
    register_citizen,
    update_profile,
)

__all__ = [
    "DATA_DIR",
    "AccountLocked",
    "confirm_totp_enrolment",
    "create_placeholder_user",
    "create_confirmed_totp",
    "create_staff_user",
    "grant_role",
    "issue_api_token",
    "create_agency",
    "load_agencies",
    "province_label",
    "record_password_changed",
    "register_business",
    "register_citizen",
    "register_failed_login",
    "register_successful_login",
    "revoke_api_token",
    "revoke_role",
    "set_position_title",
    "start_totp_enrolment",
    "unlock_user",
    "update_agency",
    "update_profile",
]
