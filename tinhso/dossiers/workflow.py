"""The life of a dossier: one table of allowed transitions (CONTRACT.md).

Each action names who may take it, and where their role must be held: at the
dossier's one-stop desk or at its processing agency (checked first: 403), the
states it may be taken from (checked second: 409), and what it takes (its input
model, inputs.py: checked third, 400). `services.take_action` carries out an action;
nothing else changes a dossier's status.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import inputs
from .models import CLOCK_RUNNING, Status

APPLICANT = "applicant"  # the citizen or business who filed the dossier
DESK, AGENCY = "desk", "agency"  # where a role must be held

OFFICER = "one_stop_officer"
SPECIALIST = "specialist"
LEADER = "leader"

BEFORE_APPROVAL = frozenset(
    {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.RECEIVED,
        Status.IN_PROGRESS,
        Status.AWAITING_SUPPLEMENT,
        Status.AWAITING_APPROVAL,
    }
)
EDITABLE_STATES = frozenset({Status.DRAFT})


@dataclass(frozen=True)
class Transition:
    action: str
    actors: tuple[tuple[str, str], ...]  # (role, where) pairs, or (APPLICANT, "")
    sources: frozenset[str]
    target: str | None  # None: decided by the service (back where it was, same state)
    label: str
    inputs: type[inputs.ActionInput]  # what the action takes besides its note

    @property
    def roles(self) -> set[str]:
        return {role for role, _where in self.actors}


def _t(action, actors, sources, target, label, takes=inputs.ActionInput) -> Transition:
    return Transition(action, tuple(actors), frozenset(sources), target, label, takes)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t(
            "submit",
            [(APPLICANT, "")],
            {Status.DRAFT},
            Status.SUBMITTED,
            _("Nộp hồ sơ"),
            inputs.Submission,
        ),
        _t("receive", [(OFFICER, DESK)], {Status.SUBMITTED}, Status.RECEIVED, _("Tiếp nhận")),
        _t(
            "request_supplement",  # after its window only a leader (rules.py)
            [(OFFICER, DESK), (SPECIALIST, AGENCY), (LEADER, AGENCY)],
            {Status.SUBMITTED, Status.RECEIVED, Status.IN_PROGRESS},
            Status.AWAITING_SUPPLEMENT,
            _("Yêu cầu bổ sung"),
            inputs.SupplementRequest,
        ),
        _t(
            "supplement",
            [(APPLICANT, "")],
            {Status.AWAITING_SUPPLEMENT},
            None,
            _("Bổ sung hồ sơ"),
            inputs.SupplementDone,
        ),
        _t(
            "refuse",
            [(OFFICER, DESK)],
            {Status.SUBMITTED},
            Status.REFUSED,
            _("Từ chối"),
            inputs.WithReason,
        ),
        _t(
            "assign",
            [(OFFICER, DESK), (LEADER, AGENCY)],
            {Status.RECEIVED},
            Status.IN_PROGRESS,
            _("Phân công xử lý"),
            inputs.Assignment,
        ),
        _t(
            "forward",
            [(SPECIALIST, AGENCY)],
            {Status.IN_PROGRESS},
            Status.IN_PROGRESS,
            _("Chuyển cơ quan khác"),
            inputs.Forwarding,
        ),
        _t(
            "submit_for_approval",
            [(SPECIALIST, AGENCY)],
            {Status.IN_PROGRESS},
            Status.AWAITING_APPROVAL,
            _("Trình phê duyệt"),
        ),
        _t(
            "send_back",
            [(LEADER, AGENCY)],
            {Status.AWAITING_APPROVAL},
            Status.IN_PROGRESS,
            _("Trả lại để xử lý tiếp"),
            inputs.WithReason,
        ),
        _t(
            "approve",
            [(LEADER, AGENCY)],
            {Status.AWAITING_APPROVAL},
            Status.APPROVED,
            _("Phê duyệt"),
        ),
        _t(
            "decline",
            [(SPECIALIST, AGENCY), (LEADER, AGENCY)],
            {Status.IN_PROGRESS, Status.AWAITING_APPROVAL},
            Status.REFUSED,
            _("Từ chối hoặc dừng giải quyết"),
            inputs.Decline,
        ),
        _t("sign", [(LEADER, AGENCY)], {Status.APPROVED}, Status.RESULT_READY, _("Ký kết quả")),
        _t("return", [(OFFICER, DESK)], {Status.RESULT_READY}, Status.RETURNED, _("Trả kết quả")),
        _t(
            "apologize",
            [(OFFICER, DESK), (SPECIALIST, AGENCY), (LEADER, AGENCY)],
            CLOCK_RUNNING,  # a stopped clock is not late
            None,
            _("Xin lỗi, hẹn lại ngày trả"),
            inputs.Apology,
        ),
        _t("withdraw", [(APPLICANT, "")], BEFORE_APPROVAL, Status.WITHDRAWN, _("Rút hồ sơ")),
        _t("rate", [(APPLICANT, "")], {Status.RETURNED}, None, _("Đánh giá"), inputs.Rating),
    ]
}

# Lines of a timeline that are not transitions
ACTION_LABELS = {
    "create": _("Tạo hồ sơ"),
    "attach": _("Đính kèm giấy tờ"),
    "edit": _("Sửa thông tin"),
    **{name: t.label for name, t in TRANSITIONS.items()},
}


def transition(action: str) -> Transition | None:
    return TRANSITIONS.get(action)
