"""How fees are paid (`PAYMENT_PROVIDER`). `vietqr`, the default, needs no contract:
the citizen transfers by the VietQR code and the bank's statements are reconciled.
A gateway (the national payment platform, a bank's API) calls back instead; its
callback is trusted only when signed: HMAC-SHA256 over the timestamp and the raw
body with a secret shared out of band (`PAYMENT_PROVIDER_SECRET`), within a time
window. `sandbox` is the local stand-in for such a gateway, for tests and
development. Whichever way, the payment ends in the same states (services)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from tinhso.core.errors import NotFound, PermissionDenied, ValidationFailed

from .error_codes import PaymentsErrorCode

SIGNATURE_HEADER = "X-Payment-Signature"
TIMESTAMP_HEADER = "X-Payment-Timestamp"


@dataclass(frozen=True)
class GatewayPayment:
    """What a verified callback says was paid."""

    transaction_id: str
    code: str  # the dossier's code (the order the citizen paid)
    amount: int  # VND
    paid_on: datetime.date


class Provider(Protocol):
    name: str
    has_callback: bool

    def verify_callback(
        self, *, body: bytes, headers: Mapping[str, str], now: float | None = None
    ) -> GatewayPayment: ...


class VietQRProvider:
    """Transfers by VietQR, matched on statements (`tinhso reconcile`, the upload
    page): no callback to receive."""

    name = "vietqr"
    has_callback = False

    def verify_callback(self, *, body, headers, now=None) -> GatewayPayment:
        raise NotFound(_("Cách thanh toán này không nhận thông báo từ cổng thanh toán."))


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """hex HMAC-SHA256 of `timestamp` "." `body` under `secret`."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _whole_dong(value) -> int:
    """A JSON amount in đồng: an integer, or its digits as text; never a fraction, an
    exponent or a boolean (`int()` would quietly cut 135000.9 to the fee)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ValueError(value)


def _refused(message: str) -> PermissionDenied:
    return PermissionDenied(message, code=PaymentsErrorCode.BAD_SIGNATURE)


class SignedCallbackProvider:
    """A gateway that signs its callbacks: the signature and the freshness of the
    timestamp are checked before the body is read; a stale or replayed message is
    refused (a same transaction id inside the window has one effect: services)."""

    name = "signed"
    has_callback = True

    def __init__(self, *, secret: str | None = None, window: int | None = None):
        self.secret = settings.PAYMENT_PROVIDER_SECRET if secret is None else secret
        self.window = settings.PAYMENT_CALLBACK_WINDOW_SECONDS if window is None else window

    def sign(self, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
        """The headers a genuine callback carries (the sandbox's and the tests')."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        return {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: signature(self.secret, stamp, body)}

    def _check(self, body: bytes, headers: Mapping[str, str], now: float | None) -> None:
        if not self.secret:
            raise _refused(_("Chưa cấu hình khoá bí mật của cổng thanh toán."))
        stamp = headers.get(TIMESTAMP_HEADER, "")
        given = headers.get(SIGNATURE_HEADER, "")
        if not stamp.isdigit() or not given:
            raise _refused(_("Thiếu chữ ký hoặc thời điểm của thông báo thanh toán."))
        expected = signature(self.secret, stamp, body)
        if not hmac.compare_digest(expected, given.strip().lower()):
            raise _refused(_("Chữ ký của thông báo thanh toán không đúng."))
        current = time.time() if now is None else now
        if abs(current - int(stamp)) > self.window:
            raise _refused(_("Thông báo thanh toán đã quá hạn (có thể bị gửi lại)."))

    def parse(self, body: bytes) -> GatewayPayment:
        try:
            data = json.loads(body)
            payment = GatewayPayment(
                transaction_id=str(data["transaction_id"]).strip(),
                code=str(data["order_code"]).strip(),
                amount=_whole_dong(data["amount"]),
                paid_on=datetime.date.fromisoformat(str(data["paid_at"])[:10]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValidationFailed(
                _("Nội dung thông báo thanh toán không đọc được."),
                code=PaymentsErrorCode.BAD_CALLBACK,
            ) from exc
        if not payment.transaction_id or not payment.code or payment.amount <= 0:
            raise ValidationFailed(
                _("Nội dung thông báo thanh toán không đọc được."),
                code=PaymentsErrorCode.BAD_CALLBACK,
            )
        return payment

    def verify_callback(self, *, body, headers, now=None) -> GatewayPayment:
        self._check(body, headers, now)
        return self.parse(body)


class SandboxProvider(SignedCallbackProvider):
    """The local gateway: JSON `{transaction_id, order_code, amount, paid_at}` signed
    as a real one would; `callback` builds such a message (tests, development)."""

    name = "sandbox"

    def callback(
        self, *, transaction_id: str, code: str, amount: int, timestamp: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(
            {
                "transaction_id": transaction_id,
                "order_code": code,
                "amount": amount,
                "paid_at": datetime.date.today().isoformat(),
            }
        ).encode()
        return body, self.sign(body, timestamp=timestamp)


PROVIDERS: dict[str, type] = {"vietqr": VietQRProvider, "sandbox": SandboxProvider}


def current() -> Provider:
    """The provider `PAYMENT_PROVIDER` names (vietqr by default)."""
    return PROVIDERS.get(settings.PAYMENT_PROVIDER, VietQRProvider)()
