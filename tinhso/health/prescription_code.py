"""The national e-prescription code (mã đơn thuốc điện tử), as the national prescription
system (Hệ thống đơn thuốc quốc gia, donthuocquocgia.vn) issues it: 14 characters, the
5-character code of the prescribing facility (mã cơ sở khám bệnh, chữa bệnh), 7
characters unique within that facility, `-`, one letter for the kind of prescription
(DOMAIN.md §9).

The kind letters follow the Ministry of Health's connection guide for the national
prescription system (Quyết định 808/QĐ-BYT, 2022; kê đơn điện tử under Thông tư
27/2021/TT-BYT): `c` an ordinary prescription (đơn thuốc cơ bản), `n` narcotic drugs
(thuốc gây nghiện), `h` psychotropic drugs and precursors (thuốc hướng thần, tiền
chất), `y` traditional medicine (y học cổ truyền). The HL7 Vietnam core FHIR guide
names the same identifier system (`vn-prescription-code-ns`).
"""

from __future__ import annotations

import re
import secrets

ORDINARY, NARCOTIC, PSYCHOTROPIC, TRADITIONAL = "c", "n", "h", "y"
KINDS = (ORDINARY, NARCOTIC, PSYCHOTROPIC, TRADITIONAL)
CONTROLLED = (NARCOTIC, PSYCHOTROPIC)
LENGTH = 14
SERIAL_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"

_FACILITY = re.compile(r"[0-9A-Za-z]{5}")
_CODE = re.compile(r"(?P<facility>[0-9A-Za-z]{5})(?P<serial>[0-9a-z]{7})-(?P<kind>[cnhy])")


class InvalidPrescriptionCode(ValueError):
    pass


def generate(*, facility_code: str, kind: str) -> str:
    """A new code: 7 random characters (36^7, about 78 billion per facility; the
    caller keeps the code unique and draws again on the rare collision)."""
    if not _FACILITY.fullmatch(facility_code or ""):
        raise InvalidPrescriptionCode(f"facility code {facility_code!r} is not 5 characters")
    if kind not in KINDS:
        raise InvalidPrescriptionCode(f"unknown prescription kind {kind!r}")
    serial = "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(7))
    return f"{facility_code}{serial}-{kind}"


def normalize(text: str) -> str:
    """What a scanner or a person typed: spaces and surrounding noise dropped, the
    serial and kind in lower case (the facility code keeps its case)."""
    cleaned = "".join((text or "").split())
    if len(cleaned) != LENGTH:
        return cleaned
    return cleaned[:5] + cleaned[5:].lower()


def parse(text: str) -> tuple[str, str, str]:
    """`(facility_code, serial, kind)` of a valid code, else InvalidPrescriptionCode."""
    match = _CODE.fullmatch(normalize(text))
    if match is None:
        raise InvalidPrescriptionCode(f"{text!r} is not a prescription code")
    return match["facility"], match["serial"], match["kind"]


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except InvalidPrescriptionCode:
        return False
    return True


def kind_of(code: str) -> str:
    return parse(code)[2]
