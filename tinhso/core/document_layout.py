"""The layout rules of an administrative document (Decree 30/2020/NĐ-CP on clerical
work, Appendix I): the issuing agency's lines, the number and symbol, the place and
date line, and the signer's title. Pure functions over strings, so every slip and
result the platform draws follows them the same way.
"""

from __future__ import annotations

import datetime
import re

# Prefixes of an administrative unit's name that the place line leaves out (Decree
# 30/2020, Appendix I, II.5.a: the unit's proper name; a ward named by a number
# keeps its kind: "Phường 5").
_UNIT_PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ", "Thị trấn ")


def place_name(unit_name: str) -> str:
    """'Tỉnh Quảng Ninh' or 'Quảng Ninh' → 'Quảng Ninh'; 'Phường Hạ Long' → 'Hạ Long';
    'Phường 5' stays 'Phường 5'."""
    name = (unit_name or "").strip()
    for prefix in _UNIT_PREFIXES:
        if name.lower().startswith(prefix.lower()):
            rest = name[len(prefix) :].strip()
            return name if rest.isdigit() else rest
    return name


def date_words(day: datetime.date) -> str:
    """'ngày 26 tháng 02 năm 2026': a day below 10 and the months 1 and 2 get a
    leading zero (Decree 30/2020, Appendix I, II.5.b)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date_line(place: str, day: datetime.date) -> str:
    """'Quảng Ninh, ngày 26 tháng 02 năm 2026': top right, under the national motto;
    no clock time."""
    return f"{place_name(place)}, {date_words(day)}"


def number_line(sequence: int, *, kind: str, agency: str) -> str:
    """'Số: 12/GCN-STP': the number in the agency's register of this kind for the
    year, from 01 (Decree 30/2020, Art. 15 and Appendix I, II.4), then the kind's and
    the issuing agency's abbreviations."""
    symbol = "-".join(part for part in (kind, agency) if part)
    return f"Số: {sequence:02d}/{symbol}" if symbol else f"Số: {sequence:02d}"


def issuing_lines(*, parent_name: str, agency_name: str, province: str) -> tuple[str, str]:
    """(the line of the directly superior agency, the issuing agency's line), upper
    case. The province is named once, on the superior agency's line: 'ỦY BAN NHÂN DÂN
    TỈNH QUẢNG NINH' over 'SỞ TƯ PHÁP', not 'SỞ TƯ PHÁP TỈNH QUẢNG NINH'. People's
    Committees have no superior line (Decree 30/2020, Appendix I, II.3)."""
    agency = agency_name.strip()
    if parent_name and province:
        for suffix in (f" tỉnh {province}", f" thành phố {province}", f" {province}"):
            if agency.lower().endswith(suffix.lower()) and len(agency) > len(suffix):
                agency = agency[: -len(suffix)].rstrip()
                break
    return (parent_name.upper() if parent_name else "", agency.upper())


def signature_titles(*, position_title: str, head_title: str) -> list[str]:
    """The lines above a signer's name (Decree 30/2020, Art. 13 and Appendix I, II.8):
    the head signs under their own title ('CHỦ TỊCH'); a deputy signs for the head
    ('KT. GIÁM ĐỐC' over 'PHÓ GIÁM ĐỐC'). Without the signer's title, no line."""
    position = re.sub(r"\s+", " ", (position_title or "").strip()).upper()
    head = re.sub(r"\s+", " ", (head_title or "").strip()).upper()
    if not position:
        return []  # no title on record: none is invented
    if not head or position == head or position.startswith(("KT. ", "TM. ", "TL. ", "TUQ. ")):
        return [position]
    return [f"KT. {head}", position]
