"""The faults of a record written again (DOMAIN.md §8): typos, the phonetic
confusions d/gi/r, ch/tr, s/x, l/n and final n/ng, t/c, Vũ/Võ, accents lost,
digits mistyped or swapped, the same address written another way."""

from __future__ import annotations

import random

# Phonetic confusions of DOMAIN.md §8, as (written, misheard) pairs on the first or
# last letters of a folded or accented syllable.
INITIAL_CONFUSIONS = [("d", "gi"), ("gi", "d"), ("r", "d"), ("d", "r"), ("v", "d"),
                      ("ch", "tr"), ("tr", "ch"), ("s", "x"), ("x", "s"), ("l", "n"),
                      ("n", "l")]  # fmt: skip
FINAL_CONFUSIONS = [("ng", "n"), ("n", "ng"), ("c", "t"), ("t", "c")]
SURNAME_SWAPS = {"Vũ": "Võ", "Võ": "Vũ", "Hoàng": "Huỳnh", "Huỳnh": "Hoàng", "Nguyễn": "Ngyuễn"}

ACCENTS = str.maketrans(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ",
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"
    "AAAAAAAAAAAAAAAAAEEEEEEEEEEEIIIIIOOOOOOOOOOOOOOOOOUUUUUUUUUUUYYYYYD",
)


def address_variant(r: random.Random, address: str) -> str:
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


def typo(r: random.Random, tokens: list[str]) -> list[str]:
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


def phonetic_confusion(r: random.Random, tokens: list[str]) -> list[str]:
    order = list(range(len(tokens)))
    r.shuffle(order)
    for i in order:
        t = tokens[i]
        low = t.lower()
        options = [(a, b, "i") for a, b in INITIAL_CONFUSIONS if low.startswith(a)]
        options += [(a, b, "f") for a, b in FINAL_CONFUSIONS if low.endswith(a)]
        if options:
            a, b, where = r.choice(options)
            if where == "i":
                new = b + t[len(a) :]
                new = new[0].upper() + new[1:] if t[0].isupper() else new
            else:
                new = t[: -len(a)] + b
            return [*tokens[:i], new, *tokens[i + 1 :]]
    return tokens


def digit_typo(r: random.Random, text: str, digits_only: bool = False) -> str:
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    i = r.choice(positions)
    new = str((int(text[i]) + r.randint(1, 9)) % 10)
    return text[:i] + new + text[i + 1 :]


def transpose(r: random.Random, text: str) -> str:
    i = r.randrange(len(text) - 1)
    if text[i] == text[i + 1]:
        return digit_typo(r, text)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
