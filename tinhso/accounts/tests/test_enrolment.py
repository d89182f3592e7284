"""An officer's first second factor comes through an administrator's link (one use,
expiring, audited), not from whoever knows the password."""

import datetime
import json

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tinhso.accounts import enrolment
from tinhso.accounts.models import EnrolmentLink, Role
from tinhso.audit.models import AuditEvent
from tinhso.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db

SETUP = "/tai-khoan/xac-thuc-hai-lop/"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def officer(make_staff):
    return make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC")


def test_the_password_alone_does_not_enrol_an_authenticator(client, officer):
    client.force_login(officer)
    page = client.get(SETUP)
    assert page.status_code == 403
    assert "otpauth://" not in page.content.decode()
    assert "quản trị viên" in page.content.decode()
    # nor does posting a code for a device made some other way
    device = TOTPDevice.objects.create(user=officer, name="x", confirmed=False)
    client.post(SETUP, {"otp_token": _code(device)})
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()


def test_an_administrators_link_enrols_once_and_is_audited(client, officer, province_admin):
    link, raw = enrolment.issue_enrolment_link(actor=province_admin, user=officer)
    assert AuditEvent.objects.filter(
        action="accounts.enrolment_link_issued", actor_id=province_admin.pk
    ).exists()
    assert raw not in str(EnrolmentLink.objects.values_list())  # only a digest is kept
    client.force_login(officer)
    opened = client.get(enrolment.enrolment_path(raw))
    assert opened.status_code == 302 and opened["Location"] == SETUP
    page = client.get(SETUP)
    assert page.status_code == 200 and "otpauth://" in page.content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    done = client.post(SETUP, {"otp_token": _code(device)})
    assert done.status_code == 302
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).count() == 1
    link.refresh_from_db()
    assert link.used_at is not None
    assert AuditEvent.objects.filter(action="accounts.enrolment_link_used").exists()
    # the session passed the second factor: the workspace opens
    assert client.get("/lam-viec/").status_code == 200
    # the link is spent
    client.logout()
    client.force_login(officer)
    assert client.get(enrolment.enrolment_path(raw)).status_code == 404


def test_a_link_opened_before_signing_in_leads_through_the_sign_in(client, officer):
    from tinhso.testing import TEST_PASSWORD

    _, raw = enrolment.issue_enrolment_link(actor=None, user=officer)
    path = enrolment.enrolment_path(raw)
    first = client.get(path)
    assert first.status_code == 302 and "/tai-khoan/dang-nhap/" in first["Location"]
    signed_in = client.post(
        "/tai-khoan/dang-nhap/",
        {"username": officer.username, "password": TEST_PASSWORD, "next": path},  # fmt: skip
    )
    assert signed_in["Location"] == path
    assert client.get(path)["Location"] == SETUP
    assert client.get(SETUP).status_code == 200


def test_an_expired_or_someone_elses_link_is_refused(client, officer, make_staff):
    link, raw = enrolment.issue_enrolment_link(actor=None, user=officer)
    other = make_staff(Role.SPECIALIST, "STP")
    client.force_login(other)
    assert client.get(enrolment.enrolment_path(raw)).status_code == 404
    assert client.get(SETUP).status_code == 403
    client.logout()
    EnrolmentLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client.force_login(officer)
    assert client.get(enrolment.enrolment_path(raw)).status_code == 404
    assert client.get(SETUP).status_code == 403


def test_only_an_administrator_covering_the_officer_issues_a_link(officer, make_staff, ward_codes):
    for actor in (
        make_staff(Role.ADMINISTRATOR, ward_codes[0]),
        make_staff(Role.LEADER, "TTPVHCC"),
        officer,
    ):
        with pytest.raises(PermissionDenied):
            enrolment.issue_enrolment_link(actor=actor, user=officer)
    assert not EnrolmentLink.objects.exists()


def test_a_new_link_replaces_a_lost_authenticator(officer, province_admin):
    from tinhso.accounts import services

    services.create_confirmed_totp(user=officer)
    enrolment.issue_enrolment_link(actor=province_admin, user=officer)
    assert not TOTPDevice.objects.filter(user=officer).exists()


def test_the_api_issues_a_link_for_an_administrator(api_as, officer, province_admin, make_staff):
    response = api_as(province_admin).post(
        f"/api/v1/users/{officer.username}/enrolment-link",
        json.dumps({"hours": 24}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert "/tai-khoan/xac-thuc-hai-lop/kich-hoat/" in response.json()["url"]
    refused = api_as(make_staff(Role.SPECIALIST, "STP")).post(
        f"/api/v1/users/{officer.username}/enrolment-link", "{}", content_type="application/json"
    )
    assert refused.status_code == 403


def test_a_citizen_may_add_an_authenticator_without_a_link(client, citizen):
    client.force_login(citizen)
    assert client.get(SETUP).status_code == 200


def test_the_console_prints_a_link(officer):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("enrolment_link", officer.username, stdout=out, stderr=io.StringIO())
    assert "/tai-khoan/xac-thuc-hai-lop/kich-hoat/" in out.getvalue()
    assert EnrolmentLink.objects.filter(user=officer).count() == 1
