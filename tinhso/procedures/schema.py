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
            raise ValueError(
                _("Trường %(name)s: danh sách chọn cần có các lựa chọn.") % {"name": self.name}
            )
        return self

    @property
    def refuses_future(self) -> bool:
        if self.not_future is not None:
            return self.not_future
        return self.prefill == "date_of_birth" or "sinh" in self.name


PaperForm = Literal["original", "copy", "certified_copy", "electronic"]


class DocumentDef(BaseModel):
    model_config = ConfigDict(extra="ignore")
    kind: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")
    label: str = Field(min_length=1, max_length=300)
    required: bool = True
    # What the receipt slip lists (form 01): the paper's form and how many (bản chính,
    # bản sao, bản sao chứng thực, bản điện tử). None: as the applicant gives it.
    form: PaperForm | None = None
    copies: int = Field(1, ge=1, le=100)
    # Procedures whose signed result stands for this paper (reused from the store).
    accepts: list[str] = []
    # Once-only: the declaration (tờ khai) whose every line the online form holds. It
    # is never asked for as an upload online; it is made from the answers, as a PDF,
    # and attached to the dossier when it is submitted (and again after a supplement).
    generated: bool = False


class StepDef(BaseModel):
    model_config = ConfigDict(extra="ignore")
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")
    name: str = Field(min_length=1, max_length=200)
    role: Role
    days: float = Field(ge=0, le=365)


class FeeTier(BaseModel):
    """A price per unit for the units up to `upto` (inclusive; None: all the rest)."""

    model_config = ConfigDict(extra="ignore")
    upto: int | None = Field(None, ge=1)
    price: int = Field(ge=0)


class FeeExemption(BaseModel):
    """No fee when the answer `field` equals `equals`, or (a date) is at most
    `within_days` days before the filing day."""

    model_config = ConfigDict(extra="ignore")
    field: str
    equals: str | bool | int | None = None
    within_days: int | None = Field(None, ge=0, le=3650)
    reason: str = Field(min_length=1, max_length=300)


class FeeRule(BaseModel):
    """The fee computed from the form (see `fees.fee_for`): `base` per filing, plus
    the units counted by the answer `per` priced by `tiers`, at most `cap` for one
    copy, times the answer `copies`; `exemptions` waive it; `source` is the legal
    text that sets it."""

    model_config = ConfigDict(extra="ignore")
    base: int = Field(0, ge=0)
    per: str | None = None
    tiers: list[FeeTier] = []
    cap: int | None = Field(None, ge=0)
    copies: str | None = None
    exemptions: list[FeeExemption] = []
    source: str = Field("", max_length=300)

    @model_validator(mode="after")
    def _tiers_in_order(self):
        bounds = [t.upto for t in self.tiers]
        if None in bounds[:-1] or bounds[:-1] != sorted(b for b in bounds[:-1] if b is not None):
            raise ValueError(
                _("Các bậc phí phải tăng dần; chỉ bậc cuối được để trống giới hạn (upto).")
            )
        if self.tiers and self.per is None:
            raise ValueError(_("Biểu phí theo bậc cần trường đếm đơn vị tính (per)."))
        return self


class CaseDef(BaseModel):
    """A case of a procedure with its own deadline (the national catalogue's
    'trường hợp'), chosen by the applicant's answers: `when` maps a field to the
    values that select it. Without its own steps, the procedure's are scaled."""

    model_config = ConfigDict(extra="ignore")
    label: str = Field(min_length=1, max_length=200)
    when: dict[str, list[str | bool | int]]
    processing_days: int = Field(ge=0, le=365)
    steps: list[StepDef] = []

    @model_validator(mode="after")
    def _steps_fit(self):
        total = sum(s.days for s in self.steps)
        if self.steps and abs(total - self.processing_days) > 0.01:
            raise ValueError(
                _("Trường hợp %(label)s: các bước cộng lại %(total)s ngày làm việc, khác %(days)s.")
                % {"label": self.label, "total": total, "days": self.processing_days}
            )
        return self


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
    fee: int = Field(0, ge=0)  # the flat fee, or the least one pays (for lists)
    fee_note: str = ""  # public: shown to citizens on the procedure page and the receipt
    fee_rule: FeeRule | None = None
    # Internal: the catalogue's own note on its data (what is not verified yet, and
    # where from); never shown to citizens. Unverified entries are listed for admins.
    data_note: str = ""
    data_verified: bool = True
    legal_basis: list[str] = []
    # Who may use the service (đối tượng thực hiện), as the procedure page says it;
    # empty: said from the form (a business's fields, an authorisation paper).
    who: str = Field("", max_length=500)
    result_type: str = ""
    # The result's kind in its number, "Số: 12/GCN-STP" (Decree 30/2020, Appendix III).
    result_symbol: str = Field("", pattern=r"^[A-ZĐ]{0,10}$")
    cases: list[CaseDef] = []
    documents: list[DocumentDef] = []
    fields: list[FieldDef] = []
    steps: list[StepDef] = []

    @field_validator("fields")
    @classmethod
    def _unique_names(cls, fields: list[FieldDef]):
        names = [f.name for f in fields]
        if len(names) != len(set(names)):
            raise ValueError(_("Tên các trường của biểu mẫu phải khác nhau."))
        return fields

    @field_validator("documents")
    @classmethod
    def _unique_kinds(cls, documents: list[DocumentDef]):
        kinds = [d.kind for d in documents]
        if len(kinds) != len(set(kinds)):
            raise ValueError(_("Mã các loại giấy tờ phải khác nhau."))
        return documents

    @model_validator(mode="after")
    def _steps_fit_the_deadline(self):
        total = sum(s.days for s in self.steps)
        if self.steps and abs(total - self.processing_days) > 0.01:
            raise ValueError(
                _("Các bước cộng lại %(total)s ngày làm việc, khác thời hạn %(days)s ngày.")
                % {"total": total, "days": self.processing_days}
            )
        if self.level == "ward" and not any(f.type == "unit" for f in self.fields):
            raise ValueError(_("Thủ tục cấp xã cần một trường chọn phường/xã (nơi nộp hồ sơ)."))
        names = {f.name for f in self.fields}
        asked = [c for case in self.cases for c in case.when]
        if self.fee_rule is not None:
            rule = self.fee_rule
            asked += [n for n in (rule.per, rule.copies) if n] + [e.field for e in rule.exemptions]
        unknown = sorted(set(asked) - names)
        if unknown:
            raise ValueError(
                _("Trường hợp và biểu phí nêu trường mà biểu mẫu không có: %(names)s.")
                % {"names": ", ".join(unknown)}
            )
        return self

    def for_answers(self, data: dict[str, Any]) -> ProcedureDefinition:
        """This definition with the deadline and steps of the case `data` selects
        (the first that matches), or itself."""
        for case in self.cases:
            if all(data.get(name) in values for name, values in case.when.items()):
                steps = case.steps or _scaled(
                    self.steps, case.processing_days, self.processing_days
                )
                return self.model_copy(
                    update={"processing_days": case.processing_days, "steps": steps}
                )
        return self


def _scaled(steps: list[StepDef], days: int, of: int) -> list[StepDef]:
    if not steps or not of:
        return steps
    return [s.model_copy(update={"days": s.days * days / of}) for s in steps]


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
