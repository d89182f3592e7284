"""The provinces' codes of the personal ID (Thông tư 07/2016/TT-BCA: the first three
digits of a 12-digit personal ID are the province where the birth was registered),
by folded name: a place of birth or a hometown written as text and one written as
a code are then one key. The 63 provinces before the 2025 mergers, as the IDs and
the old records name them. Data, not rules."""

from __future__ import annotations

from tinhso.core.text import fold

_CODES = {
    "ha noi": 1, "ha giang": 2, "cao bang": 4, "bac kan": 6, "tuyen quang": 8,
    "lao cai": 10, "dien bien": 11, "lai chau": 12, "son la": 14, "yen bai": 15,
    "hoa binh": 17, "thai nguyen": 19, "lang son": 20, "quang ninh": 22, "bac giang": 24,
    "phu tho": 25, "vinh phuc": 26, "bac ninh": 27, "hai duong": 30, "hai phong": 31,
    "hung yen": 33, "thai binh": 34, "ha nam": 35, "nam dinh": 36, "ninh binh": 37,
    "thanh hoa": 38, "nghe an": 40, "ha tinh": 42, "quang binh": 44, "quang tri": 45,
    "thua thien hue": 46, "hue": 46, "da nang": 48, "quang nam": 49, "quang ngai": 51,
    "binh dinh": 52, "phu yen": 54, "khanh hoa": 56, "ninh thuan": 58, "binh thuan": 60,
    "kon tum": 62, "gia lai": 64, "dak lak": 66, "dak nong": 67, "lam dong": 68,
    "binh phuoc": 70, "tay ninh": 72, "binh duong": 74, "dong nai": 75,
    "ba ria vung tau": 77, "ho chi minh": 79, "long an": 80, "tien giang": 82,
    "ben tre": 83, "tra vinh": 84, "vinh long": 86, "dong thap": 87, "an giang": 89,
    "kien giang": 91, "can tho": 92, "hau giang": 93, "soc trang": 94, "bac lieu": 95,
    "ca mau": 96,
}  # fmt: skip


def province_code(words: str) -> int | None:
    """The code of a province named by `words` (folded, administrative words dropped:
    `quang ninh`, `ho chi minh`), else None."""
    return _CODES.get(fold(words).replace("-", " ").replace("  ", " ").strip())
