"""Reading what people and agencies write about a person (DOMAIN.md §8): names,
dates of birth that may be partial, personal IDs old and new, phone numbers.

Pure functions, no Django: the import validates with them and the batch dedup maps
them over the distinct values of a column, so both read a record the same way.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from tinhso.core.text import fold

from .provinces import province_code

# The columns of the contract's population CSV (../shared/CONTRACT.md, `tinhso dedup`).
INPUT_COLUMNS = (
    "record_id",
    "full_name",
    "date_of_birth",
    "sex",
    "personal_id",
    "phone",
    "address",
    "ward_code",
    "source",
)
# Optional columns (issue 19): absent from the file or empty in a row, they say nothing.
OPTIONAL_COLUMNS = ("birth_place", "hometown", "father_name", "mother_name", "ethnicity")

# ---------------------------------------------------------------- dates of birth


class Precision:
    FULL = "full"  # day, month and year
    MONTH = "month"  # month and year
    YEAR = "year"  # year only


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        if self.day is not None:
            return Precision.FULL
        return Precision.MONTH if self.month is not None else Precision.YEAR

    def as_date(self) -> datetime.date:
        """The first day the value can mean (stored beside the precision)."""
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        if self.day is not None:
            return f"{self.day:02d}/{self.month:02d}/{self.year:04d}"
        if self.month is not None:
            return f"{self.month:02d}/{self.year:04d}"
        return f"{self.year:04d}"


class InvalidValue(ValueError):
    """The message says, in Vietnamese, what is wrong with the value."""


MIN_YEAR = 1880
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MY = re.compile(r"(\d{1,2})[/.\-](\d{4})")
_YM = re.compile(r"(\d{4})-(\d{1,2})")
_Y = re.compile(r"(\d{4})")


def parse_birth_date(value: str, *, today: datetime.date | None = None) -> PartialDate:
    """DD/MM/YYYY (also with '-' or '.'), YYYY-MM-DD, MM/YYYY, YYYY-MM or YYYY.
    Raises InvalidValue with the reason."""
    text = (value or "").strip()
    if not text:
        raise InvalidValue("Thiếu ngày sinh.")
    day = month = None
    if m := _DMY.fullmatch(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _YMD.fullmatch(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _MY.fullmatch(text):
        month, year = int(m[1]), int(m[2])
    elif m := _YM.fullmatch(text):
        year, month = int(m[1]), int(m[2])
    elif m := _Y.fullmatch(text):
        year = int(m[1])
    else:
        raise InvalidValue(
            f"Ngày sinh “{text[:20]}” không đúng dạng DD/MM/YYYY, YYYY-MM-DD, MM/YYYY hoặc YYYY."
        )
    today = today or datetime.date.today()
    if not MIN_YEAR <= year <= today.year:
        raise InvalidValue(f"Năm sinh {year} không hợp lệ.")
    if month is not None and not 1 <= month <= 12:
        raise InvalidValue(f"Tháng sinh {month} không hợp lệ.")
    if day is not None:
        try:
            date = datetime.date(year, month, day)
        except ValueError:
            raise InvalidValue(f"Ngày sinh {text} không có trên lịch.") from None
        if date > today:
            raise InvalidValue(f"Ngày sinh {text} là ngày trong tương lai.")
    return PartialDate(year, month, day)


def try_birth_date(value: str) -> PartialDate | None:
    try:
        return parse_birth_date(value)
    except InvalidValue:
        return None


# ---------------------------------------------------------------- identifiers


class IdKind:
    CCCD = "cccd"  # 12-digit personal ID (căn cước công dân, số định danh cá nhân)
    CMND = "cmnd"  # 9-digit identity card of the old kind (chứng minh nhân dân)


_ID_SEPARATORS = re.compile(r"[\s.\-]")


def normalize_personal_id(value: str) -> tuple[str, str]:
    """(digits, kind) for a 12-digit personal ID or a 9-digit old identity card,
    spaces, dots and dashes removed. Raises InvalidValue otherwise."""
    digits = _ID_SEPARATORS.sub("", value or "")
    if not digits.isascii() or not digits.isdigit():
        raise InvalidValue("Số định danh chỉ gồm chữ số.")
    if len(digits) == 12:
        return digits, IdKind.CCCD
    if len(digits) == 9:
        return digits, IdKind.CMND
    raise InvalidValue(
        f"Số định danh có {len(digits)} chữ số: cần 12 (căn cước) hoặc 9 (chứng minh nhân dân cũ)."
    )


def birth_from_personal_id(number: str) -> tuple[int, str] | None:
    """(birth year, sex) written in a 12-digit personal ID (digit 4: century and sex,
    digits 5–6: the year), or None."""
    if len(number or "") != 12 or not number.isdigit():
        return None
    digit = int(number[3])
    return 1900 + 100 * (digit // 2) + int(number[4:6]), ("male" if digit % 2 == 0 else "female")


def try_personal_id(value: str) -> tuple[str, str] | tuple[None, None]:
    try:
        return normalize_personal_id(value)
    except InvalidValue:
        return None, None


_NOT_DIGIT = re.compile(r"\D")


def normalize_phone(value: str) -> str:
    """A Vietnamese phone number in national form (`0912345678`): `+84`, `84` and
    `0084` prefixes, spaces, dots and dashes are accepted. Raises InvalidValue."""
    text = (value or "").strip()
    digits = _NOT_DIGIT.sub("", text)
    if digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and (text.startswith("+") or len(digits) in (11, 12)):
        digits = "0" + digits[2:]
    elif len(digits) == 9 and digits[0] != "0":
        digits = "0" + digits
    if len(digits) not in (10, 11) or digits[0] != "0" or digits[1] == "0":
        raise InvalidValue(f"Số điện thoại “{text[:20]}” không hợp lệ.")
    return digits


def try_phone(value: str) -> str | None:
    try:
        return normalize_phone(value)
    except InvalidValue:
        return None


# ---------------------------------------------------------------- addresses

_NUMBER = re.compile(r"[0-9]+")


def address_key(address: str) -> str:
    """The numbers of an address in order (`Số 12, tổ 3, khu 5, P. Hà Lầm` → `12-3-5`):
    they survive abbreviations, missing words and case, and with the ward they name a
    house."""
    return "-".join(n.lstrip("0") or "0" for n in _NUMBER.findall(address or ""))


_PLACE_PHRASES = re.compile(r"\b(thanh pho|thi xa|thi tran|viet nam)\b")
_PLACE_WORDS = frozenset(
    ["tinh", "tp", "t", "tx", "xa", "huyen", "h", "quan", "q", "phuong", "p", "x", "tt", "vn"]
)


def place_key(value: str) -> str:
    """A place of birth or a hometown as a key: a code stays a code (`c:22`, leading
    zeros dropped), and so does a province's name (`Tỉnh Quảng Ninh`, `quang ninh`,
    `T. Quảng Ninh` → `c:22`, see `provinces`); other text is folded without the
    administrative words (`Thành phố Hạ Long` → `t:ha long`). A code and a text are
    two kinds that are not compared."""
    text = (value or "").strip()
    if not text:
        return ""
    if text.isdigit():
        return "c:" + (text.lstrip("0") or "0")
    folded = _PLACE_PHRASES.sub(" ", fold(text))
    words = [w for w in re.split(r"[\s,.\-/]+", folded) if w and w not in _PLACE_WORDS]
    if not words:
        return ""
    code = province_code(" ".join(words))  # a province's name is its code
    return f"c:{code}" if code else "t:" + " ".join(words)


# ---------------------------------------------------------------- names

# Surnames, most frequent first (Nguyễn alone is about 38%), then the rarer ones and
# those of the ethnic minorities: a name is turned back to surname-first only when its
# first word is none of these (see `_rotate`). Data, not rules.
SURNAMES_WRITTEN = (  # noqa: SIM905
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đào "
    "Trịnh Mai Cao Lâm Lương Hà Tạ Quách Chu Trương La Kiều Thái Lưu Tống Khúc Lại Nông "
    "Hứa Tăng Đoàn Thạch Vương Vi Lò Tôn Mạc Triệu Giang Khổng Kim Châu An "
    "Phùng Đàm Nghiêm Giáp Âu Bàn Bế Ninh Quan Cù Lục Lữ Lã Doãn Thân Đồng Hầu Tô Ông "
    "Chung Từ Diệp Khương Lạc Lăng Mẫn Bạch Phí Phó Sầm Viên Lường Quàng Cầm Ma Mông "
    "Lều Sùng Giàng Thào Lầu Hờ Mùa Vừ Khiếu Ung Nhữ Tào Tiêu Mã Ôn Đường Thiều Lô Chử "
    "Hàn Lỗ Liêu"
).split()
_SURNAMES_ACCENTED = frozenset(unicodedata.normalize("NFC", s.lower()) for s in SURNAMES_WRITTEN)
SURNAMES = tuple(dict.fromkeys(fold(s) for s in SURNAMES_WRITTEN))  # folded, same order
_SURNAME_SET = frozenset(SURNAMES)

# Common given names (tên): a name is turned around only when it starts with one of
# these. Compared with their accents (Quân is a given name, Quan a surname); a name
# written without accents is compared folded, and left alone when ambiguous. Data.
GIVEN_NAMES_WRITTEN = (  # noqa: SIM905
    "An Anh Ánh Ân Bách Bảo Bằng Bích Biên Bình Bính Bội Cảnh Chánh Châu Chi Chiến Chinh "
    "Chính Chung Chúc Chương Công Cúc Cường Danh Dân Diễm Diệp Diệu Dịu Doanh Du Dung Duy "
    "Duyên Dũng Dương Đại Đan Đạo Đạt Điền Điệp Định Đoan Đông Đồng Đức Gấm Gia Giang Giao "
    "Hà Hạ Hải Hán Hạnh Hảo Hào Hằng Hân Hậu Hiên Hiền Hiển Hiệp Hiếu Hinh Hoa Hòa Hoài "
    "Hoan Hoàn Học Hồng Huân Huấn Huê Huệ Hùng Hưng Hương Hường Hướng Hữu Huy Huyền Kha "
    "Khải Khang Khanh Khánh Khiêm Khoa Khôi Khuê Khương Kiên Kiệt Kiều Kỳ Lạc Lai Lài Lam "
    "Lan Lành Lâm Lân Lập Lễ Lệ Liêm Liên Liễu Linh Loan Lộc Lợi Long Luân Luận Lụa Lực "
    "Lượng Ly Lý Mai Mạnh Mẫn Mận Minh Miên Mơ Mừng My Mỹ Na Nam Năng Nga Ngà Ngân Nghi "
    "Nghị Nghĩa Ngọc Nguyên Nguyệt Nhã Nhàn Nhạn Nhân Nhất Nhật Nhi Nhiên Nhu Như Nhung "
    "Oanh Phát Phi Phong Phú Phúc Phụng Phước Phương Phượng Quang Quảng Quân Quế Quốc Quý "
    "Quyên Quyết Quỳnh Sa Sang Sáng Sen Sinh Sơn Sương Sỹ Tài Tám Tâm Tân Tấn Thạch Thái "
    "Thanh Thành Thảo Thắm Thắng Thi Thiện Thịnh Thọ Thoa Thông Thơ Thơm Thu Thuận Thục "
    "Thúy Thùy Thủy Thư Thương Thường Tiên Tiến Tiệp Tín Tình Tịnh Toàn Toản Trà Trang "
    "Trâm Trân Trí Triết Trinh Trọng Trúc Trung Trường Tú Tuấn Tuệ Tùng Tuyên Tuyền Tuyết "
    "Tường Uy Uyên Uyển Vân Vi Việt Vinh Vĩnh Vui Vy Vỹ Xinh Xuân Yên Yến Ý"
).split()
_GIVEN_ACCENTED = frozenset(unicodedata.normalize("NFC", g.lower()) for g in GIVEN_NAMES_WRITTEN)
_GIVEN_FOLDED = frozenset(fold(g) for g in GIVEN_NAMES_WRITTEN)

# Regional variants and frequent misspellings of one surname → one spelling (Vũ/Võ,
# Huỳnh/Hoàng, Châu/Chu, Lữ/Lã: DOMAIN.md §8).
SURNAME_VARIANTS = {
    "vo": "vu",
    "huynh": "hoang",
    "chau": "chu",
    "lu": "la",
    "ngyuen": "nguyen",
    "nguen": "nguyen",
    "nguyn": "nguyen",
    "nguyne": "nguyen",
    "ngueyn": "nguyen",
}

# Middle names that say little (DOMAIN.md §8): left out of the order-free key.
WEAK_TOKENS = frozenset({"thi", "van"})

# Phonetic confusions (DOMAIN.md §8): initials d/gi/r/v, ch/tr, s/x, l/n, k/c;
# finals n/ng/nh, t/c/ch; y/i.
_INITIALS = (
    ("ngh", "ng"),
    ("gh", "g"),
    ("gi", "d"),
    ("tr", "ch"),
    ("r", "d"),
    ("v", "d"),
    ("x", "s"),
    ("l", "n"),
    ("k", "c"),
)
_FINALS = (("ng", "n"), ("nh", "n"), ("ch", "t"), ("c", "t"))


def phonetic(token: str) -> str:
    """A key for one folded syllable under which the usual confusions coincide."""
    t = token.replace("y", "i")
    for a, b in _INITIALS:
        if t.startswith(a) and len(t) > len(a):
            t = b + t[len(a) :]
            break
    for a, b in _FINALS:
        if t.endswith(a) and len(t) > len(a):
            t = t[: -len(a)] + b
            break
    return t


_WORD = re.compile(r"[^\W\d_]+")


def _accented_tokens(full_name: str) -> list[str]:
    return [
        t for t in _WORD.findall(unicodedata.normalize("NFC", full_name or "").lower()) if fold(t)
    ]


def name_tokens(full_name: str) -> list[str]:
    """Folded syllables, surname first: a name written given-name-first
    (`Hùng Nguyễn Văn`) is turned back (see `_rotate`)."""
    return [fold(t) for t in _rotate(_accented_tokens(full_name))]


def _rotate(tokens: list[str]) -> list[str]:
    """Turn a name around only when its first word is not a known surname and is a
    known given name, and its second word is a surname (or a misspelt one)."""
    folded = [fold(t) for t in tokens]
    if (
        len(folded) > 2
        and (folded[1] in _SURNAME_SET or folded[1] in SURNAME_VARIANTS)
        and _is_given_name_not_surname(tokens[0], folded[0])
    ):
        tokens = tokens[1:] + tokens[:1]
    return tokens


def _is_given_name_not_surname(word: str, folded: str) -> bool:
    if _near_surname(folded):
        return False
    if word != folded:  # written with accents: Quân is a given name, Quan a surname
        return word not in _SURNAMES_ACCENTED and word in _GIVEN_ACCENTED
    return folded not in _SURNAME_SET and folded in _GIVEN_FOLDED


def _one_edit(a: str, b: str) -> bool:
    """True when a and b differ by one letter dropped or added, or two swapped (a
    letter changed makes another name: Rạng is not Đặng)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _near_surname(token: str) -> bool:
    """A misspelt surname (`ngyuen`, `guyen`) is not a given name written first."""
    return token in SURNAME_VARIANTS or any(
        _one_edit(token, s) for s in SURNAMES[:20] if len(s) > 2
    )


