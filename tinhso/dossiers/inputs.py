"""What each dossier action takes (CONTRACT.md, "Action bodies"), defined once.

One pydantic model per action, named by its line of the transitions table
(workflow.py). From these models come the API's body (`api_body`: every key an
action takes, each checked for its shape only, as the API always did), the
officer's form (its fields, and which are required) and what `take_action` hands
to the action (`parse`: the action's own rules, refused with a Vietnamese message
naming the field). Rules that need the database or the clock (an assignee of the
agency, a working day after today) stay with the action.
"""

from __future__ import annotations

import datetime
import typing
from typing import Annotated, Any, Literal

from annotated_types import MaxLen
from django.utils.translation import gettext as _
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
)

from tinhso.core.errors import ValidationFailed

Note = Annotated[str, Field(max_length=2000), AfterValidator(str.strip)]
Item = Annotated[str, AfterValidator(lambda item: item.strip()[:300])]


def _blank(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


class ActionInput(BaseModel):
    """Every action takes an optional note (for the timeline and the applicant)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    note: Note = ""

    @field_validator("*")
    @classmethod
    def _required_is_not_blank(cls, value: Any, info: ValidationInfo) -> Any:
        """A required answer left blank (a form posts empty strings) is missing."""
        if cls.model_fields[info.field_name].is_required() and _blank(value):
            raise ValueError("blank")
        return value


class WithReason(ActionInput):
    """Refusing and sending back say why."""

    note: Note


class SupplementRequest(ActionInput):
    """Everything missing, listed once (form 02), each item with its reason
    (`reasons`, in the order of `items`; optional)."""

    items: Annotated[list[Item], Field(max_length=50)]
    reasons: Annotated[list[Item], Field(max_length=50)] = []

    @field_validator("items")
    @classmethod
    def _every_item_says_something(cls, items: list[str]) -> list[str]:
        if not all(items):
            raise ValueError("blank item")
        return items


class SupplementDone(ActionInput):
    """The applicant's "I have finished the supplement": at least one answer or paper
    changed since the request, or `no_change`, their recorded statement that nothing
    needs changing (with the reason in `note`, optional)."""

    no_change: bool = False


class Submission(ActionInput):
    """How the applicant will collect the result (desk, post, online); none: online."""

    result_delivery: Literal["desk", "post", "online"] | None = None


class Assignment(ActionInput):
    """The specialist's username; none: round robin in the agency."""

    assignee: str | None = Field(None, max_length=150)


class Forwarding(ActionInput):
    """The code of the agency that takes the dossier over."""

    agency: str = Field(max_length=40)


class Apology(WithReason):
    """A late agency's reason and new appointment (form 04, Decree 118/2025/NĐ-CP); the
    statutory deadline stays (`Dossier.appointment_date`)."""

    new_due_date: datetime.date


class Decline(WithReason):
    """A received dossier that will not be resolved: refused (it does not qualify) or
    stopped (processing cannot go on), with the reason, as a notice to the citizen."""

    notice: Literal["refusal", "stop"] = "refusal"


class Rating(ActionInput):
    """The applicant's rating, 1 to 5, with an optional comment."""

    rating: int = Field(ge=1, le=5)
    comment: str | None = Field(None, max_length=2000)

    @field_validator("rating", mode="before")
    @classmethod
    def _a_whole_number(cls, value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError("not a whole number")
        return value


def _messages() -> dict[str, tuple[str, str]]:
    """What a refusal says, per field: the summary, and beside the field."""
    return {
        "note": (_("Cần ghi rõ lý do."), _("Cần ghi rõ lý do.")),
        "items": (
            _("Liệt kê đầy đủ những gì cần bổ sung (ít nhất một mục)."),
            _("Cần ít nhất một mục."),
        ),
        "agency": (_("Chọn một cơ quan khác để chuyển hồ sơ."), _("Cơ quan không hợp lệ.")),
        "new_due_date": (
            _("Ngày hẹn mới phải là một ngày sau hôm nay (YYYY-MM-DD)."),
            _("Ngày hẹn mới không hợp lệ."),
        ),
        "rating": (_("Chọn mức đánh giá từ 1 đến 5."), _("Từ 1 đến 5.")),
        "no_change": (
            _(
                "Bạn chưa sửa thông tin hay tải lên giấy tờ nào từ khi được yêu cầu bổ sung. "
                "Hãy bổ sung, hoặc xác nhận rằng không cần thay đổi gì."
            ),
            _("Bổ sung ít nhất một mục, hoặc đánh dấu ô này."),
        ),
        "notice": (
            _("Chọn từ chối giải quyết hoặc dừng giải quyết."),
            _("Chọn một trong hai."),
        ),
    }


def invalid(field: str) -> ValidationFailed:
    """The refusal of `field`, also for the actions' own checks of it."""
    summary, beside = _messages().get(field, (_("Giá trị không hợp lệ."),) * 2)
    return ValidationFailed(summary, fields={field: beside})


M = typing.TypeVar("M", bound=ActionInput)


def _limit(info) -> int | None:
    return next((m.max_length for m in info.metadata if isinstance(m, MaxLen)), None)


def _cut(model: type[ActionInput], payload: dict[str, Any]) -> dict[str, Any]:
    """Text and lists longer than the model allows are cut, as the actions always did
    with what a form sends (the API refuses them before: `api_body`)."""
    out = dict(payload)
    for name, info in model.model_fields.items():
        value, limit = out.get(name), _limit(info)
        if isinstance(value, str):
            value = value.strip()
        if limit is not None and isinstance(value, str | list):
            value = value[:limit]
        if name in out:
            out[name] = value
    return out


def parse(model: type[M], payload: dict[str, Any] | None) -> M:
    """The action's input, or `ValidationFailed` naming the first field at fault."""
    try:
        return model.model_validate(_cut(model, payload or {}))
    except ValidationError as exc:
        location = exc.errors()[0]["loc"]
        raise invalid(str(location[0]) if location else "note") from None


def api_body(models: typing.Iterable[type[ActionInput]], *, name: str, base, doc: str):
    """One body for the API's action endpoint: every key any action takes, with its
    shape (type, length, range) but not whether this action needs it — that is
    `parse`'s, after the permission and state checks. A key no action takes is
    refused."""
    fields: dict[str, tuple[Any, Any]] = {}
    for model in models:
        for key, info in model.model_fields.items():
            shape = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
            if not info.is_required():
                if key not in fields or fields[key][1] is None:
                    fields[key] = (shape, info.default)
            elif key not in fields:
                fields[key] = (shape | None, None)
    return create_model(name, __base__=base, __doc__=doc, **fields)
