"""Dossier services: filing (the applicant's draft and papers) and the one door
through which a dossier's status changes (`take_action`, which alone applies the
transitions of transitions.py); steps.py keeps the control slip and the clock."""

from tinhso.core.identity import mask_id

from .. import workflow
from .actions import allowed_actions, may, sign_in_bulk, take_action
from .common import (
    check_answers,
    current_documents,
    definition_of,
    missing_documents,
    prefilled_fields,
    profile_values,
    tracking_link,
)
from .declaration import with_declarations
from .drafts import approve_and_sign, save_result_draft
from .fees import recording_fee_payment
from .filing import attach_document, attach_from_store, create_dossier, update_draft
from .steps import open_step

__all__ = [
    "allowed_actions",
    "approve_and_sign",
    "attach_document",
    "attach_from_store",
    "check_answers",
    "create_dossier",
    "current_documents",
    "definition_of",
    "mask_id",
    "recording_fee_payment",
    "may",
    "missing_documents",
    "open_step",
    "prefilled_fields",
    "save_result_draft",
    "sign_in_bulk",
    "profile_values",
    "take_action",
    "tracking_link",
    "update_draft",
    "with_declarations",
    "workflow",
]