# Marks that make one Vietnamese syllable another name: the tone (Hương ≠ Hường) and
# the vowel's hat, breve or horn (Thu ≠ Thư). Where the tone mark sits (Thúy/Thuý)
# does not matter.
_TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}
_MODIFIERS = {"\u0302": "^", "\u0306": "(", "\u031b": "+"}


def syllable_marks(token: str) -> str:
    """The tone and the vowel marks of a syllable, in ASCII (`lựu` → `5u+`); a letter
    doubled or two letters swapped keep them, another vowel or tone does not."""
    tone, marks, base = "", set(), ""
    for ch in unicodedata.normalize("NFD", token.lower()):
        if ch in _TONES:
            tone = _TONES[ch]
        elif ch in _MODIFIERS:
            marks.add(base + _MODIFIERS[ch])
        elif not unicodedata.combining(ch):
            base = ch
    if "đ" in token.lower():
        marks.add("D")
    return tone + "".join(sorted(marks))


def syllable_signature(token: str) -> str:
    """The phonetic key of an accented syllable with its tone and vowel marks: the
    usual consonant confusions coincide, different vowels or tones do not."""
    return phonetic(fold(token)) + syllable_marks(token)


@dataclass(frozen=True)
class NameKeys:
    folded: str  # the name folded, surname first
    surname: str  # phonetic key of the surname, variants merged
    middle: str  # phonetic keys of the middle names without Thị/Văn
    given: str  # phonetic key of the given name
    ordered: str  # every phonetic key, in order
    unordered: str  # phonetic keys without Thị/Văn, sorted: order swaps coincide
    signature: str = ""  # syllable signatures, in order; "" when written without accents
    given_signature: str = ""
    given_marks: str = ""  # tone and vowel marks of the given name, when accented
    unordered_signature: str = ""  # signatures without Thị/Văn, sorted


