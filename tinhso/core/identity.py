"""Vietnamese identity numbers: validation and masking (DOMAIN.md §4).

Personal ID (CCCD, số định danh cá nhân), 12 digits (Decree 137/2015, Art. 13):
digits 1–3 the province of birth registration (Circular 07/2016/TT-BCA), digit 4
century and sex, digits 5–6 the last two digits of the birth year, digits 7–12
random.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Province codes of Circular 07/2016/TT-BCA (the 63 provinces as they were when the
# ID was issued: the place of birth registration does not change with later mergers).
BIRTH_PROVINCE_CODES: frozenset[str] = frozenset(
    f"{c:03d}"
    for c in (
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34,
        35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67,
        68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    )
)  # fmt: skip


class Sex:
    MALE = "male"
    FEMALE = "female"


@dataclass(frozen=True)
class PersonalIdInfo:
    number: str
    birth_province: str
    sex: str
    birth_year: int


class InvalidIdentifier(ValueError):
    """The message is a translatable Vietnamese sentence a person can act on."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def parse_personal_id(
    value: str,
    *,
    birth_year: int | None = None,
    sex: str | None = None,
    today: datetime.date | None = None,
) -> PersonalIdInfo:
    """Check the structure of a 12-digit personal ID; cross-check sex and birth year
    when they are known. Raises InvalidIdentifier with a reason."""
    number = (value or "").strip()
    if not re.fullmatch(r"[0-9]{12}", number):
        raise InvalidIdentifier(_("Số định danh cá nhân phải gồm đúng 12 chữ số."))
    province = number[:3]
    if province not in BIRTH_PROVINCE_CODES:
        raise InvalidIdentifier(
            _("Ba chữ số đầu (%(code)s) không phải mã tỉnh nơi đăng ký khai sinh.")
            % {"code": province}
        )
    digit = int(number[3])
    century = 1900 + 100 * (digit // 2)
    id_sex = Sex.MALE if digit % 2 == 0 else Sex.FEMALE
    year = century + int(number[4:6])
    today = today or datetime.date.today()
    if year > today.year:
        raise InvalidIdentifier(
            _("Chữ số thứ 4 đến 6 ứng với năm sinh %(year)s, là năm trong tương lai.")
            % {"year": year}
        )
    if birth_year is not None and birth_year != year:
        raise InvalidIdentifier(
            _("Số định danh ghi năm sinh %(id_year)s, khác năm sinh đã khai (%(year)s).")
            % {"id_year": year, "year": birth_year}
        )
    if sex is not None and sex in (Sex.MALE, Sex.FEMALE) and sex != id_sex:
        raise InvalidIdentifier(
            _("Chữ số thứ 4 của số định danh không khớp với giới tính đã khai.")
        )
    return PersonalIdInfo(number=number, birth_province=province, sex=id_sex, birth_year=year)


def is_legacy_id_card(value: str) -> bool:
    """The old 9-digit identity card (CMND)."""
    return bool(re.fullmatch(r"[0-9]{9}", (value or "").strip()))


# Circular 105/2020/TT-BTC (tax registration), the structure of a tax code: the 10th
# digit checks the first nine with these weights.
TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_code_check_digit(first_nine: str) -> int | None:
    """The 10th digit of a tax code whose first nine digits are `first_nine`:
    10 - (Σ digit × weight mod 11); None when the remainder is 0 (no code is issued
    from such a series)."""
    remainder = sum(int(d) * w for d, w in zip(first_nine, TAX_CODE_WEIGHTS, strict=True)) % 11
    return None if remainder == 0 else 10 - remainder


def validate_tax_code(value: str) -> str:
    """Mã số thuế: 10 digits (an enterprise), 10 digits + '-' + 3 digits (a branch), the
    10th digit checking the first nine (Circular 105/2020/TT-BTC), or since 1 July 2025
    a person's 12-digit personal ID (Circular 86/2024/TT-BTC)."""
    code = (value or "").strip()
    if re.fullmatch(r"[0-9]{10}(-[0-9]{3})?", code):
        if tax_code_check_digit(code[:9]) != int(code[9]):
            raise InvalidIdentifier(
                _("Mã số thuế %(code)s không đúng: chữ số kiểm tra (thứ 10) không khớp.")
                % {"code": code}
            )
        return code
    if re.fullmatch(r"[0-9]{12}", code):
        parse_personal_id(code)
        return code
    raise InvalidIdentifier(
        _(
            "Mã số thuế gồm 10 chữ số, 10 chữ số kèm dấu '-' và 3 chữ số (đơn vị phụ thuộc), "
            "hoặc 12 chữ số của số định danh cá nhân."
        )
    )


def mask_id(value: str | None) -> str:
    """`001203004512` → `0012******12`: enough to recognise, not enough to reuse."""
    if not value:
        return ""
    v = str(value)
    if len(v) <= 6:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 6) + v[-2:]


_ID_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{12}|[0-9]{9})(?![0-9])")


def mask_ids_in_text(text: str) -> str:
    """Mask every 12-digit (personal ID) and 9-digit (old ID card) number in free text."""
    return _ID_IN_TEXT.sub(lambda m: mask_id(m.group(1)), text)
