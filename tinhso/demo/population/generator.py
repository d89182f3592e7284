# ruff: noqa: S311, SIM905  (test data: reproducible, not secret; word lists as text)
"""Synthetic population records with known duplicates, for tests, demos and the
benchmark (`tinhso generate_population`).

People are drawn household by household (a couple, their children, sometimes a
grandparent, twins now and then: same birth date, same address, same phone), with
Vietnamese names in their real proportions (Nguyễn about 38%). Each person gives one
record; some give more, as another agency (or the same one, years later) wrote them
down again, with the faults of DOMAIN.md §8: accents lost, typos, Vũ/Võ, order
swapped, d/gi/r, ch/tr, s/x, l/n, final n/ng and t/c, Thị dropped, day and month
swapped, year only, an ID with a digit wrong or two digits swapped, the old 9-digit
card instead of the personal ID, phone numbers in every format or changed, people
moved to another ward. Hard negatives are there too: twins, siblings at one
address, strangers with the same name (and some with the same birth date).

Everything comes from one `random.Random(seed)`: the same seed, rows and rates give
the same file, byte for byte. Pure Python, no Django.
"""

from __future__ import annotations

import csv
import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tinhso.population.normalize import INPUT_COLUMNS as COLUMNS

SOURCES = ("police", "justice", "social_insurance", "health", "education")

