# ruff: noqa: S311  (test data: reproducible, not secret)
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
from tinhso.population.normalize import OPTIONAL_COLUMNS

from . import faults
from .names import (
    BIRTH_PROVINCES,
    GIVEN_FEMALE,
    GIVEN_MALE,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    PHONE_PREFIXES,
    SURNAMES,
    province_wards,
    ranked,
)
from .slips import Slips, _Written

SOURCES = ("police", "justice", "social_insurance", "health", "education")


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
    # the optional columns (issue 19), drawn from a random stream of their own
    birth_place: str = ""  # province code
    hometown: str = ""  # province code
    father_name: str = ""
    mother_name: str = ""
    ethnicity: str = ""


PROVINCES = {
    "022": "Quảng Ninh", "001": "Hà Nội", "031": "Hải Phòng", "030": "Hải Dương",
    "033": "Hưng Yên", "034": "Thái Bình", "036": "Nam Định", "037": "Ninh Bình",
    "024": "Bắc Giang", "019": "Thái Nguyên", "038": "Thanh Hóa", "040": "Nghệ An",
}  # fmt: skip
ETHNICITIES = (("Kinh", 88), ("Dao", 4), ("Tày", 3), ("Sán Dìu", 3), ("Hoa", 2))
# What each source holds of the optional columns, and how often (issue 19): police
# all, justice the birth place and parents, health a child's mother, education the
# parents, social insurance the hometown.
_OPTIONAL_PRESENCE = {
    "police": {"birth_place": 0.95, "hometown": 0.95, "father_name": 0.9,
               "mother_name": 0.95, "ethnicity": 0.97},
    "justice": {"birth_place": 0.9, "father_name": 0.85, "mother_name": 0.95},
    "health": {"mother_name": 0.7},  # children only
    "education": {"father_name": 0.8, "mother_name": 0.9},
    "social_insurance": {"hometown": 0.8},
}  # fmt: skip


# How often each source holds the person's ID (less often for children). Social
# insurance keys its records by the social-insurance code, matched against the
# national population database for nearly every contributor since 2023: most of its
# records carry the personal ID. Health: since 2024 the chip ID card (or VNeID) is
# the health-insurance card at check-in, so most adults' records carry it, but older
# records and walk-ins without a card do not.
_ID_PRESENCE = {
    "police": 0.99,
    "justice": 0.85,
    "social_insurance": 0.9,
    "health": 0.8,
    "education": 0.35,
}


