from enum import StrEnum


class DossiersErrorCode(StrEnum):
    UNKNOWN_PROCEDURE = "dossiers_unknown_procedure"
    UNKNOWN_DOSSIER = "dossiers_unknown"
    UNKNOWN_DOCUMENT = "dossiers_unknown_document"
    UNKNOWN_ACTION = "dossiers_unknown_action"
    INVALID_DATA = "dossiers_invalid_data"
    PREFILLED_FIELD = "dossiers_prefilled_field"
    MISSING_DOCUMENTS = "dossiers_missing_documents"
    UNKNOWN_DOCUMENT_KIND = "dossiers_unknown_document_kind"
    NOT_ALLOWED_IN_STATE = "dossiers_not_allowed_in_state"
    NOT_YOURS = "dossiers_not_yours"
    CONCURRENT_CHANGE = "dossiers_concurrent_change"
    ALREADY_APOLOGIZED = "dossiers_already_apologized"  # form 04 is issued once
    TOO_EARLY_TO_APOLOGIZE = "dossiers_too_early_to_apologize"
    SUPPLEMENT_NEEDS_LEADER = "dossiers_supplement_needs_leader"  # past the window
