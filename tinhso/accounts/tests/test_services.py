import datetime

import pytest
from django.test import override_settings

from tinhso.accounts import authz, services
from tinhso.accounts.auth import user_for_token
from tinhso.accounts.models import Agency, ApiToken, Role, User
from tinhso.audit.models import AuditEvent
from tinhso.core.errors import PermissionDenied, ValidationFailed
from tinhso.demo.accounts import demo_personal_id
from tinhso.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _register(**overrides):
    birth = datetime.date(1985, 3, 2)
    data = {
        "username": "nguyenvana",
        "password": TEST_PASSWORD,
        "full_name": "Nguyễn Văn A",
        "personal_id": demo_personal_id(birth=birth, sex="male"),
        "date_of_birth": birth,
        "sex": "male",
    }
    data.update(overrides)
    return services.register_citizen(**data)


def test_registering_a_citizen_checks_the_id_and_records_a_masked_event():
    user = _register()
    assert authz.roles_of(user) == {Role.CITIZEN}
    event = AuditEvent.objects.filter(action="accounts.citizen_registered").get()
    assert user.personal_id not in str(event.after)
    assert event.after["personal_id"] == user.masked_personal_id


def test_an_id_that_contradicts_the_declared_sex_stores_nothing():
    birth = datetime.date(1985, 3, 2)
    female_id = demo_personal_id(birth=birth, sex="female")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        _register(personal_id=female_id, sex="male")
    assert "personal_id" in caught.value.fields
    assert not User.objects.filter(username="nguyenvana").exists()
    assert AuditEvent.objects.count() == events


def test_one_account_per_personal_id():
    user = _register()
    with pytest.raises(ValidationFailed, match="đã có tài khoản"):
        _register(username="other", personal_id=user.personal_id)


def test_weak_password_is_refused_with_the_field_named():
    with pytest.raises(ValidationFailed) as caught:
        _register(password="123")
    assert "password" in caught.value.fields


def test_officer_of_one_ward_cannot_act_for_another(make_staff, ward_codes):
    mine, other = ward_codes
    leader = make_staff(Role.LEADER, mine)
    services.update_agency(actor=leader, agency=Agency.objects.get(code=mine), phone="02033123456")
    assert Agency.objects.get(code=mine).phone == "02033123456"
    with pytest.raises(PermissionDenied):
        services.update_agency(
            actor=leader, agency=Agency.objects.get(code=other), phone="02033999999"
        )
    assert Agency.objects.get(code=other).phone == ""


def test_a_specialist_may_not_change_the_agency(make_staff):
    specialist = make_staff(Role.SPECIALIST, "STP")
    with pytest.raises(PermissionDenied):
        services.update_agency(
            actor=specialist, agency=Agency.objects.get(code="STP"), phone="0203"
        )


def test_province_administrator_covers_every_agency_below(province_admin, ward_codes):
    agency = Agency.objects.get(code=ward_codes[1])
    services.update_agency(actor=province_admin, agency=agency, cut_off_time=datetime.time(16, 30))
    event = AuditEvent.objects.filter(action="accounts.agency_updated").latest("seq")
    assert event.before["cut_off_time"] == "15:00:00"
    assert event.after["cut_off_time"] == "16:30:00"
    assert event.agency_code == agency.code


def test_ward_administrator_cannot_grant_roles_in_a_department(make_staff, ward_codes, citizen):
    ward_admin = make_staff(Role.ADMINISTRATOR, ward_codes[0])
    with pytest.raises(PermissionDenied):
        services.grant_role(
            actor=ward_admin,
            user=citizen,
            role=Role.SPECIALIST,
            agency=Agency.objects.get(code="STP"),
        )
    services.grant_role(
        actor=ward_admin,
        user=citizen,
        role=Role.ONE_STOP_OFFICER,
        agency=Agency.objects.get(code=ward_codes[0]),
    )
    citizen.refresh_from_db()
    assert authz.has_role(
        citizen, Role.ONE_STOP_OFFICER, agency=Agency.objects.get(code=ward_codes[0])
    )
    assert citizen.account_type == "staff"


def test_staff_roles_need_a_scope(province_admin, citizen):
    with pytest.raises(ValidationFailed):
        services.grant_role(actor=province_admin, user=citizen, role=Role.SPECIALIST)


