"""Facilities as data (data/facilities.csv) and their practitioners."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.accounts import services as accounts
from tinhso.accounts.models import HEALTH_ROLES, Agency, AgencyKind, User
from tinhso.core.errors import ValidationFailed
from tinhso.geo.models import AdministrativeUnit, UnitLevel

from ..models import Facility, FacilityKind, Practitioner
from ._common import audit

__all__ = ["load_facilities", "create_facility", "add_practitioner", "FACILITIES_CSV"]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
FACILITIES_CSV = DATA_DIR / "facilities.csv"
DEPARTMENT = "SYT"  # Sở Y tế: the facilities' agencies hang under it


def _agency_code(code: str) -> str:
    return f"YT{code}"


@transaction.atomic
def create_facility(
    *, actor, code: str, name: str, kind: str, unit: AdministrativeUnit | None = None,
    source: str = "",
) -> Facility:  # fmt: skip
    """A facility, as an agency under the Department of Health (roles scope to it).
    Idempotent by code: a second call refreshes the name, kind and unit."""
    if len(code) != 5 or not code.isalnum():
        raise ValidationFailed(
            _("Mã cơ sở y tế gồm đúng 5 ký tự chữ hoặc số."), fields={"code": _("Sai mã.")}
        )
    if kind not in FacilityKind.values:
        raise ValidationFailed(_("Loại hình cơ sở y tế không hợp lệ."), fields={"kind": kind})
    department = Agency.objects.get(code=DEPARTMENT)
    agency = accounts.create_agency(
        actor=actor,
        code=_agency_code(code),
        name=name,
        kind=AgencyKind.OTHER,
        parent=department,
        unit=unit,
    )
    facility, created = Facility.objects.get_or_create(
        code=code,
        defaults={"agency": agency, "name": name, "kind": kind, "unit": unit, "source": source},
    )
    if created:
        audit(actor, "health.facility_created", facility, facility=facility,
              after={"code": code, "kind": kind})  # fmt: skip
    elif (facility.name, facility.kind, facility.unit_id) != (name, kind, unit and unit.pk):
        facility.name, facility.kind, facility.unit, facility.source = name, kind, unit, source
        facility.save(update_fields=["name", "kind", "unit", "source"])
    return facility


def load_facilities(*, path: Path = FACILITIES_CSV, province_code: str = "22") -> dict[str, int]:
    """The province's facilities from the CSV (see data/README.md). Idempotent; does
    nothing for another province's deployment (the file is Quảng Ninh's)."""
    wards = {
        u.name: u
        for u in AdministrativeUnit.objects.filter(
            parent_id=province_code, level=UnitLevel.WARD, valid_to__isnull=True
        )
    }
    if not wards or not Agency.objects.filter(code=DEPARTMENT).exists():
        return {"total": 0, "created": 0}
    before = Facility.objects.count()
    total = 0
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if not row["code"].startswith(province_code):
                continue
            create_facility(
                actor=None,
                code=row["code"],
                name=row["name"],
                kind=row["kind"],
                unit=wards.get(row["ward"]) if row["ward"] else None,
                source=row["source"],
            )
            total += 1
    return {"total": total, "created": Facility.objects.count() - before}


@transaction.atomic
def add_practitioner(
    *, actor, facility: Facility, user: User, role: str, licence_number: str = "", title: str = ""
) -> Practitioner:
    """A health role at the facility (by an administrator covering it), and the
    practitioner's licence."""
    if role not in HEALTH_ROLES:
        raise ValidationFailed(_("Vai trò không phải vai trò y tế."), fields={"role": role})
    accounts.grant_role(actor=actor, user=user, role=role, agency=facility.agency)
    practitioner, _created = Practitioner.objects.get_or_create(user=user)
    if licence_number or title:
        practitioner.licence_number = licence_number or practitioner.licence_number
        practitioner.title = title or practitioner.title
        practitioner.save(update_fields=["licence_number", "title"])
    audit(actor, "health.practitioner_added", practitioner, facility=facility,
          after={"user": user.pk, "role": role, "facility": facility.code})  # fmt: skip
    return practitioner