EMPTY_NAME = NameKeys("", "", "", "", "", "")


def name_keys(full_name: str) -> NameKeys:
    accented = _rotate(_accented_tokens(full_name))
    tokens = [fold(t) for t in accented]
    if not tokens:
        return EMPTY_NAME
    surname = phonetic(SURNAME_VARIANTS.get(tokens[0], tokens[0]))
    keys = [surname] + [phonetic(t) for t in tokens[1:]]
    middle = [phonetic(t) for t in tokens[1:-1] if t not in WEAK_TOKENS]
    strong = sorted(
        k for t, k in zip(tokens, keys, strict=True) if t not in WEAK_TOKENS or len(tokens) < 3
    )
    has_accents = " ".join(accented) != " ".join(tokens)
    signatures = [syllable_signature(t) for t in accented] if has_accents else []
    return NameKeys(
        folded=" ".join(tokens),
        surname=surname,
        middle=" ".join(middle),
        given=keys[-1] if len(keys) > 1 else "",
        ordered=" ".join(keys),
        unordered=" ".join(strong),
        signature=" ".join(signatures),
        given_signature=signatures[-1] if signatures and len(tokens) > 1 else "",
        given_marks=syllable_marks(accented[-1]) if has_accents and len(tokens) > 1 else "",
        unordered_signature=" ".join(
            sorted(
                sig
                for t, sig in zip(tokens, signatures, strict=True)
                if t not in WEAK_TOKENS or len(tokens) < 3
            )
        )
        if has_accents
        else "",
    )
