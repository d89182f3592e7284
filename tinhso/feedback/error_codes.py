"""Stable error codes of citizen feedback (in the API's problem responses)."""


class FeedbackErrorCode:
    INVALID = "feedback_invalid"
    UNKNOWN_CATEGORY = "feedback_unknown_category"
    NO_PLACE = "feedback_no_place"
    TOO_MANY_PHOTOS = "feedback_too_many_photos"
    PHONE_NOT_CONFIRMED = "feedback_phone_not_confirmed"
    BAD_PHONE_CODE = "feedback_bad_phone_code"
    NO_ROUTE = "feedback_no_route"
    WRONG_STATE = "feedback_wrong_state"
    NOT_REPORTER = "feedback_not_reporter"
    REOPENED_ALREADY = "feedback_reopened_already"
    NOT_DUPLICATE = "feedback_not_duplicate"