def test_unit_scoped_monitoring_sees_its_ward_only(citizen, ward_codes):
    ward_a = Agency.objects.get(code=ward_codes[0])
    ward_b = Agency.objects.get(code=ward_codes[1])
    services.grant_role(actor=None, user=citizen, role=Role.MONITORING, unit=ward_a.unit)
    assert authz.has_role(citizen, Role.MONITORING, unit=ward_a.unit)
    assert authz.has_role(citizen, Role.MONITORING, agency=ward_a)
    assert not authz.has_role(citizen, Role.MONITORING, unit=ward_b.unit)


@override_settings(LOCKOUT_THRESHOLD=3, LOCKOUT_MINUTES=15)
def test_repeated_failures_lock_the_account(citizen):
    for _ in range(2):
        citizen = services.register_failed_login(user=citizen)
    assert not citizen.is_locked
    citizen = services.register_failed_login(user=citizen)
    assert citizen.is_locked
    assert AuditEvent.objects.filter(action="accounts.account_locked").exists()


def test_tokens_are_stored_hashed_and_can_be_revoked(citizen):
    token, raw = services.issue_api_token(actor=None, user=citizen, name="tích hợp")
    assert raw not in token.digest and raw.startswith("tsk_")
    assert not ApiToken.objects.filter(digest=raw).exists()
    assert user_for_token(raw) == citizen
    services.revoke_api_token(actor=None, token=token)
    assert user_for_token(raw) is None


def test_a_citizen_cannot_revoke_someone_elses_token(make_citizen):
    owner, stranger = make_citizen(), make_citizen()
    token, raw = services.issue_api_token(actor=None, user=owner)
    with pytest.raises(PermissionDenied):
        services.revoke_api_token(actor=stranger, token=token)
    assert user_for_token(raw) == owner


def test_agencies_cover_the_province_and_each_ward():
    assert Agency.objects.filter(kind="ward_committee").count() == 54
    assert Agency.objects.get(code="TTPVHCC").name == (
        "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh"
    )
    assert Agency.objects.get(code="STP").path == "/UBND/STP/"


def test_a_placeholder_user_cannot_sign_in_and_holds_no_role(province_admin):
    user = services.create_placeholder_user(
        actor=province_admin, username="lich-su", full_name=" Hồ sơ  lịch sử "
    )
    assert user.full_name == "Hồ sơ lịch sử"
    assert not user.is_active and not user.has_usable_password()
    assert not user.role_assignments.exists()
    event = AuditEvent.objects.get(action="accounts.placeholder_created")
    assert event.actor_id == province_admin.pk and event.object_id == str(user.pk)


def test_only_an_administrator_creates_a_placeholder_user(citizen):
    with pytest.raises(PermissionDenied):
        services.create_placeholder_user(actor=citizen, username="lich-su", full_name="Lịch sử")
    assert not User.objects.filter(username="lich-su").exists()


def test_a_token_brings_its_person_and_their_roles_in_one_query(
    make_staff, ward_codes, django_assert_num_queries
):
    """What the token's one statement gives is what the ORM reads: the person (dates
    aware, flags as booleans), every role with its agency or unit."""
    from tinhso.geo.models import AdministrativeUnit

    officer = make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC")
    ward = AdministrativeUnit.objects.get(code=Agency.objects.get(code=ward_codes[0]).unit_id)
    services.grant_role(actor=None, user=officer, role=Role.REGISTRY_KEEPER, unit=ward)
    services.grant_role(actor=None, user=officer, role=Role.LEADER,
                        agency=Agency.objects.get(code="STP"), position_title="PHÓ GIÁM ĐỐC")  # fmt: skip
    _, raw = services.issue_api_token(actor=None, user=officer)
    user_for_token(raw)  # its first use is written down
    with django_assert_num_queries(1):
        found = user_for_token(raw)
        held = authz.assignments(found)
        seen = [(a.role, a.agency and a.agency.path, a.unit and a.unit.name, a.position_title,
                 a.granted_at) for a in held]  # fmt: skip
    assert found == officer and found.is_active is True and found.date_joined.tzinfo
    expected = [
        (a.role, a.agency and a.agency.path, a.unit and a.unit.name, a.position_title,
         a.granted_at)
        for a in officer.role_assignments.select_related("agency", "unit").order_by("pk")
    ]  # fmt: skip
    assert seen == expected and len(seen) == 3
    assert authz.has_role(found, Role.LEADER, agency=Agency.objects.get(code="STP"))


def test_an_expired_token_or_a_deactivated_person_is_refused(citizen):
    token, raw = services.issue_api_token(actor=None, user=citizen)
    assert user_for_token(raw) == citizen
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    assert user_for_token(raw) is None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None)
    User.objects.filter(pk=citizen.pk).update(is_active=False)
    assert user_for_token(raw) is None
