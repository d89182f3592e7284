"""The life of a dossier: one table of allowed transitions (CONTRACT.md).

Each action names who may take it (checked first: 403) and the states it may be
taken from (checked second: 409). The services in `services.py` carry out an
action; nothing else changes a dossier's status.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Status

# What each line of a timeline says (actions beyond these keep their code).
ACTION_LABELS = {
    "create": _("Tạo hồ sơ"),
    "attach": _("Đính kèm giấy tờ"),
    "submit": _("Nộp hồ sơ"),
    "withdraw": _("Rút hồ sơ"),
}

APPLICANT = "applicant"  # the citizen or business who filed the dossier


@dataclass(frozen=True)
class Transition:
    action: str
    actors: frozenset[str]  # roles, or APPLICANT
    sources: frozenset[str]
    target: str | None  # None: computed by the service (e.g. back where it was)


def _t(action: str, actors: set[str], sources: set[str], target: str | None) -> Transition:
    return Transition(action, frozenset(actors), frozenset(sources), target)


# The one-stop steps beyond submission (receive, assign, approve…) are added with
# the back-office module; each row is all that module needs to declare.
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("submit", {APPLICANT}, {Status.DRAFT}, Status.SUBMITTED),
        _t(
            "withdraw",
            {APPLICANT},
            {
                Status.DRAFT,
                Status.SUBMITTED,
                Status.RECEIVED,
                Status.IN_PROGRESS,
                Status.AWAITING_SUPPLEMENT,
                Status.AWAITING_APPROVAL,
            },
            Status.WITHDRAWN,
        ),
    ]
}

OPEN_STATES = frozenset(
    {
        Status.SUBMITTED,
        Status.RECEIVED,
        Status.IN_PROGRESS,
        Status.AWAITING_SUPPLEMENT,
        Status.AWAITING_APPROVAL,
        Status.APPROVED,
        Status.RESULT_READY,
    }
)
EDITABLE_STATES = frozenset({Status.DRAFT})


def transition(action: str) -> Transition | None:
    return TRANSITIONS.get(action)