# (surname, weight in %): Nguyễn ~38%, then the usual order.
_SURNAMES = [
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 4.0),
    ("Huỳnh", 1.1), ("Phan", 4.5), ("Vũ", 2.5), ("Võ", 1.4), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.6),
    ("Đào", 0.5), ("Trịnh", 0.5), ("Mai", 0.4), ("Cao", 0.4), ("Lâm", 0.3), ("Lương", 0.4),
    ("Hà", 0.4), ("Tạ", 0.3), ("Chu", 0.2), ("Trương", 0.4), ("Lưu", 0.2), ("Tống", 0.2),
    ("Lại", 0.2), ("Nông", 0.2), ("Doãn", 0.1), ("Vương", 0.2), ("Triệu", 0.2),
    ("Khổng", 0.05), ("Quách", 0.1), ("Kiều", 0.1), ("Thái", 0.1), ("Tăng", 0.1),
]  # fmt: skip
_MIDDLE_MALE = [
    ("Văn", 38), ("Đức", 8), ("Minh", 8), ("Quang", 6), ("Hữu", 6), ("Thanh", 5),
    ("Xuân", 4), ("Ngọc", 3), ("Đình", 5), ("Công", 4), ("Mạnh", 2), ("Tiến", 2),
    ("Trung", 2), ("Hoàng", 2), ("Anh", 2), ("Gia", 2), ("Bảo", 1), ("Duy", 2),
    ("Trọng", 2), ("Thế", 2),
]  # fmt: skip
_MIDDLE_FEMALE = [
    ("Thị", 52), ("Ngọc", 6), ("Thu", 5), ("Thanh", 5), ("Minh", 3), ("Phương", 3),
    ("Hồng", 3), ("Kim", 3), ("Thùy", 3), ("Mai", 2), ("Bích", 2), ("Hải", 2),
    ("Diệu", 1), ("Khánh", 2), ("Bảo", 2), ("Quỳnh", 2), ("Tuyết", 1), ("Lan", 1),
]  # fmt: skip
# Given names, the common ones first; drawn with weights falling along the list
# (`_ranked`), so the first name is about 2% of a sex and the last about 0.3%: real
# Vietnamese given names are many, a few of them frequent. (With few names drawn
# evenly, strangers sharing a name and a birth date would be several times too common.)
_GIVEN_MALE = (
    "Anh Bảo Bình Cường Chiến Công Dũng Duy Dương Đạt Đông Đức Giang Hải Hào Hiếu Hiệp "
    "Hòa Hoàng Huy Hùng Hưng Khang Khánh Khoa Kiên Lâm Linh Long Lộc Lợi Luân Mạnh Minh "
    "Nam Nghĩa Nguyên Nhân Phát Phong Phúc Phương Quân Quang Quốc Sang Sơn Tài Tâm Thành "
    "Thắng Thiện Thịnh Toàn Trí Trung Trường Tuấn Tùng Vinh Việt Vũ Xuân Hậu Lực Kiệt "
    "Tiến Thái Triều Vượng Chung Giáp Dược Rạng Sỹ Sinh Lương Nhật Hiển Trọng Tú "
    "An Ân Bách Bằng Biên Bính Cảnh Chánh Châu Chính Chương Danh Dân Doanh Du Đại Đan "
    "Đạo Điền Điệp Định Đoàn Đồng Hà Hán Hạnh Hảo Hiền Hinh Hoài Hoan Hoàn Học Hồng Huân "
    "Hướng Hữu Khải Khanh Khiêm Khôi Khương Kỳ Lạc Lai Lân Lập Lễ Liêm Luận Lưu Năng "
    "Nghị Ngọc Nhất Ninh Pháp Phi Phú Phụng Phước Quảng Quý Quyết Quỳnh Sáng Tân Tấn "
    "Thạch Thảo Thọ Thông Thuận Thức Thường Tiệp Tín Tịnh Toản Triết Trúc Tường Tuyên "
    "Uy Vĩnh Vương Yên Thuật Huấn Khiết Khoát Lãm Lượng Mẫn Ngạn Quế Sâm Tạo Thạc Thiều "
    "Thuyên Tính Tôn Trác Tráng Tuệ Tuyển Vỹ Vịnh Xương Đương Hoạt Kha Khuyến Nhuận "
    "Phùng Sửu Thân Tuyến Ước"
).split()
_GIVEN_FEMALE = (
    "Anh Ánh Bích Châu Chi Diệp Dung Duyên Giang Hà Hạnh Hằng Hiền Hoa Hồng Huệ Hương "
    "Huyền Lan Liên Linh Loan Ly Mai Minh My Nga Ngân Ngọc Nhung Nhi Oanh Phương Phượng "
    "Quyên Quỳnh Tâm Thảo Thanh Thoa Thu Thủy Thư Trang Trâm Uyên Vân Vy Xuân Yến Hậu "
    "Khuê Lụa Nương Sen Tuyết Dịu Giao Gấm Ngà Lựu Nhàn Diệu Rạng Dương Tươi Sương "
    "An Bình Cầm Châm Chinh Cúc Dao Diễm Doan Điệp Đào Hạ Hải Hân Hòa Hoài Hường Khanh "
    "Khánh Kiều Kim Lam Lành Lê Liễu Lý Mận Miên Mỹ Nghi Nguyệt Nhiên Như Phấn Phụng Phúc "
    "Quế Sa Thắm Thêu Thơ Thơm Thúy Thùy Thương Tiên Trà Trinh Trúc Tuyền Vi Yên Hiên "
    "Nhạn Phi Thi Thục Thuận Trân Tú Tường Uyển Vui Xinh Ái Bội Cẩm Đan Hảo Kha Lạc Lâm "
    "Lệ Mơ Mừng Na Nết Nhã Nhân Nhu Quý Sinh Son Thái Thiện Thoại Thuần Tình Tố Tuệ Ý "
    "Chúc Đoan Gia Hiệp Huê Khải Lài Lơ Mến Nhài Nhị Phước Quyền Sáu Tám Thanh Thìn "
    "Thường Tịnh Trầm Vàng Viên Xoan Yêu"
).split()


def _ranked(names: list[str]) -> tuple[list[str], list[float]]:
    """The names once each, in order, with weights falling along the list."""
    names = list(dict.fromkeys(names))
    return names, [1 / (rank + 25) for rank in range(len(names))]


# Provinces of birth registration (Circular 07/2016): most people here were born here.
_BIRTH_PROVINCES = ["022"] * 14 + ["001", "031", "030", "033", "034", "036", "037", "024", "019"]
_PHONE_PREFIXES = ("09", "03", "08", "07", "05")

# Phonetic confusions of DOMAIN.md §8, as (written, misheard) pairs on the first or
# last letters of a folded or accented syllable.
_INITIAL_CONFUSIONS = [("d", "gi"), ("gi", "d"), ("r", "d"), ("d", "r"), ("v", "d"),
                       ("ch", "tr"), ("tr", "ch"), ("s", "x"), ("x", "s"), ("l", "n"),
                       ("n", "l")]  # fmt: skip
