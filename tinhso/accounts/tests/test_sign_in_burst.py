"""The limit on failed sign-ins from one address holds for attempts sent at the same
moment: each is counted before its password is checked."""

from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from tinhso.accounts.backends import LockoutBackend, sign_in_key, sign_in_limit
from tinhso.core import throttle
from tinhso.core.models import ThrottleCount
from tinhso.testing import TEST_PASSWORD, at_once, concurrent_connections


def _from(address: str):
    return RequestFactory().post("/dang-nhap/", REMOTE_ADDR=address)


@concurrent_connections
def test_a_burst_of_passwords_gets_no_more_than_the_limit_leaves():
    """One failure short of the limit, sixteen passwords arrive at once from the same
    address: one is checked (and fails), fifteen are refused before any check and are
    not counted. (A check, then a count after the password, let them all be tried.)"""
    address, burst = "203.0.113.77", 16
    key = sign_in_key(_from(address))
    for _ in range(sign_in_limit() - 1):
        throttle.allow(key, limit=sign_in_limit(), window_seconds=900)

    def attempt(n):
        try:
            found = LockoutBackend().authenticate(
                _from(address), username=f"khong-co-{n}", password=f"doan-{n}"
            )
        except PermissionDenied:
            return "refused"
        return "checked" if found is None else "signed in"

    outcomes = at_once(burst, attempt)
    assert sorted(outcomes) == ["checked"] + ["refused"] * (burst - 1)
    assert ThrottleCount.objects.get(key=throttle.stored_key(key)).attempts == sign_in_limit()


def test_a_right_password_is_not_counted_as_a_failure(db, make_citizen):
    citizen = make_citizen()
    request = _from("203.0.113.78")
    for _ in range(sign_in_limit() + 5):
        assert (
            LockoutBackend().authenticate(
                request, username=citizen.username, password=TEST_PASSWORD
            )
            == citizen
        )
    assert not throttle.exceeded(sign_in_key(request), limit=1)
