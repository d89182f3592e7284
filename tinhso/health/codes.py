"""Code lists the record uses: ICD-10 (a subset, as data; see data/README.md), the
vital signs (LOINC with their UCUM units) and the vaccines (CVX and the national
programme's names)."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext_lazy as _

DATA_DIR = Path(__file__).resolve().parent / "data"
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10"
LOINC_SYSTEM = "http://loinc.org"
UCUM_SYSTEM = "http://unitsofmeasure.org"
CVX_SYSTEM = "http://hl7.org/fhir/sid/cvx"
SNOMED_SYSTEM = "http://snomed.info/sct"


@functools.cache
def icd10() -> dict[str, str]:
    """code → Vietnamese title."""
    with (DATA_DIR / "icd10.csv").open(encoding="utf-8") as fh:
        return {row["code"]: row["title"] for row in csv.DictReader(fh)}


@dataclass(frozen=True)
class VitalSign:
    code: str  # LOINC
    display: str
    label: object  # Vietnamese, translatable
    unit: str  # UCUM
    low: Decimal
    high: Decimal


VITAL_SIGNS: dict[str, VitalSign] = {
    v.code: v
    for v in (
        VitalSign("8867-4", "Heart rate", _("Mạch"), "/min", Decimal(20), Decimal(250)),
        VitalSign("8480-6", "Systolic blood pressure", _("Huyết áp tâm thu"), "mm[Hg]",
                  Decimal(50), Decimal(260)),
        VitalSign("8462-4", "Diastolic blood pressure", _("Huyết áp tâm trương"), "mm[Hg]",
                  Decimal(30), Decimal(160)),
        VitalSign("8310-5", "Body temperature", _("Nhiệt độ"), "Cel", Decimal(30), Decimal(45)),
        VitalSign("9279-1", "Respiratory rate", _("Nhịp thở"), "/min", Decimal(4), Decimal(80)),
        VitalSign("29463-7", "Body weight", _("Cân nặng"), "kg", Decimal("0.3"), Decimal(400)),
        VitalSign("8302-2", "Body height", _("Chiều cao"), "cm", Decimal(20), Decimal(260)),
        VitalSign("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry",
                  _("SpO2"), "%", Decimal(50), Decimal(100)),
    )
}  # fmt: skip

# Vaccines of the expanded programme and COVID-19 (CVX codes; the Vietnamese name).
VACCINES: dict[str, str] = {
    "08": "Viêm gan B (sơ sinh)",
    "19": "Lao (BCG)",
    "110": "DTaP-Viêm gan B-Bại liệt (phối hợp)",
    "120": "DTaP-Hib-Bại liệt (phối hợp)",
    "146": "Vắc xin 6 trong 1 (DTaP-IPV-Hib-HepB)",
    "10": "Bại liệt tiêm (IPV)",
    "02": "Bại liệt uống (OPV)",
    "03": "Sởi - Quai bị - Rubella (MMR)",
    "05": "Sởi",
    "39": "Viêm não Nhật Bản",
    "21": "Thủy đậu",
    "88": "Cúm",
    "208": "COVID-19, Pfizer-BioNTech (Comirnaty)",
    "207": "COVID-19, Moderna (Spikevax)",
    "210": "COVID-19, AstraZeneca (Vaxzevria)",
    "510": "COVID-19, Sinopharm (BIBP)",
    "115": "Uốn ván - Bạch hầu - Ho gà (Tdap)",
    "09": "Uốn ván - Bạch hầu (Td)",
}
