"""Public tracking's limit on wrong guesses holds for guesses sent at the same moment,
and the kept lookup's check of the form is the form's own."""

import pytest
from django.http import QueryDict

from tinhso.core import throttle
from tinhso.core.models import ThrottleCount
from tinhso.dossiers import tracking
from tinhso.dossiers.views import TrackingForm
from tinhso.testing import at_once, concurrent_connections


@concurrent_connections
def test_a_burst_of_guesses_gets_no_more_than_the_limit_leaves():
    """Nineteen wrong guesses are counted against a code; sixteen more arrive at once
    from sixteen addresses (as many as 4 workers of 4 threads serve together). One is
    compared (the 20th), fifteen are refused before their digits are looked at, and
    given back: the code's count is its twenty failures. (A check, then a count after
    the comparison, let eight of them through.)"""
    code, burst = "QNI-260101-0001", 16
    for _ in range(tracking.TRACKING_FAILURES_PER_HOUR - 1):
        throttle.allow(f"track-code:{code}", limit=20, window_seconds=3600)

    def guess(n):
        try:
            tracking.tracked_dossier(code, "0000", client=f"198.51.100.{n}")
        except tracking.TooManyAttempts:
            return "refused"
        return "compared"

    outcomes = at_once(burst, guess)
    assert sorted(outcomes) == ["compared"] + ["refused"] * (burst - 1)
    counted = ThrottleCount.objects.get(key=throttle.stored_key(f"track-code:{code}"))
    assert counted.attempts == tracking.TRACKING_FAILURES_PER_HOUR


@pytest.mark.django_db
def test_the_right_digits_give_their_attempt_back(submitted):
    right = submitted.applicant_phone[-4:]
    for _ in range(tracking.TRACKING_FAILURES_PER_HOUR + 5):
        assert tracking.tracked_dossier(submitted.code, right, client="192.0.2.30") is not None
    for _ in range(tracking.TRACKING_FAILURES_PER_HOUR):  # the limit is still whole
        assert tracking.tracked_dossier(submitted.code, "0000", client="192.0.2.30") is None
    with pytest.raises(tracking.TooManyAttempts):
        tracking.tracked_dossier(submitted.code, right, client="192.0.2.30")


@pytest.mark.django_db
def test_a_refused_lookup_is_not_counted_as_a_failure(submitted):
    """Refused before its digits are looked at, a lookup is no failure: the count
    stays at the failures (the address is not held longer for it)."""
    for _ in range(tracking.TRACKING_FAILURES_PER_HOUR):
        tracking.tracked_dossier(submitted.code, "0000", client="192.0.2.31")
    for _ in range(3):
        with pytest.raises(tracking.TooManyAttempts):
            tracking.tracked_dossier(submitted.code, "0000", client="192.0.2.31")
    counts = set(ThrottleCount.objects.values_list("attempts", flat=True))
    assert counts == {tracking.TRACKING_FAILURES_PER_HOUR}


@pytest.mark.parametrize(
    "filled",
    [
        {"ma": "HS-1", "so": "1234"},
        {"ma": " HS-1 ", "so": "1234"},
        {"ma": "HS-1", "so": " 1234"},
        {"ma": "HS-1", "so": "1234\n"},
        {"ma": "", "so": "1234"},
        {"ma": "HS", "so": ""},
        {"so": "1234"},
        {"ma": "HS"},
        {"ma": "x" * 41, "so": "1234"},
        {"ma": " " + "x" * 40 + " ", "so": "1234"},
        {"ma": "HS", "so": "٠١٢٣"},  # Arabic-Indic digits
        {"ma": "HS", "so": "１２３４"},  # full-width digits
        {"ma": "HS", "so": "12345"},
        {"ma": "\u2003HS\u3000", "so": "1234"},
    ],
)
def test_the_kept_lookup_accepts_exactly_what_the_form_accepts(filled):
    data = QueryDict(mutable=True)
    data.update(filled)
    form = TrackingForm(data)
    expected = (form.cleaned_data["ma"], form.cleaned_data["so"]) if form.is_valid() else None
    assert TrackingForm.accepted(data) == expected


def test_a_trailing_newline_is_not_four_digits():
    assert TrackingForm.accepted(QueryDict("ma=HS-1&so=1234%0A")) is None
    assert TrackingForm.accepted(QueryDict("ma=HS-1&so=1234")) == ("HS-1", "1234")