_FINAL_CONFUSIONS = [("ng", "n"), ("n", "ng"), ("c", "t"), ("t", "c")]
_SURNAME_SWAPS = {"Vũ": "Võ", "Võ": "Vũ", "Hoàng": "Huỳnh", "Huỳnh": "Hoàng", "Nguyễn": "Ngyuễn"}

_ACCENTS = str.maketrans(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ",
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"
    "AAAAAAAAAAAAAAAAAEEEEEEEEEEEIIIIIOOOOOOOOOOOOOOOOOUUUUUUUUUUUYYYYYD",
)


def _wards() -> list[tuple[str, str]]:
    """The province's wards, from `vietnam-provinces` (codes as `geo` stores them)."""
    try:
        from vietnam_provinces import Ward

        wards = [
            (f"{int(w.code):05d}", w.name) for w in Ward.iter_all() if int(w.province_code) == 22
        ]
    except Exception:  # the package is a dependency; keep the generator usable without it
        wards = []
    return sorted(wards) or [(f"{7000 + i:05d}", f"Phường {i}") for i in range(54)]


@dataclass
class Rates:
    """How often each fault happens on a record written again (× `noise`)."""

    noise: float = 1.0
    dup_rate: float = 0.05  # people written more than once
    twins: float = 0.02  # births that are twins
    namesakes: float = 0.01  # strangers with the same name and birth year
    namesakes_same_day: float = 0.05  # of those, with the same birth date too

    def p(self, base: float) -> float:
        return min(1.0, base * self.noise)


@dataclass
class _Person:
    pid: int
    name: tuple[str, ...]  # surname, middle…, given
    sex: str
    dob: datetime.date
    cccd: str
    cmnd: str
    phone: str
    ward: tuple[str, str]
    address: str
    extra_records: int = 0
    moves: list = field(default_factory=list)


