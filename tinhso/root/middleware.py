"""Kernel middleware bound to the accounts that the kernel does not know."""

from tinhso.accounts.auth import user_for_request_token
from tinhso.core.idempotency import BaseIdempotencyMiddleware


class IdempotencyMiddleware(BaseIdempotencyMiddleware):
    def user_for_token(self, request, token: str):
        return user_for_request_token(request, token)
