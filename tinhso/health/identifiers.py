"""Health identifiers (DOMAIN.md §9): the health-insurance (BHYT) card code, the
social-insurance number, and the text of the chip ID card's QR code as a scanner
types it into a field. Errors are InvalidIdentifier with a Vietnamese sentence."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tinhso.core.identity import InvalidIdentifier, is_legacy_id_card, parse_personal_id

CCCD_SYSTEM = "http://fhir.hl7.org.vn/core/sid/cccd"
BHYT_SYSTEM = "http://fhir.hl7.org.vn/core/sid/bhyt"
BHXH_SYSTEM = "http://fhir.hl7.org.vn/core/sid/bhxh"

# Thẻ BHYT (Decision 1351/QĐ-BHXH, 2015): 2 letters (the group of the insured), a
# benefit level digit 1–5, the 2-digit province code, the 10-digit social-insurance
# number (mã số BHXH, Decision 346/QĐ-BHXH), which since 2021 is enough on its own.
_CARD = re.compile(r"([A-Z]{2})([1-5])([0-9]{2})([0-9]{10})")
_SOCIAL = re.compile(r"[0-9]{10}")


@dataclass(frozen=True)
class BhytCard:
    card_code: str  # 15 characters, or "" when only the social-insurance number was given
    group: str
    benefit_level: int | None
    province: str
    social_insurance_number: str


def parse_bhyt(value: str) -> BhytCard:
    """A 15-character card code or a 10-digit social-insurance number (spaces and
    dashes as printed on the card are ignored; letters may be lower case)."""
    text = re.sub(r"[\s\-]", "", value or "").upper()
    if not text:
        raise InvalidIdentifier(_("Chưa nhập mã thẻ bảo hiểm y tế."))
    if _SOCIAL.fullmatch(text):
        return BhytCard("", "", None, "", text)
    if len(text) != 15:
        raise InvalidIdentifier(
            _(
                "Mã thẻ BHYT gồm 15 ký tự (2 chữ cái, 1 chữ số mức hưởng, 2 chữ số mã tỉnh, "
                "10 chữ số mã số BHXH) hoặc chỉ 10 chữ số mã số BHXH; đã nhập %(n)s ký tự."
            )
            % {"n": len(text)}
        )
    match = _CARD.fullmatch(text)
    if match is None:
        raise InvalidIdentifier(
            _(
                "Mã thẻ BHYT không đúng dạng: 2 chữ cái, 1 chữ số mức hưởng từ 1 đến 5, "
                "2 chữ số mã tỉnh, 10 chữ số mã số BHXH."
            )
        )
    group, level, province, social = match.groups()
    if province == "00":
        raise InvalidIdentifier(_("Mã tỉnh trên thẻ BHYT (00) không tồn tại."))
    return BhytCard(text, group, int(level), province, social)


def validate_social_insurance_number(value: str) -> str:
    text = re.sub(r"\s", "", value or "")
    if not _SOCIAL.fullmatch(text):
        raise InvalidIdentifier(_("Mã số bảo hiểm xã hội phải gồm đúng 10 chữ số."))
    return text


@dataclass(frozen=True)
class ChipIdQr:
    """What the QR code on the back of a chip ID card holds."""

    personal_id: str
    old_id: str
    full_name: str
    date_of_birth: datetime.date
    sex: str  # "male" / "female"
    address: str
    issued_on: datetime.date | None


_SEXES = {"nam": "male", "nữ": "female", "nu": "female", "nư": "female"}


def _ddmmyyyy(text: str, what) -> datetime.date:
    if not re.fullmatch(r"[0-9]{8}", text):
        raise InvalidIdentifier(
            _("%(what)s trong mã QR phải có dạng ngày tháng năm liền nhau (ddmmyyyy).")
            % {"what": what}
        )
    try:
        return datetime.date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        raise InvalidIdentifier(
            _("%(what)s trong mã QR (%(text)s) không phải là một ngày có thật.")
            % {"what": what, "text": text}
        ) from None


def parse_chip_qr(text: str, *, today: datetime.date | None = None) -> ChipIdQr:
    """`personal ID|old ID|full name|ddmmyyyy|sex|address|ddmmyyyy`, as the card's QR
    holds it. Raises InvalidIdentifier saying what is wrong (another QR code, a field
    missing, a bad ID or date)."""
    raw = (text or "").strip().strip("\x00")
    if not raw:
        raise InvalidIdentifier(_("Chưa có nội dung mã QR. Hãy quét mã QR ở mặt sau thẻ căn cước."))
    if "|" not in raw:
        if re.fullmatch(r"[0-9]{12}", raw):
            raise InvalidIdentifier(
                _("Đây là số định danh, không phải mã QR. Hãy nhập vào ô số định danh.")
            )
        raise InvalidIdentifier(
            _(
                "Đây không phải mã QR của thẻ căn cước (có thể là mã QR khác như đường dẫn "
                "hay mã thanh toán). Hãy quét mã QR ở mặt sau thẻ căn cước gắn chip."
            )
        )
    parts = [p.strip() for p in raw.split("|")]
    if len(parts) < 7:
        raise InvalidIdentifier(
            _(
                "Mã QR thẻ căn cước phải có 7 trường cách nhau bởi dấu |; mã này có %(n)s. "
                "Có thể máy quét đọc thiếu, hãy quét lại."
            )
            % {"n": len(parts)}
        )
    personal_id, old_id, full_name, birth, sex_text, address, issued = parts[:7]
    if not full_name:
        raise InvalidIdentifier(_("Mã QR không có họ và tên."))
    date_of_birth = _ddmmyyyy(birth, _("Ngày sinh"))
    sex = _SEXES.get(sex_text.lower())
    if sex is None:
        raise InvalidIdentifier(
            _("Giới tính trong mã QR (%(sex)s) phải là Nam hoặc Nữ.") % {"sex": sex_text}
        )
    try:
        parse_personal_id(personal_id, birth_year=date_of_birth.year, sex=sex, today=today)
    except InvalidIdentifier as exc:
        raise InvalidIdentifier(
            _("Số định danh trong mã QR không hợp lệ: %(why)s") % {"why": exc.message}
        ) from None
    if old_id and not is_legacy_id_card(old_id):
        raise InvalidIdentifier(_("Số CMND cũ trong mã QR phải gồm 9 chữ số."))
    issued_on = _ddmmyyyy(issued, _("Ngày cấp")) if issued else None
    today = today or datetime.date.today()
    if issued_on is not None and (issued_on > today or issued_on < date_of_birth):
        raise InvalidIdentifier(_("Ngày cấp thẻ trong mã QR không hợp lý."))
    return ChipIdQr(personal_id, old_id, full_name, date_of_birth, sex, address, issued_on)


def chip_qr_text(qr: ChipIdQr) -> str:
    """The QR text of a card (the inverse of `parse_chip_qr`; for tests and the demo)."""
    sex = "Nam" if qr.sex == "male" else "Nữ"
    issued = qr.issued_on.strftime("%d%m%Y") if qr.issued_on else ""
    return "|".join(
        [
            qr.personal_id,
            qr.old_id,
            qr.full_name,
            qr.date_of_birth.strftime("%d%m%Y"),
            sex,
            qr.address,
            issued,
        ]
    )