class Generator(Slips):
    def __init__(self, *, seed: int, rates: Rates | None = None):
        self.rnd = random.Random(seed)
        self.rates = rates or Rates()
        self.wards = province_wards()
        self._ids: set[str] = set()
        self._phones: set[str] = set()
        self._people: list[_Person] = []
        self._next_pid = 1
        s, w = zip(*SURNAMES, strict=True)
        self._surnames, self._surname_w = list(s), list(w)
        self._mm = [list(x) for x in zip(*MIDDLE_MALE, strict=True)]
        self._mf = [list(x) for x in zip(*MIDDLE_FEMALE, strict=True)]
        self._gm, self._gf = ranked(GIVEN_MALE), ranked(GIVEN_FEMALE)
        # The optional columns draw from their own stream: the contract's columns
        # stay byte for byte what they were for a seed.
        self.extra = random.Random(f"optional-columns-{seed}")

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
        province = self.rnd.choice(BIRTH_PROVINCES)
        century = (dob.year // 100 - 19) * 2 + (0 if sex == "male" else 1)
        prefix = f"{province}{century}{dob.year % 100:02d}"
        return self._unique(self._ids, lambda: prefix + f"{self.rnd.randrange(10**6):06d}")

    def _cmnd(self) -> str:
        return self._unique(self._ids, lambda: "10" + f"{self.rnd.randrange(10**7):07d}")

    def _phone(self) -> str:
        return self._unique(
            self._phones,
            lambda: self.rnd.choice(PHONE_PREFIXES) + f"{self.rnd.randrange(10**8):08d}",
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
        self._background(p)
        return p

    def _extra_name(self, surname: str, sex: str, year: int) -> str:
        x = self.extra
        middles, weights = self._mm if sex == "male" else self._mf
        names, gw = self._gm if sex == "male" else self._gf
        middle = x.choices(middles, weights)[0]
        if year >= 1990 and middle in ("Văn", "Thị") and x.random() < 0.6:
            middle = x.choices(middles, weights)[0]
        return f"{surname} {middle} {x.choices(names, gw)[0]}"

    def _background(self, p: _Person) -> None:
        """Birth place, hometown, ethnicity and parents' names of a person drawn
        without a family here (parents of the household get them fresh)."""
        x = self.extra
        codes = list(PROVINCES)
        # The 12-digit personal ID is issued by the province where the birth was
        # registered (its first 3 digits), then century and sex, then the year: a real
        # ID agrees with the person's birth place, sex and birth date.
        p.birth_place = p.cccd[:3]
        p.hometown = p.birth_place if x.random() < 0.6 else x.choice(codes)
        p.ethnicity = x.choices([e for e, _w in ETHNICITIES], [w for _e, w in ETHNICITIES])[0]
        year = p.dob.year - 25
        p.father_name = self._extra_name(p.name[0], "male", year)
        p.mother_name = self._extra_name(
            x.choices(self._surnames, self._surname_w)[0], "female", year
        )

    def _family(self, father: _Person, mother: list[_Person], children: list[_Person]) -> None:
        """Children carry their parents' names (siblings and twins share them)."""
        mother_name = " ".join(mother[0].name) if mother else ""
        for child in children:
            child.father_name = " ".join(father.name)
            child.mother_name = mother_name or child.mother_name
            child.ethnicity = father.ethnicity
            if self.extra.random() < 0.8:
                child.hometown = father.hometown  # quê quán follows the father

    def household(self) -> list[_Person]:
        """A family at one address: a father, often a mother, their children (twins
        now and then), sometimes a grandparent, and now and then a stranger elsewhere
        who shares a name with someone drawn before."""
        r = self.rnd
        ward = r.choice(self.wards)
        address = self._address(ward[1])
        surname = self._surname()
        dob = self._dob(1940, 1998)
        name = self._name(surname, "male", dob.year)
        phone = self._phone() if r.random() < 0.9 else ""
        father = self._person(name, "male", dob, ward, address, phone)
        mother, children = self._mother(father), self._children(father)
        self._family(father, mother, children)
        people = [father, *mother, *children]
        people += self._grandparent(father)
        people += self._namesake(len(people))
        for p in people:
            if r.random() < self.rates.dup_rate:
                p.extra_records = r.choices([1, 2, 3], [80, 15, 5])[0]
        self._people.extend(people[:2])
        if len(self._people) > 5000:
            del self._people[: len(self._people) - 5000]
        return people

    def _mother(self, father: _Person) -> list[_Person]:
        r = self.rnd
        if r.random() >= 0.8:
            return []
        dob = self._dob(father.dob.year - 3, father.dob.year + 6)
        name = self._name(self._surname(), "female", dob.year)
        phone = self._phone() if r.random() < 0.85 else ""
        return [self._person(name, "female", dob, father.ward, father.address, phone)]

    def _children(self, father: _Person) -> list[_Person]:
        """The father's children, with his surname, his phone when they are young."""
        r = self.rnd
        children = []
        for _ in range(r.choices([0, 1, 2, 3, 4], [15, 25, 35, 18, 7])[0]):
            sex = r.choice(("male", "female"))
            dob = self._dob(father.dob.year + 20, father.dob.year + 42)
            if dob.year > 2024:
                continue
            middle = self._middle(sex, dob.year)
            phone = self._phone() if dob.year < 2006 and r.random() < 0.7 else father.phone
            name = self._name(father.name[0], sex, dob.year, middle)
            child = self._person(name, sex, dob, father.ward, father.address, phone)
            children.append(child)
            if r.random() < self.rates.twins:
                children.append(self._twin(child, middle))
        return children

    def _twin(self, child: _Person, middle: str) -> _Person:
        """Same day, address and phone; another given name."""
        r = self.rnd
        sex = child.sex if r.random() < 0.6 else ("female" if child.sex == "male" else "male")
        name = self._name(
            child.name[0],
            sex,
            child.dob.year,
            middle if sex == child.sex else None,
            avoid=child.name[-1],
        )
        return self._person(name, sex, child.dob, child.ward, child.address, child.phone)

    def _grandparent(self, father: _Person) -> list[_Person]:
        """A grandparent living with them, now and then."""
        r = self.rnd
        if r.random() >= 0.12:
            return []
        sex = r.choice(("male", "female"))
        dob = self._dob(father.dob.year - 35, father.dob.year - 18)
        if dob.year < 1920:
            return []
        surname = father.name[0] if sex == "male" else self._surname()
        name = self._name(surname, sex, dob.year)
        return [self._person(name, sex, dob, father.ward, father.address, "")]

    def _namesake(self, household_size: int) -> list[_Person]:
        """A stranger elsewhere with the same name and birth year (sometimes the day)."""
        r = self.rnd
        if not (self._people and r.random() < self.rates.namesakes * household_size):
            return []
        other = r.choice(self._people)
        same_day = r.random() < self.rates.namesakes_same_day
        dob = other.dob if same_day else self._dob(other.dob.year, other.dob.year)
        ward = r.choice(self.wards)
        address = self._address(ward[1])
        return [self._person(other.name, other.sex, dob, ward, address, self._phone())]

    # ------------------------------------------------------------ records

    def _source_record(self, p: _Person, source: str, *, again: bool) -> dict:
        """One record of `p` as `source` wrote it; `again`: not the first time, with
        the slips of a record written again."""
        source, w = self._as_known_to(p, source)
        if again:
            self._name_slips(w)
            self._date_slips(w, p.dob)
            self._id_and_contact_slips(w)
        return {**self._as_typed(w, source), **self._optional(p, source, again=again)}

    def _optional(self, p: _Person, source: str, *, again: bool) -> dict:
        """The optional columns as `source` holds them: codes or text for places,
        parents' names with the slips of the person's own."""
        x = self.extra
        presence = _OPTIONAL_PRESENCE.get(source, {})
        if source == "health" and 2025 - p.dob.year >= 16:
            presence = {}
        out = dict.fromkeys(OPTIONAL_COLUMNS, "")
        for column, share in presence.items():
            if x.random() >= share:
                continue
            value = getattr(p, column)
            if column in ("birth_place", "hometown"):
                value = self._place(value, coded=source == "police" and x.random() < 0.5)
            elif column.endswith("_name"):
                value = self._parent_slips(value, again=again)
            out[column] = value
        return out

    def _place(self, code: str, *, coded: bool) -> str:
        if coded:
            return code
        name = PROVINCES.get(code, "Quảng Ninh")
        u = self.extra.random()
        if u < 0.3:
            return f"Tỉnh {name}" if code not in ("001", "031") else f"Thành phố {name}"
        return name.translate(faults.ACCENTS) if u < 0.4 else name

    def _as_known_to(self, p: _Person, source: str) -> tuple[str, _Written]:
        """What `source` knows of `p`: which ID (or none), the phone, the birth date."""
        r = self.rnd
        age = 2025 - p.dob.year
        pid = p.cccd
        if p.cmnd and r.random() < (0.5 if source in ("health", "social_insurance") else 0.15):
            pid = p.cmnd
        if source == "education" and p.dob.year < 1985:
            source = "social_insurance"  # school records are for the young
        presence = _ID_PRESENCE[source] * (0.6 if age < 14 else 1)
        if r.random() > presence:
            pid = ""
        phone = p.phone if r.random() < (0.85 if source != "education" else 0.5) else ""
        d = p.dob
        dob = d.strftime("%d/%m/%Y") if r.random() < 0.7 else d.isoformat()
        if source in ("health", "social_insurance") and age > 60 and r.random() < 0.2:
            dob = str(d.year)  # the elderly often have only a birth year
        written = _Written(list(p.name), dob, p.sex, pid, phone, p.ward, p.address)
        return source, written

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


def write(
    path: str | Path,
    *,
    rows: int,
    seed: int,
    rates: Rates | None = None,
    truth_path: str | Path | None = None,
    optional: bool = True,
) -> Path:
    """Write `rows` records to `path` (CSV in the contract's columns) and the truth
    (`record_id,person_id`) beside it, `<path>.truth.csv` unless given. Without
    `optional`, only the contract's required columns (the same values)."""
    path = Path(path)
    truth_path = Path(truth_path) if truth_path else truth_path_for(path)
    gen = Generator(seed=seed, rates=rates)
    with (
        path.open("w", newline="", encoding="utf-8") as out,
        truth_path.open("w", newline="", encoding="utf-8") as truth,
    ):
        w = csv.DictWriter(
            out, fieldnames=COLUMNS + OPTIONAL_COLUMNS if optional else COLUMNS,
            extrasaction="ignore",
        )  # fmt: skip
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
