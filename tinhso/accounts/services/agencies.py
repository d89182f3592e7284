"""The province's agencies: loaded from data/agencies.csv with a People's Committee
for each ward, and their contact details kept by their leaders."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.audit.services import record_event
from tinhso.core.errors import ValidationFailed
from tinhso.geo.models import AdministrativeUnit, UnitLevel

from .. import authz
from ..models import Agency, AgencyKind, Role, User

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def _agency_code(agency: Agency | None) -> str:
    return agency.code if agency is not None else ""


def province_label(province: AdministrativeUnit) -> str:
    """'tỉnh Quảng Ninh', 'thành phố Hải Phòng' — as it follows an agency's name."""
    if province.division_type == "tỉnh":
        return f"tỉnh {province.name}"
    return province.name[0].lower() + province.name[1:]


@transaction.atomic
def load_agencies(*, province_code: str, actor=None) -> dict[str, int]:
    """The province's agencies (data/agencies.csv) and a People's Committee for each
    of its current wards. Idempotent: names are refreshed, nothing is removed."""
    province = AdministrativeUnit.objects.filter(
        code=province_code, level=UnitLevel.PROVINCE
    ).first()
    if province is None:
        raise ValidationFailed(
            _("Không có tỉnh/thành phố mã %(code)s.") % {"code": province_code},
            fields={"province": _("Mã tỉnh không tồn tại.")},
        )
    label = province_label(province)
    created = 0
    by_code: dict[str, Agency] = {}
    with (DATA_DIR / "agencies.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            parent = by_code.get(row["parent"]) if row["parent"] else None
            agency, was_created = _upsert_agency(
                code=row["code"],
                name=row["name"].format(province=label),
                short_name=row["short_name"],
                kind=row["kind"],
                parent=parent,
                unit=province,
                head_title=row.get("head_title", ""),
            )
            by_code[agency.code] = agency
            created += was_created
    root = by_code["UBND"]
    wards = AdministrativeUnit.objects.filter(
        parent=province, level=UnitLevel.WARD, valid_to__isnull=True
    )
    for ward in wards:
        _ward_agency, was_created = _upsert_agency(
            code=f"UBND{ward.code}",
            name=f"Ủy ban nhân dân {ward.name[0].lower()}{ward.name[1:]}",
            short_name=f"UBND {ward.name}",
            kind=AgencyKind.WARD_COMMITTEE,
            parent=root,
            unit=ward,
            head_title=WARD_COMMITTEE_HEAD,
        )
        created += was_created
    _apply_desks()
    total = Agency.objects.count()
    record_event(
        actor=actor,
        action="accounts.agencies_loaded",
        object_type="accounts.Agency",
        object_id="*",
        after={"province": province_code, "created": created, "total": total},
    )
    return {"created": created, "total": total}


WARD_COMMITTEE_HEAD = "CHỦ TỊCH"  # of a People's Committee


def _apply_desks() -> None:
    """Where and when each one-stop desk receives people (data/desks.csv): a row per
    agency code, or `*ward` for every ward People's Committee. An empty cell leaves
    what an administrator set."""
    with (DATA_DIR / "desks.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            changes = {k: row[k] for k in ("address", "phone", "opening_hours") if row.get(k)}
            if not changes:
                continue
            if row["code"] == "*ward":
                Agency.objects.filter(kind=AgencyKind.WARD_COMMITTEE).update(**changes)
            else:
                Agency.objects.filter(code=row["code"]).update(**changes)


def _upsert_agency(
    *, code, name, short_name, kind, parent, unit, head_title=""
) -> tuple[Agency, bool]:
    path = (parent.path if parent else "/") + code + "/"
    agency, created = Agency.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "short_name": short_name,
            "kind": kind,
            "parent": parent,
            "unit": unit,
            "path": path,
            "head_title": head_title,
        },
    )
    return agency, created


@transaction.atomic
def create_agency(
    *, actor: User | None, code: str, name: str, kind: str, parent: Agency, unit=None
) -> Agency:
    """A new agency under `parent` (a school under its Department, say), by an
    administrator of the parent; `actor=None` only from trusted code. Idempotent."""
    if actor is not None:
        authz.require_role(actor, Role.ADMINISTRATOR, agency=parent)
    agency, created = _upsert_agency(
        code=code, name=name, short_name="", kind=kind, parent=parent, unit=unit or parent.unit
    )
    if created:
        record_event(
            actor=actor,
            action="accounts.agency_created",
            object_type="accounts.Agency",
            object_id=agency.code,
            after={"name": name, "kind": kind, "parent": parent.code},
            agency_code=parent.code,
        )
    return agency


@transaction.atomic
def update_agency(
    *,
    actor: User,
    agency: Agency,
    email: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    cut_off_time: datetime.time | None = None,
) -> Agency:
    """Contact details and the daily cut-off hour, by the agency's leader or an administrator."""
    authz.require_role(actor, {Role.LEADER, Role.ADMINISTRATOR}, agency=agency)
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    before = _agency_snapshot(agency)
    changes = {
        "email": email,
        "phone": phone,
        "address": address,
        "cut_off_time": cut_off_time,
    }
    for field, value in changes.items():
        if value is not None:
            setattr(agency, field, value)
    try:
        agency.full_clean(exclude=["parent", "unit", "path"])
    except DjangoValidationError as exc:
        raise ValidationFailed(
            _("Thông tin cơ quan không hợp lệ."),
            fields={k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()},
        ) from exc
    agency.save()
    record_event(
        actor=actor,
        action="accounts.agency_updated",
        object_type="accounts.Agency",
        object_id=agency.code,
        before=before,
        after=_agency_snapshot(agency),
        agency_code=agency.code,
    )
    return agency


def _agency_snapshot(agency: Agency) -> dict:
    return {
        "email": agency.email,
        "phone": agency.phone,
        "address": agency.address,
        "cut_off_time": agency.cut_off_time.isoformat() if agency.cut_off_time else None,
    }
