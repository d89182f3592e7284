"""A procedure's definition as data, and the validation of a form filled against it.

The definition is checked with pydantic when it is loaded or edited, so that a
broken definition never reaches a citizen. The form is checked on the server with
a Vietnamese message per field.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .fields import FIELD_TYPES, clean_value, in_form

if TYPE_CHECKING:
    FieldType = str
else:  # exactly the registry's names, checked by pydantic as a Literal
    FieldType = Literal[tuple(FIELD_TYPES)]
PrefillKey = Literal["full_name", "personal_id", "date_of_birth", "phone", "email", "address"]
Role = Literal["one_stop_officer", "specialist", "leader"]


class FieldDef(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,49}$")
    label: str = Field(min_length=1, max_length=200)
    type: FieldType
    required: bool = False
    choices: list[str] | None = None
    prefill: PrefillKey | None = None
    help: str = ""
    max_length: int | None = Field(None, ge=1, le=10000)
    min: float | None = None
    max: float | None = None
    not_future: bool | None = None  # dates: None = decided by the name (birth dates)

    @model_validator(mode="after")
    def _choices_for_select(self):
        if self.type == "select" and not self.choices:
            raise ValueError(f"field {self.name}: a select needs choices")
        return self

    @property
    def refuses_future(self) -> bool:
        if self.not_future is not None:
            return self.not_future
        return self.prefill == "date_of_birth" or "sinh" in self.name


class DocumentDef(BaseModel):
    model_config = ConfigDict(extra="ignore")
    kind: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")
    label: str = Field(min_length=1, max_length=300)
    required: bool = True
    # Procedures whose signed result stands for this paper (reused from the store).
    accepts: list[str] = []


class StepDef(BaseModel):
    model_config = ConfigDict(extra="ignore")
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")
    name: str = Field(min_length=1, max_length=200)
    role: Role
    days: float = Field(ge=0, le=365)


class ProcedureDefinition(BaseModel):
    model_config = ConfigDict(extra="ignore")
    code: str = Field(pattern=r"^[0-9]\.[0-9]{6}(\.[A-Z0-9]{1,10})?$")
    name: str = Field(min_length=3, max_length=500)
    sector: str
    agency: str
    level: Literal["province", "ward"]
    online_level: Literal["full", "partial"]
    processing_days: int = Field(ge=0, le=365)
    # Working days after the agency receives the dossier within which it may ask for a
    # supplement on its own; later, only a leader may (Decree 118/2025/NĐ-CP: 3 by
    # default; sector law may set another limit, hence data per version).
    supplement_within_days: int = Field(3, ge=0, le=60)
    fee: int = Field(0, ge=0)
    fee_note: str = ""
    legal_basis: list[str] = []
    result_type: str = ""
    documents: list[DocumentDef] = []
    fields: list[FieldDef] = []
    steps: list[StepDef] = []

    @field_validator("fields")
    @classmethod
    def _unique_names(cls, fields: list[FieldDef]):
        names = [f.name for f in fields]
        if len(names) != len(set(names)):
            raise ValueError("field names must be unique")
        return fields

    @field_validator("documents")
    @classmethod
    def _unique_kinds(cls, documents: list[DocumentDef]):
        kinds = [d.kind for d in documents]
        if len(kinds) != len(set(kinds)):
            raise ValueError("document kinds must be unique")
        return documents

    @model_validator(mode="after")
    def _steps_fit_the_deadline(self):
        total = sum(s.days for s in self.steps)
        if self.steps and abs(total - self.processing_days) > 0.01:
            raise ValueError(
                f"steps take {total} working days but the procedure takes {self.processing_days}"
            )
        if self.level == "ward" and not any(f.type == "unit" for f in self.fields):
            raise ValueError("a ward-level procedure needs a unit field (where it is filed)")
        return self


# ---------------------------------------------------------------- form data


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_form_data(
    fields: list[FieldDef],
    data: dict[str, Any],
    *,
    today: datetime.date,
    unit_exists,
    partial: bool = False,
) -> tuple[dict[str, Any], dict[str, str]]:
    """(cleaned data, errors by field). `partial` (a saved draft) skips the
    required check but still refuses wrong values."""
    if not isinstance(data, dict):
        return {}, {"data": _("Phải là một đối tượng JSON.")}
    known = {f.name: f for f in fields if in_form(f)}
    errors: dict[str, str] = {}
    for name in data:
        if name not in known:
            errors[name] = _("Biểu mẫu của thủ tục này không có trường này.")
    cleaned: dict[str, Any] = {}
    for name, field in known.items():
        raw = data.get(name)
        if _is_empty(raw) or (field.type == "checkbox" and raw is False and field.required):
            if field.required and not partial:
                errors[name] = _("%(label)s là bắt buộc.") % {"label": field.label}
            elif field.type == "checkbox":
                cleaned[name] = False
            continue
        try:
            cleaned[name] = clean_value(field, raw, today=today, unit_exists=unit_exists)
        except ValueError as exc:
            errors[name] = str(exc)
    return cleaned, errors
