"""The Django admin's sign-in (/quan-tri/login/) is one more door to the same
accounts: the same lockout, the same limit per address, the same counting, and no
answer that confirms a right password on a locked account."""

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp

from tinhso.accounts import services
from tinhso.accounts.models import Role, User
from tinhso.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db
ADMIN_LOGIN = "/quan-tri/login/"


@pytest.fixture
def administrator(make_staff):
    user = make_staff(Role.ADMINISTRATOR, "UBND")
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    services.create_confirmed_totp(user=user)
    user.refresh_from_db()
    return user


def _admin_sign_in(client, user, password, **extra):
    return client.post(ADMIN_LOGIN, {"username": user.username, "password": password, **extra})


def _error_codes(response) -> set[str]:
    form = response.context["form"]
    return {e.code for errors in form.errors.as_data().values() for e in errors}


def test_the_control_a_right_password_asks_for_the_second_factor(client, administrator):
    response = _admin_sign_in(client, administrator, TEST_PASSWORD)
    assert "token_required" in _error_codes(response)  # the password was accepted


def test_a_locked_account_is_not_told_its_password_was_right(client, administrator):
    for _ in range(5):
        _admin_sign_in(Client(), administrator, "sai-mat-khau")
    administrator.refresh_from_db()
    assert administrator.is_locked
    response = _admin_sign_in(client, administrator, TEST_PASSWORD)
    assert "token_required" not in _error_codes(response)
    assert "invalid_login" in _error_codes(response)
    assert "_auth_user_id" not in client.session


@override_settings(LOCKOUT_THRESHOLD=3)
def test_wrong_passwords_in_the_admin_lock_the_account(administrator):
    for n in range(3):
        _admin_sign_in(Client(REMOTE_ADDR=f"198.51.100.{n}"), administrator, "sai-mat-khau")
    administrator.refresh_from_db()
    assert administrator.is_locked
    # …and the pages' sign-in says so too.
    response = Client().post(
        "/tai-khoan/dang-nhap/", {"username": administrator.username, "password": TEST_PASSWORD}
    )
    assert "tạm khóa" in response.content.decode()


def test_a_wrong_code_in_the_admin_counts_against_the_account(administrator):
    device = administrator.totpdevice_set.get()
    response = _admin_sign_in(
        Client(), administrator, TEST_PASSWORD, otp_device=device.persistent_id, otp_token="000000"
    )
    assert "invalid_token" in _error_codes(response)
    assert "_auth_user_id" not in response.wsgi_request.session
    administrator.refresh_from_db()
    assert administrator.failed_login_count == 1  # (django-otp then makes the device wait)


def test_the_admin_counts_against_the_address_like_the_pages(client, administrator, settings):
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 3
    for _ in range(3):
        _admin_sign_in(client, administrator, "sai-mat-khau")
    # The next try from that address is refused, whichever door and whatever password.
    response = _admin_sign_in(client, administrator, TEST_PASSWORD)
    assert "token_required" not in _error_codes(response)
    pages = client.post(
        "/tai-khoan/dang-nhap/", {"username": administrator.username, "password": TEST_PASSWORD}
    )
    assert pages.status_code == 429


def test_a_right_password_and_code_still_open_the_admin(client, administrator):
    device = administrator.totpdevice_set.get()
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = _admin_sign_in(
        client, administrator, TEST_PASSWORD, otp_device=device.persistent_id, otp_token=code
    )
    assert response.status_code == 302
    assert client.get("/quan-tri/").status_code == 200
