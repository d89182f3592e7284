"""English names of the catalogue (procedures, papers, sectors, agencies) as data:
data/catalogue_en.csv, one row `kind,code,name_en` (kind: procedure, paper,
sector, agency; a paper by its kind, an agency by its code). A name missing there
falls back to the Vietnamese, which is the legal name."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA_FILE = Path(__file__).parent / "data" / "catalogue_en.csv"
KINDS = frozenset({"procedure", "paper", "sector", "agency"})


@cache
def names() -> dict[tuple[str, str], str]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return {
            (row["kind"], row["code"]): row["name_en"].strip()
            for row in csv.DictReader(fh)
            if row["kind"] in KINDS and row["name_en"].strip()
        }


def english_name(kind: str, code: str) -> str | None:
    return names().get((kind, code))


def localized(kind: str, code: str, vietnamese: str, *, language: str | None = None) -> str:
    """The name in the page's language: English when the page is in English and the
    data has it; otherwise the Vietnamese."""
    language = language or get_language() or "vi"
    if language.startswith("en"):
        return english_name(kind, code) or vietnamese
    return vietnamese