class Generator:
    def __init__(self, *, seed: int, rates: Rates | None = None):
        self.rnd = random.Random(seed)
        self.rates = rates or Rates()
        self.wards = _wards()
        self._ids: set[str] = set()
        self._phones: set[str] = set()
        self._people: list[_Person] = []
        self._next_pid = 1
        s, w = zip(*_SURNAMES, strict=True)
        self._surnames, self._surname_w = list(s), list(w)
        self._mm = [list(x) for x in zip(*_MIDDLE_MALE, strict=True)]
        self._mf = [list(x) for x in zip(*_MIDDLE_FEMALE, strict=True)]
        self._gm, self._gf = _ranked(_GIVEN_MALE), _ranked(_GIVEN_FEMALE)

    # ------------------------------------------------------------ people

    def _surname(self) -> str:
        return self.rnd.choices(self._surnames, self._surname_w)[0]

    def _middle(self, sex: str, year: int) -> str:
        """Văn and Thị were the rule for the parents' generation; the young are
        given them far less often."""
        names, weights = self._mm if sex == "male" else self._mf
        if year >= 1990:
            weights = [
                w * 0.4 if n in ("Văn", "Thị") else w for n, w in zip(names, weights, strict=True)
            ]
        return self.rnd.choices(names, weights)[0]

    def _given(self, sex: str, avoid: str = "") -> str:
        names, weights = self._gm if sex == "male" else self._gf
        while True:
            g = self.rnd.choices(names, weights)[0]
            if g != avoid:
                return g

    def _name(self, surname: str, sex: str, year: int, middle: str | None = None, avoid: str = ""):
        mid = [middle or self._middle(sex, year)]
        if self.rnd.random() < 0.08:
            mid.append(self._middle(sex, year).replace("Thị", "Ngọc").replace("Văn", "Đức"))
        return (surname, *mid, self._given(sex, avoid))

    def _unique(self, pool: set, make) -> str:
        while True:
            value = make()
            if value not in pool:
                pool.add(value)
                return value

    def _cccd(self, dob: datetime.date, sex: str) -> str:
        province = self.rnd.choice(_BIRTH_PROVINCES)
        century = (dob.year // 100 - 19) * 2 + (0 if sex == "male" else 1)
        prefix = f"{province}{century}{dob.year % 100:02d}"
        return self._unique(self._ids, lambda: prefix + f"{self.rnd.randrange(10**6):06d}")

    def _cmnd(self) -> str:
        return self._unique(self._ids, lambda: "10" + f"{self.rnd.randrange(10**7):07d}")

    def _phone(self) -> str:
        return self._unique(
            self._phones,
            lambda: self.rnd.choice(_PHONE_PREFIXES) + f"{self.rnd.randrange(10**8):08d}",
        )

    def _dob(self, lo: int, hi: int) -> datetime.date:
        start = datetime.date(lo, 1, 1).toordinal()
        end = datetime.date(min(hi, 2024), 12, 31).toordinal()
        return datetime.date.fromordinal(self.rnd.randint(start, end))

    def _address(self, ward_name: str) -> str:
        r = self.rnd
        return f"Số {r.randint(1, 200)}, tổ {r.randint(1, 30)}, khu {r.randint(1, 12)}, {ward_name}"

    def _person(self, name, sex, dob, ward, address, phone) -> _Person:
        p = _Person(
            pid=self._next_pid,
            name=name,
            sex=sex,
            dob=dob,
            cccd=self._cccd(dob, sex),
            cmnd=self._cmnd() if dob.year < 1995 and self.rnd.random() < 0.5 else "",
            phone=phone,
            ward=ward,
            address=address,
        )
        self._next_pid += 1
        return p

    def household(self) -> list[_Person]:
        r = self.rnd
        ward = r.choice(self.wards)
        address = self._address(ward[1])
        father_surname = self._surname()
        father_dob = self._dob(1940, 1998)
        people = []
        father = self._person(
            self._name(father_surname, "male", father_dob.year),
            "male",
            father_dob,
            ward,
            address,
            self._phone() if r.random() < 0.9 else "",
        )
        people.append(father)
        if r.random() < 0.8:
            mother_dob = self._dob(father_dob.year - 3, father_dob.year + 6)
            people.append(
                self._person(
                    self._name(self._surname(), "female", mother_dob.year),
                    "female",
                    mother_dob,
                    ward,
                    address,
                    self._phone() if r.random() < 0.85 else "",
                )
            )
        n_children = r.choices([0, 1, 2, 3, 4], [15, 25, 35, 18, 7])[0]
        for _ in range(n_children):
            sex = r.choice(("male", "female"))
            dob = self._dob(father_dob.year + 20, father_dob.year + 42)
            if dob.year > 2024:
                continue
            middle = self._middle(sex, dob.year)
            phone = self._phone() if dob.year < 2006 and r.random() < 0.7 else father.phone
            child = self._person(
                self._name(father_surname, sex, dob.year, middle), sex, dob, ward, address, phone
            )
            people.append(child)
            if r.random() < self.rates.twins:  # twins: same day, address, phone; another name
                sex2 = sex if r.random() < 0.6 else ("female" if sex == "male" else "male")
                twin_name = self._name(
                    father_surname,
                    sex2,
                    dob.year,
                    middle if sex2 == sex else None,
                    avoid=child.name[-1],
                )
                people.append(self._person(twin_name, sex2, dob, ward, address, phone))
        if r.random() < 0.12:  # a grandparent living with them
            sex = r.choice(("male", "female"))
            gdob = self._dob(father_dob.year - 35, father_dob.year - 18)
            if gdob.year >= 1920:
                people.append(
                    self._person(
                        self._name(
                            father_surname if sex == "male" else self._surname(), sex, gdob.year
                        ),
                        sex,
                        gdob,
                        ward,
                        address,
                        "",
                    )
                )
        if self._people and r.random() < self.rates.namesakes * len(people):
            # A stranger elsewhere with the same name and birth year (sometimes the day).
            other = r.choice(self._people)
            same_day = r.random() < self.rates.namesakes_same_day
            dob = other.dob if same_day else self._dob(other.dob.year, other.dob.year)
            w2 = r.choice(self.wards)
            people.append(
                self._person(other.name, other.sex, dob, w2, self._address(w2[1]), self._phone())
            )
        for p in people:
            if r.random() < self.rates.dup_rate:
                p.extra_records = r.choices([1, 2, 3], [80, 15, 5])[0]
        self._people.extend(people[:2])
        if len(self._people) > 5000:
            del self._people[: len(self._people) - 5000]
        return people

    # ------------------------------------------------------------ records

    def _source_record(self, p: _Person, source: str, *, again: bool) -> dict:
        r, rates = self.rnd, self.rates
        tokens = list(p.name)
        dob: str
        age = 2025 - p.dob.year
        # the person's ID as this source knows it
        pid = p.cccd
        if p.cmnd and r.random() < (0.5 if source in ("health", "social_insurance") else 0.15):
            pid = p.cmnd
        if source == "education" and p.dob.year < 1985:
            source = "social_insurance"  # school records are for the young
        presence = {
            "police": 0.99,
            "justice": 0.85,
            "social_insurance": 0.8,
            "health": 0.6,
            "education": 0.35,
        }[source]
        if age < 14:
            presence *= 0.6
        if r.random() > presence:
            pid = ""
        phone = p.phone if r.random() < (0.85 if source != "education" else 0.5) else ""
        ward, address = p.ward, p.address
        sex = p.sex
        d = p.dob
        dob = d.strftime("%d/%m/%Y") if r.random() < 0.7 else d.isoformat()
        if source in ("health", "social_insurance") and age > 60 and r.random() < 0.2:
            dob = str(d.year)  # the elderly often have only a birth year
        if again:
            if r.random() < rates.p(0.03):
                tokens = _typo(r, tokens)
            if r.random() < rates.p(0.015) and tokens[0] in _SURNAME_SWAPS:
                tokens[0] = _SURNAME_SWAPS[tokens[0]]
            if r.random() < rates.p(0.02):
                tokens = _phonetic_confusion(r, tokens)
            if r.random() < rates.p(0.015) and len(tokens) > 2:
                tokens = [tokens[0], *tokens[2:]]  # middle name dropped
            if r.random() < rates.p(0.0125):
                tokens = [tokens[-1], *tokens[:-1]]  # given name written first
            u = r.random()
            if u < rates.p(0.015) and d.day <= 12 and d.day != d.month:
                dob = f"{d.month:02d}/{d.day:02d}/{d.year}"  # day and month swapped
            elif u < rates.p(0.04):
                dob = str(d.year)
            elif u < rates.p(0.05):
                dob = f"{d.month:02d}/{d.year}"
            elif u < rates.p(0.06):
                dob = _digit_typo(r, d.strftime("%d/%m/%Y"), digits_only=True)
            elif u < rates.p(0.0675):
                dob = ""
            u = r.random()
            if pid and u < rates.p(0.01):
                pid = _digit_typo(r, pid)
            elif pid and u < rates.p(0.02):
                pid = _transpose(r, pid)
            elif u < rates.p(0.05):
                pid = ""
            u = r.random()
            if u < rates.p(0.04):
                phone = self._phone()  # a new number
            elif u < rates.p(0.08):
                phone = ""
            if r.random() < rates.p(0.04):
                ward = r.choice(self.wards)  # moved
                address = self._address(ward[1])
            elif r.random() < rates.p(0.01):
                ward, address = ("", ""), ""
            if r.random() < rates.p(0.025):
                sex = ""
        if again and address and r.random() < 0.3:
            address = _address_variant(r, address)
        name = " ".join(tokens)
        if r.random() < 0.15:
            name = name.translate(_ACCENTS)  # typed without accents
        if r.random() < 0.08:
            name = name.upper()
        if phone:
            u = r.random()
            if u < 0.15:
                phone = "+84" + phone[1:]
            elif u < 0.25:
                phone = f"{phone[:4]} {phone[4:7]} {phone[7:]}"
            elif u < 0.30:
                phone = "84" + phone[1:]
        if pid and r.random() < 0.03:
            pid = f"{pid[:3]} {pid[3:6]} {pid[6:]}"
        if sex and r.random() < 0.3:
            sex = {"male": "Nam", "female": "Nữ"}[sex]
        return {
            "full_name": name,
            "date_of_birth": dob,
            "sex": sex,
            "personal_id": pid,
            "phone": phone,
            "address": address,
            "ward_code": ward[0],
            "source": source,
        }

    def records(self, rows: int) -> Iterator[tuple[dict, int]]:
        """`rows` records (dict of the contract's columns) with the person each is of."""
        ids = list(range(1, rows + 1))
        self.rnd.shuffle(ids)
        made = 0
        while made < rows:
            for p in self.household():
                first = "police" if self.rnd.random() < 0.6 else self.rnd.choice(SOURCES)
                sources = [first]
                for _ in range(p.extra_records):
                    sources.append(self.rnd.choice(SOURCES))
                for i, source in enumerate(sources):
                    if made >= rows:
                        return
                    rec = self._source_record(p, source, again=i > 0)
                    rec["record_id"] = f"R{ids[made]:08d}"
                    made += 1
                    yield rec, p.pid


def _address_variant(r: random.Random, address: str) -> str:
    """The same address written another way: abbreviated, without the ward, upper case."""
    parts = [p.strip() for p in address.split(",")]
    kind = r.randrange(4)
    if kind == 0:  # "SN 44, Tổ 18, Khu 9, P. …"
        parts = [p.replace("Số ", "SN ").replace("tổ", "Tổ").replace("khu", "Khu") for p in parts]
        parts[-1] = parts[-1].replace("Phường ", "P. ").replace("Xã ", "X. ")
    elif kind == 1:  # the ward left out (it has its own column)
        parts = parts[:-1]
    elif kind == 2:
        parts = [p.replace("Số ", "") for p in parts]
    else:
        parts = [p.upper() for p in parts]
    return (" - " if kind == 3 else ", ").join(parts)


def _typo(r: random.Random, tokens: list[str]) -> list[str]:
    i = r.randrange(len(tokens))
    t = tokens[i]
    if len(t) < 2:
        return tokens
    j = r.randrange(len(t) - 1)
    kind = r.random()
    if kind < 0.4:
        t = t[:j] + t[j + 1] + t[j] + t[j + 2 :]  # two letters swapped
    elif kind < 0.7:
        t = t[:j] + t[j + 1 :]  # a letter dropped
    else:
        t = t[: j + 1] + t[j] + t[j + 1 :]  # a letter doubled
    return [*tokens[:i], t, *tokens[i + 1 :]]


def _phonetic_confusion(r: random.Random, tokens: list[str]) -> list[str]:
    order = list(range(len(tokens)))
    r.shuffle(order)
    for i in order:
        t = tokens[i]
        low = t.lower()
        options = [(a, b, "i") for a, b in _INITIAL_CONFUSIONS if low.startswith(a)]
        options += [(a, b, "f") for a, b in _FINAL_CONFUSIONS if low.endswith(a)]
        if options:
            a, b, where = r.choice(options)
            if where == "i":
                new = b + t[len(a) :]
                new = new[0].upper() + new[1:] if t[0].isupper() else new
            else:
                new = t[: -len(a)] + b
            return [*tokens[:i], new, *tokens[i + 1 :]]
    return tokens


def _digit_typo(r: random.Random, text: str, digits_only: bool = False) -> str:
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    i = r.choice(positions)
    new = str((int(text[i]) + r.randint(1, 9)) % 10)
    return text[:i] + new + text[i + 1 :]


def _transpose(r: random.Random, text: str) -> str:
    i = r.randrange(len(text) - 1)
    if text[i] == text[i + 1]:
        return _digit_typo(r, text)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def write(
    path: str | Path,
    *,
    rows: int,
    seed: int,
    rates: Rates | None = None,
    truth_path: str | Path | None = None,
) -> Path:
    """Write `rows` records to `path` (CSV in the contract's columns) and the truth
    (`record_id,person_id`) beside it, `<path>.truth.csv` unless given."""
    path = Path(path)
    truth_path = Path(truth_path) if truth_path else truth_path_for(path)
    gen = Generator(seed=seed, rates=rates)
    with (
        path.open("w", newline="", encoding="utf-8") as out,
        truth_path.open("w", newline="", encoding="utf-8") as truth,
    ):
        w = csv.DictWriter(out, fieldnames=COLUMNS)
        w.writeheader()
        t = csv.writer(truth)
        t.writerow(["record_id", "person_id"])
        for rec, person in gen.records(rows):
            w.writerow(rec)
            t.writerow([rec["record_id"], person])
    return truth_path


def truth_path_for(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.stem + ".truth.csv")
