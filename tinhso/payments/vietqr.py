"""VietQR: the NAPAS payload (EMVCo merchant-presented QR) a banking app reads to
make a transfer to an account, with the amount and the message already filled in.

Each field is ID (2 digits) + length (2 digits) + value; the fields (DOMAIN.md §11):

    00 payload format "01"           01 point of initiation "11" static, "12" dynamic
    38 merchant account: 00 "A000000727" (NAPAS), 01 {00 bank BIN, 01 account}, 02 "QRIBFTTA"
    53 currency "704" (VND)          54 amount (dynamic only)        58 country "VN"
    62 additional data: 08 purpose of transaction (the dossier code)
    63 CRC-16/CCITT-FALSE over everything before it, "6304" included (4 hex digits)

`build` and `parse` are inverses (a property test holds them together); `parse`
checks the CRC and the fixed fields and refuses anything else.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import segno

NAPAS_AID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"  # transfer to an account (QRIBFTTC: to a card)
CURRENCY_VND = "704"
COUNTRY = "VN"
STATIC, DYNAMIC = "11", "12"

# A message banks carry unchanged: letters, digits, space and a few marks, at most 25
# characters (EMVCo's limit for the purpose of transaction).
MESSAGE_MAX = 25
_MESSAGE_RE = re.compile(r"[A-Za-z0-9 .\-_/]*")
_BIN_RE = re.compile(r"[0-9]{6}")
_ACCOUNT_RE = re.compile(r"[A-Za-z0-9]{1,19}")
AMOUNT_MAX = 10**13 - 1  # 13 digits: EMVCo's amount field


class VietQRError(ValueError):
    """The text is not a VietQR payload this module accepts."""


@dataclass(frozen=True)
class TransferRequest:
    """What the QR asks the payer's bank to do."""

    bank_bin: str  # 6 digits, the receiving bank's NAPAS BIN
    account: str  # the receiving account number
    amount: int | None = None  # VND; None only for a static code
    message: str = ""  # field 62/08: the dossier code

    @property
    def dynamic(self) -> bool:
        return self.amount is not None


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, not reflected, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def _field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise VietQRError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def _validate(request: TransferRequest) -> None:
    if not _BIN_RE.fullmatch(request.bank_bin):
        raise VietQRError("the bank BIN is 6 digits")
    if not _ACCOUNT_RE.fullmatch(request.account):
        raise VietQRError("the account is 1 to 19 letters or digits")
    if request.amount is not None and not 0 < request.amount <= AMOUNT_MAX:
        raise VietQRError("the amount is a positive whole number of đồng")
    if len(request.message) > MESSAGE_MAX or not _MESSAGE_RE.fullmatch(request.message):
        raise VietQRError("the message is at most 25 plain characters")


def build(request: TransferRequest) -> str:
    """The payload text of `request`, CRC included."""
    _validate(request)
    beneficiary = _field("00", request.bank_bin) + _field("01", request.account)
    merchant = (
        _field("00", NAPAS_AID) + _field("01", beneficiary) + _field("02", SERVICE_TO_ACCOUNT)
    )
    parts = [
        _field("00", "01"),
        _field("01", DYNAMIC if request.dynamic else STATIC),
        _field("38", merchant),
        _field("53", CURRENCY_VND),
    ]
    if request.amount is not None:
        parts.append(_field("54", str(request.amount)))
    parts.append(_field("58", COUNTRY))
    if request.message:
        parts.append(_field("62", _field("08", request.message)))
    body = "".join(parts) + "6304"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def split_fields(text: str) -> dict[str, str]:
    """ID → value of a TLV string; refuses truncated, repeated or non-numeric tags."""
    fields: dict[str, str] = {}
    i = 0
    while i < len(text):
        head = text[i : i + 4]
        if len(head) < 4 or not head.isdigit():
            raise VietQRError(f"bad field header at {i}")
        tag, length = head[:2], int(head[2:])
        value = text[i + 4 : i + 4 + length]
        if len(value) != length:
            raise VietQRError(f"field {tag} is truncated")
        if tag in fields:
            raise VietQRError(f"field {tag} is repeated")
        fields[tag] = value
        i += 4 + length
    return fields


def _expect(fields: dict[str, str], tag: str, value: str) -> None:
    if fields.get(tag) != value:
        raise VietQRError(f"field {tag} must be {value!r}")


def parse(text: str) -> TransferRequest:
    """The transfer `text` asks for; `VietQRError` if the CRC or any fixed field is wrong."""
    if not text.isascii() or len(text) < 8 or text[-8:-4] != "6304":
        raise VietQRError("no CRC field at the end")
    body, crc = text[:-4], text[-4:]
    if f"{crc16_ccitt_false(body.encode('ascii')):04X}" != crc.upper():
        raise VietQRError("the CRC does not match")
    fields = split_fields(text)
    _expect(fields, "00", "01")
    _expect(fields, "53", CURRENCY_VND)
    _expect(fields, "58", COUNTRY)
    merchant = split_fields(fields.get("38", ""))
    _expect(merchant, "00", NAPAS_AID)
    _expect(merchant, "02", SERVICE_TO_ACCOUNT)
    beneficiary = split_fields(merchant.get("01", ""))
    amount = _amount(fields)
    if fields.get("01") != (DYNAMIC if amount is not None else STATIC):
        raise VietQRError("field 01 is 12 with an amount, 11 without")
    request = TransferRequest(
        bank_bin=beneficiary.get("00", ""),
        account=beneficiary.get("01", ""),
        amount=amount,
        message=split_fields(fields["62"]).get("08", "") if "62" in fields else "",
    )
    _validate(request)
    return request


def _amount(fields: dict[str, str]) -> int | None:
    raw = fields.get("54")
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or raw.startswith("0"):
        raise VietQRError("the amount is a whole number of đồng")
    return int(raw)


def svg(text: str, *, title: str = "") -> str:
    """The QR image of `text` as inline SVG (for a page)."""
    return segno.make(text, error="m").svg_inline(scale=5, border=4, title=title or None)


def png(text: str, *, scale: int = 6) -> bytes:
    """The QR image of `text` as PNG bytes."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
