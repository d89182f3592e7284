# ruff: noqa: S311  (test data: reproducible, not secret)
"""How records are mistyped when people write them down (DOMAIN.md §8): the slips of
the synthetic population's names, dates, IDs and contacts, and how they are typed.
A mixin of `generator.Generator`, drawing from its seeded random streams."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import faults

if TYPE_CHECKING:
    from .generator import Rates


@dataclass
class _Written:
    """A record as it is being written down, before it is typed."""

    tokens: list[str]  # surname, middle…, given
    dob: str
    sex: str
    pid: str
    phone: str
    ward: tuple[str, str]
    address: str


class Slips:
    """The generator's mistakes, drawn from the generator's own streams and helpers."""

    rnd: random.Random
    extra: random.Random  # the optional columns' stream
    rates: Rates
    wards: list[tuple[str, str]]

    def _phone(self) -> str:
        raise NotImplementedError  # the generator's

    def _address(self, ward_name: str) -> str:
        raise NotImplementedError  # the generator's

    def _parent_slips(self, name: str, *, again: bool) -> str:
        x = self.extra
        tokens = name.split()
        if again and x.random() < self.rates.p(0.03):
            tokens = faults.typo(x, tokens)
        if again and len(tokens) > 2 and tokens[1] in ("Thị", "Văn") and x.random() < 0.1:
            tokens = [tokens[0], *tokens[2:]]
        text = " ".join(tokens)
        if x.random() < 0.15:
            text = text.translate(faults.ACCENTS)
        return text.upper() if x.random() < 0.08 else text

    def _name_slips(self, w: _Written) -> None:
        r, rates = self.rnd, self.rates
        if r.random() < rates.p(0.03):
            w.tokens = faults.typo(r, w.tokens)
        if r.random() < rates.p(0.015) and w.tokens[0] in faults.SURNAME_SWAPS:
            w.tokens[0] = faults.SURNAME_SWAPS[w.tokens[0]]
        if r.random() < rates.p(0.02):
            w.tokens = faults.phonetic_confusion(r, w.tokens)
        if r.random() < rates.p(0.015) and len(w.tokens) > 2:
            w.tokens = [w.tokens[0], *w.tokens[2:]]  # middle name dropped
        if r.random() < rates.p(0.0125):
            w.tokens = [w.tokens[-1], *w.tokens[:-1]]  # given name written first

    def _date_slips(self, w: _Written, d: datetime.date) -> None:
        r, rates = self.rnd, self.rates
        u = r.random()
        if u < rates.p(0.015) and d.day <= 12 and d.day != d.month:
            w.dob = f"{d.month:02d}/{d.day:02d}/{d.year}"  # day and month swapped
        elif u < rates.p(0.04):
            w.dob = str(d.year)
        elif u < rates.p(0.05):
            w.dob = f"{d.month:02d}/{d.year}"
        elif u < rates.p(0.06):
            w.dob = faults.digit_typo(r, d.strftime("%d/%m/%Y"), digits_only=True)
        elif u < rates.p(0.0675):
            w.dob = ""

    def _id_and_contact_slips(self, w: _Written) -> None:
        """A mistyped or missing ID, a new or no phone, a move, no sex, another address."""
        r, rates = self.rnd, self.rates
        u = r.random()
        if w.pid and u < rates.p(0.01):
            w.pid = faults.digit_typo(r, w.pid)
        elif w.pid and u < rates.p(0.02):
            w.pid = faults.transpose(r, w.pid)
        elif u < rates.p(0.05):
            w.pid = ""
        u = r.random()
        if u < rates.p(0.04):
            w.phone = self._phone()  # a new number
        elif u < rates.p(0.08):
            w.phone = ""
        if r.random() < rates.p(0.04):
            w.ward = r.choice(self.wards)  # moved
            w.address = self._address(w.ward[1])
        elif r.random() < rates.p(0.01):
            w.ward, w.address = ("", ""), ""
        if r.random() < rates.p(0.025):
            w.sex = ""
        if w.address and r.random() < 0.3:
            w.address = faults.address_variant(r, w.address)

    def _as_typed(self, w: _Written, source: str) -> dict:
        """The record in the contract's columns, typed as people type: without
        accents, in capitals, phones and IDs in every format, Nam/Nữ."""
        r = self.rnd
        name = " ".join(w.tokens)
        if r.random() < 0.15:
            name = name.translate(faults.ACCENTS)  # typed without accents
        if r.random() < 0.08:
            name = name.upper()
        phone = w.phone
        if phone:
            u = r.random()
            if u < 0.15:
                phone = "+84" + phone[1:]
            elif u < 0.25:
                phone = f"{phone[:4]} {phone[4:7]} {phone[7:]}"
            elif u < 0.30:
                phone = "84" + phone[1:]
        pid = w.pid
        if pid and r.random() < 0.03:
            pid = f"{pid[:3]} {pid[3:6]} {pid[6:]}"
        sex = w.sex
        if sex and r.random() < 0.3:
            sex = {"male": "Nam", "female": "Nữ"}[sex]
        return {
            "full_name": name,
            "date_of_birth": w.dob,
            "sex": sex,
            "personal_id": pid,
            "phone": phone,
            "address": w.address,
            "ward_code": w.ward[0],
            "source": source,
        }
