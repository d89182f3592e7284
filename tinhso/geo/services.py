"""Loading the administrative units (reference data; idempotent)."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from django.core.cache import caches
from django.db import transaction
from vietnam_provinces import Province, Ward

from tinhso.audit.services import record_event
from tinhso.core.errors import ValidationFailed
from tinhso.core.text import fold

from .error_codes import GeoErrorCode
from .models import REFORM_DATE, AdministrativeUnit, UnitLevel

DATA_DIR = Path(__file__).parent / "data"
HOME_PROVINCE_CACHE_KEY = "geo:home_province"


def province_code(value: int | str) -> str:
    return f"{int(value):02d}"


def ward_code(value: int | str) -> str:
    return f"{int(value):05d}"


@transaction.atomic
def load_units(*, actor=None) -> dict[str, int]:
    """All 34 provinces and all their wards from `vietnam-provinces`, plus the former
    units kept as data in `geo/data/legacy_units_*.csv`. Running it again updates
    names and adds what is new; nothing is deleted."""
    rows: list[AdministrativeUnit] = []
    for p in Province.iter_all():
        code = province_code(p.code)
        rows.append(
            AdministrativeUnit(
                code=code,
                name=p.name,
                codename=p.codename,
                level=UnitLevel.PROVINCE,
                division_type=p.division_type.value,
                parent=None,
                valid_from=None,
                valid_to=None,
                name_folded=fold(p.name),
            )
        )
    for w in Ward.iter_all():
        rows.append(
            AdministrativeUnit(
                code=ward_code(w.code),
                name=w.name,
                codename=w.codename,
                level=UnitLevel.WARD,
                division_type=w.division_type.value,
                parent_id=province_code(w.province_code),
                valid_from=REFORM_DATE,
                valid_to=None,
                name_folded=fold(w.name),
            )
        )
    before = AdministrativeUnit.objects.count()
    # provinces first so that wards find their parent (PostgreSQL checks the FK)
    provinces = [r for r in rows if r.level == UnitLevel.PROVINCE]
    wards = [r for r in rows if r.level == UnitLevel.WARD]
    fields = ["name", "codename", "level", "division_type", "parent", "name_folded"]
    for batch in (provinces, wards):
        AdministrativeUnit.objects.bulk_create(
            batch,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=fields,
        )
    legacy = 0
    for path in sorted(DATA_DIR.glob("legacy_units_*.csv")):
        legacy += _load_legacy(path)
    after = AdministrativeUnit.objects.count()
    caches["local"].delete(HOME_PROVINCE_CACHE_KEY)
    counts = {
        "provinces": len(provinces),
        "wards": len(wards),
        "legacy": legacy,
        "added": after - before,
    }
    record_event(
        actor=actor,
        action="geo.units_loaded",
        object_type="geo.AdministrativeUnit",
        object_id="*",
        after=counts,
    )
    return counts


def _load_legacy(path: Path) -> int:
    """Former units (before 1 July 2025) with their successors, named as today."""
    count = 0
    with path.open(encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            parent = AdministrativeUnit.objects.filter(code=row["parent"]).first()
            if parent is None:
                raise ValidationFailed(
                    f"{path.name}:{line}: unknown parent {row['parent']}",
                    code=GeoErrorCode.BAD_LEGACY_ROW,
                )
            unit, _created = AdministrativeUnit.objects.update_or_create(
                code=f"{int(row['code']):03d}",
                defaults={
                    "name": row["name"],
                    "level": UnitLevel.DISTRICT,
                    "division_type": row["division_type"],
                    "parent": parent,
                    "valid_from": _date(row["valid_from"]),
                    "valid_to": _date(row["valid_to"]),
                    "name_folded": fold(row["name"]),
                },
            )
            names = [n.strip() for n in row["successors"].split("|") if n.strip()]
            found = list(
                AdministrativeUnit.objects.filter(
                    parent=parent, level=UnitLevel.WARD, name__in=names
                )
            )
            if len(found) != len(names):
                missing = set(names) - {u.name for u in found}
                raise ValidationFailed(
                    f"{path.name}:{line}: successors not found: {', '.join(sorted(missing))}",
                    code=GeoErrorCode.BAD_LEGACY_ROW,
                )
            unit.successors.set(found)
            count += 1
    return count


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None
