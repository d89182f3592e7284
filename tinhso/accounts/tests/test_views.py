import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tinhso.accounts import services
from tinhso.accounts.models import Role
from tinhso.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db
PASSWORD = TEST_PASSWORD


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_citizen_signs_in_with_a_password(client, citizen):
    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": citizen.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/tai-khoan/ho-so/").status_code == 200


def test_wrong_password_says_so_without_saying_which(client, citizen):
    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": citizen.username, "password": "sai"}
    )
    assert response.status_code == 400
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


@override_settings(LOCKOUT_THRESHOLD=3)
def test_lockout_after_repeated_failures_even_with_the_right_password(client, citizen):
    for _ in range(3):
        client.post("/tai-khoan/dang-nhap/", {"username": citizen.username, "password": "sai"})
    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": citizen.username, "password": PASSWORD}
    )
    assert "tạm khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_officer_must_pass_the_second_factor(client, make_staff):
    officer = make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC")
    device = services.create_confirmed_totp(user=officer)
    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": officer.username, "password": PASSWORD}
    )
    assert response["Location"].endswith("/tai-khoan/dang-nhap/xac-thuc/")
    assert "_auth_user_id" not in client.session  # not signed in before the code
    good = client.post("/tai-khoan/dang-nhap/xac-thuc/", {"otp_token": _code(device)})
    assert good.status_code == 302
    assert client.get("/lam-viec/").status_code == 200


def test_a_wrong_code_does_not_sign_in(client, make_staff):
    officer = make_staff(Role.LEADER, "STP")
    services.create_confirmed_totp(user=officer)
    client.post("/tai-khoan/dang-nhap/", {"username": officer.username, "password": PASSWORD})
    bad = client.post("/tai-khoan/dang-nhap/xac-thuc/", {"otp_token": "000000"})
    assert bad.status_code == 400
    assert "_auth_user_id" not in client.session
    assert client.get("/lam-viec/").status_code == 302


def test_officer_without_an_authenticator_is_sent_to_enrol(client, make_staff):
    officer = make_staff(Role.SPECIALIST, "STP")
    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": officer.username, "password": PASSWORD}
    )
    assert response["Location"].endswith("/tai-khoan/xac-thuc-hai-lop/")
    page = client.get("/lam-viec/")
    assert page.status_code == 302  # no work before enrolment
    assert client.get("/tai-khoan/xac-thuc-hai-lop/").status_code == 403  # the password alone
    from tinhso.accounts import enrolment

    _, raw = enrolment.issue_enrolment_link(actor=None, user=officer)  # the administrator's link
    client.get(enrolment.enrolment_path(raw))
    enrol = client.get("/tai-khoan/xac-thuc-hai-lop/")
    assert "<svg" in enrol.content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    done = client.post("/tai-khoan/xac-thuc-hai-lop/", {"otp_token": _code(device)})
    assert done.status_code == 302
    assert client.get("/lam-viec/").status_code == 200


def test_session_key_changes_at_sign_in(client, citizen):
    client.get("/tai-khoan/dang-nhap/")
    session = client.session
    session["marker"] = 1
    session.save()
    before = session.session_key
    client.post("/tai-khoan/dang-nhap/", {"username": citizen.username, "password": PASSWORD})
    assert client.session.session_key != before


def test_forms_need_the_csrf_token(citizen):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/tai-khoan/dang-nhap/", {"username": citizen.username, "password": PASSWORD}
    )
    assert response.status_code == 403


def test_registration_page_shows_an_error_summary_linked_to_the_field(client):
    response = client.post(
        "/tai-khoan/dang-ky/",
        {
            "full_name": "Phạm Văn D",
            "personal_id": "022090123456",  # male born 1990
            "date_of_birth": "1990-02-01",
            "sex": "female",
            "username": "phamvand",
            "password": PASSWORD,
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_personal_id"' in html and "giới tính" in html


def test_password_reset_sends_a_mail(client, citizen, mailoutbox):
    services.update_profile(actor=citizen, user=citizen, email="cd@example.vn", phone="")
    client.post("/tai-khoan/quen-mat-khau/", {"email": "cd@example.vn"})
    assert len(mailoutbox) == 1
    assert "/tai-khoan/dat-lai-mat-khau/" in mailoutbox[0].body


def test_password_reset_link_sets_a_new_password_and_is_audited(client, citizen, mailoutbox):
    import re

    from tinhso.audit.models import AuditEvent

    services.update_profile(actor=citizen, user=citizen, email="cd2@example.vn", phone="")
    client.post("/tai-khoan/quen-mat-khau/", {"email": "cd2@example.vn"})
    link = re.search(r"https?://[^/]+(/\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new = "Mot-mat-khau-moi-2"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(new)
    assert AuditEvent.objects.filter(
        action="accounts.password_changed", object_id=str(citizen.pk)
    ).exists()
