"""A role check always names its scope: an agency, a unit, the whole province or,
said out loud, anywhere. No scope never means everywhere."""

import pytest

from tinhso.accounts import authz
from tinhso.accounts.models import Agency, Role
from tinhso.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward_admin(make_staff, ward_codes):
    return make_staff(Role.ADMINISTRATOR, ward_codes[0])


def test_a_check_without_a_scope_is_a_programming_error(ward_admin):
    with pytest.raises(TypeError):
        authz.has_role(ward_admin, Role.ADMINISTRATOR)
    with pytest.raises(TypeError):
        authz.require_role(ward_admin, Role.ADMINISTRATOR)


def test_an_empty_scope_covers_nothing(ward_admin):
    """`agency=None` (a ward-level procedure, a citizen's missing agency) is not 'anywhere'."""
    assert not authz.has_role(ward_admin, Role.ADMINISTRATOR, agency=None)
    assert not authz.has_role(ward_admin, Role.ADMINISTRATOR, agency=None, unit=None)
    with pytest.raises(PermissionDenied):
        authz.require_role(ward_admin, Role.ADMINISTRATOR, agency=None)


def test_anywhere_must_be_said(ward_admin):
    assert authz.has_role(ward_admin, Role.ADMINISTRATOR, anywhere=True)
    assert not authz.has_role(ward_admin, Role.LEADER, anywhere=True)


def test_the_province_scope_is_held_only_at_the_root(ward_admin, province_admin, make_staff):
    assert authz.has_role(province_admin, Role.ADMINISTRATOR, province=True)
    assert not authz.has_role(ward_admin, Role.ADMINISTRATOR, province=True)
    assert not authz.has_role(
        make_staff(Role.ADMINISTRATOR, "STP"), Role.ADMINISTRATOR, province=True
    )


def test_a_ward_administrator_covers_their_ward_only(ward_admin, ward_codes):
    own, other = (Agency.objects.get(code=c) for c in ward_codes)
    assert authz.has_role(ward_admin, Role.ADMINISTRATOR, agency=own)
    assert authz.has_role(ward_admin, Role.ADMINISTRATOR, unit=own.unit)
    assert not authz.has_role(ward_admin, Role.ADMINISTRATOR, agency=other)
    assert not authz.has_role(
        ward_admin, Role.ADMINISTRATOR, agency=Agency.objects.get(code="UBND")
    )


def test_two_scopes_at_once_are_refused(ward_admin, ward_codes):
    own = Agency.objects.get(code=ward_codes[0])
    with pytest.raises(TypeError):
        authz.has_role(ward_admin, Role.ADMINISTRATOR, agency=own, anywhere=True)
