"""Every write of citizen feedback, one module per family: `reference` (categories and
routing as data), `phones` (an anonymous reporter's phone confirmed by a code),
`reporting` (a report and its photos), `handling` (assignment, forwarding, answer,
rating, reopening, duplicates, publishing)."""

from .handling import (
    FEEDBACK_ROLES,
    answer_report,
    assign_report,
    forward_report,
    merge_duplicate,
    publish_report,
    rate_answer,
    reopen_report,
)
from .phones import confirm_phone, phone_is_confirmed, request_phone_code
from .reference import load_feedback_reference, route
from .reporting import MAX_PHOTOS, submit_report

__all__ = [
    "FEEDBACK_ROLES",
    "MAX_PHOTOS",
    "answer_report",
    "assign_report",
    "confirm_phone",
    "forward_report",
    "load_feedback_reference",
    "merge_duplicate",
    "phone_is_confirmed",
    "publish_report",
    "rate_answer",
    "reopen_report",
    "request_phone_code",
    "route",
    "submit_report",
]
