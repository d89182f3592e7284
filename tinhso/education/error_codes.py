"""Stable error codes of the education app (the API's problem responses carry them)."""

from enum import StrEnum


class EducationErrorCode(StrEnum):
    NOT_A_TEACHER = "education_not_a_teacher"
    NOT_SUBJECT_TEACHER = "education_not_subject_teacher"
    BAD_PERSONAL_ID = "education_bad_personal_id"
    BAD_MARK = "education_bad_mark"
    TERM_CLOSED = "education_term_closed"
    REASON_REQUIRED = "education_reason_required"
    NOT_A_PARENT = "education_not_a_parent"
    TERMS_OPEN = "education_terms_open"
    NOT_HOMEROOM = "education_not_homeroom_teacher"
    BAD_REVIEW = "education_bad_review"
    NOT_ELIGIBLE = "education_not_eligible"
    ALREADY_ISSUED = "education_already_issued"
    BAD_IMPORT = "education_bad_import"
    ROUND_PUBLISHED = "education_round_published"
    ROUND_NOT_MATCHED = "education_round_not_matched"
