"""Writes to the procedure catalogue: loading the reference data and editing,
each change a new immutable version with its audit event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from pydantic import ValidationError as PydanticValidationError

from tinhso.accounts import authz
from tinhso.accounts.models import Agency, Role
from tinhso.audit.services import record_event
from tinhso.core.errors import ValidationFailed
from tinhso.core.text import fold

from . import selectors
from .error_codes import ProceduresErrorCode
from .models import Procedure, ProcedureVersion, Sector
from .schema import ProcedureDefinition

DATA_FILE = Path(__file__).parent / "data" / "procedures.json"
WARD_AGENCY = "WARD"  # in the data: handled by the People's Committee of the ward filed at


def _problem(error: dict[str, Any]) -> str:
    """A pydantic error, said in Vietnamese (its own messages are English)."""
    ctx = error.get("ctx") or {}
    if error["type"] == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    messages = {
        "missing": _("thiếu"),
        "string_pattern_mismatch": _("không đúng dạng"),
        "string_too_short": _("quá ngắn"),
        "string_too_long": _("quá dài"),
        "greater_than_equal": _("phải từ %(ge)s trở lên"),
        "less_than_equal": _("không được quá %(le)s"),
        "literal_error": _("phải là một trong: %(expected)s"),
        "int_parsing": _("phải là số nguyên"),
        "int_type": _("phải là số nguyên"),
        "int_from_float": _("phải là số nguyên"),
        "float_parsing": _("phải là một số"),
        "bool_parsing": _("phải là có hoặc không"),
        "bool_type": _("phải là có hoặc không"),
        "string_type": _("phải là chuỗi ký tự"),
        "list_type": _("phải là một danh sách"),
        "dict_type": _("phải là một đối tượng"),
        "model_type": _("phải là một đối tượng"),
    }
    template = messages.get(error["type"], _("giá trị không hợp lệ"))
    try:
        return template % {k: str(v) for k, v in ctx.items()}
    except (KeyError, TypeError, ValueError):
        return template


def parse_definition(raw: dict[str, Any]) -> ProcedureDefinition:
    try:
        return ProcedureDefinition.model_validate(raw)
    except PydanticValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'definition'}: {_problem(e)}"
            for e in exc.errors()
        )
        raise ValidationFailed(
            _("Định nghĩa thủ tục không hợp lệ: %(problems)s") % {"problems": problems},
            code=ProceduresErrorCode.BAD_DEFINITION,
            fields={"definition": problems},
        ) from exc


def _search_text(definition: ProcedureDefinition, sector: Sector) -> str:
    return fold(" ".join([definition.code, definition.name, sector.name, definition.result_type]))


def _agency_for(definition: ProcedureDefinition) -> Agency | None:
    if definition.agency == WARD_AGENCY:
        return None
    agency = Agency.objects.filter(code=definition.agency).first()
    if agency is None:
        raise ValidationFailed(
            _("Không có cơ quan mã %(code)s.") % {"code": definition.agency},
            code=ProceduresErrorCode.UNKNOWN_AGENCY,
            fields={"agency": _("Cơ quan không tồn tại.")},
        )
    return agency


def _apply(
    *, definition: ProcedureDefinition, actor, note: str, procedure: Procedure | None
) -> tuple[Procedure, bool]:
    """Create the procedure or add a version when the definition changed."""
    sector = Sector.objects.filter(code=definition.sector).first()
    if sector is None:
        raise ValidationFailed(
            _("Không có lĩnh vực mã %(code)s.") % {"code": definition.sector},
            code=ProceduresErrorCode.UNKNOWN_SECTOR,
            fields={"sector": _("Lĩnh vực không tồn tại.")},
        )
    agency = _agency_for(definition)
    data = definition.model_dump(mode="json", exclude_none=True)
    if procedure is not None:
        current = procedure.versions.order_by("-number").first()
        if current is not None and current.data == data:
            return procedure, False
    columns = {
        "name": definition.name,
        "sector": sector,
        "agency": agency,
        "level": definition.level,
        "online_level": definition.online_level,
        "processing_days": definition.processing_days,
        "fee": definition.fee,
        "fee_note": definition.fee_note,
        "data_note": definition.data_note[:300],
        "data_verified": definition.data_verified,
        "result_type": definition.result_type,
        "search_text": _search_text(definition, sector),
    }
    before = None
    if procedure is None:
        procedure = Procedure.objects.create(code=definition.code, version=1, **columns)
    else:
        before = {"version": procedure.version}
        for key, value in columns.items():
            setattr(procedure, key, value)
        procedure.version += 1
        procedure.save()
    ProcedureVersion.objects.create(
        procedure=procedure,
        number=procedure.version,
        data=data,
        note=note[:300],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    selectors.forget_catalogue()  # this process sees the change at once…
    transaction.on_commit(selectors.forget_catalogue)  # …and not the state just before it
    record_event(
        actor=actor,
        action="procedures.version_created",
        object_type="procedures.Procedure",
        object_id=procedure.code,
        before=before,
        after={"version": procedure.version, "note": note[:300]},
        agency_code=agency.code if agency else "",
    )
    return procedure, True


@transaction.atomic
def load_catalogue(*, path: Path = DATA_FILE, actor=None) -> dict[str, int]:
    """The reference catalogue (data/procedures.json): new procedures are created,
    changed ones get a new version, unchanged ones are left alone."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    for s in raw.get("sectors", []):
        Sector.objects.update_or_create(code=s["code"], defaults={"name": s["name"]})
    created = changed = 0
    for item in raw.get("procedures", []):
        definition = parse_definition(item)
        existing = Procedure.objects.filter(code=definition.code).first()
        _, did = _apply(
            definition=definition,
            actor=actor,
            note="Dữ liệu danh mục",
            procedure=existing,
        )
        if did:
            created += existing is None
            changed += existing is not None
    return {"procedures": Procedure.objects.count(), "created": created, "changed": changed}


def _editors(procedure: Procedure) -> tuple[set[str], dict[str, Any]]:
    """Leaders and administrators of the responsible agency; a ward-level procedure
    (no agency: the ward where it is filed) is the province's catalogue, so only
    administrators whose scope is the whole province edit it, never one ward's."""
    if procedure.agency_id:
        return {Role.LEADER, Role.ADMINISTRATOR}, {"agency": procedure.agency}
    return {Role.ADMINISTRATOR}, {"province": True}


def can_edit(user, procedure: Procedure) -> bool:
    roles, scope = _editors(procedure)
    return authz.has_role(user, roles, **scope)


@transaction.atomic
def update_procedure(
    *, actor, procedure: Procedure, changes: dict[str, Any], note: str
) -> Procedure:
    """An officer's edit: the current definition with `changes` applied, validated
    whole, saved as a new version. A dossier keeps the version it was filed under."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    roles, scope = _editors(procedure)
    authz.require_role(actor, roles, **scope)
    if not (note or "").strip():
        raise ValidationFailed(
            _("Ghi rõ lý do thay đổi."), fields={"note": _("Ghi rõ lý do thay đổi.")}
        )
    current = procedure.versions.order_by("-number").first()
    merged = dict(current.data)
    changes = {k: v for k, v in changes.items() if k != "code"}
    merged.update(changes)
    definition = parse_definition(merged)
    procedure, _changed = _apply(
        definition=definition, actor=actor, note=note.strip(), procedure=procedure
    )
    return procedure
