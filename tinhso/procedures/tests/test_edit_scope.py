"""Who may edit which procedure: a ward-level procedure (no agency: the People's
Committee of the ward where it is filed) belongs to the whole province's catalogue,
so only the province's administrators change it, never one ward's."""

import json

import pytest

from tinhso.accounts.models import Agency, Role
from tinhso.core.errors import PermissionDenied
from tinhso.procedures import services
from tinhso.procedures.models import Procedure

pytestmark = pytest.mark.django_db

WARD_LEVEL = "9.000002"


@pytest.fixture
def ward_admin(make_staff, ward_codes):
    return make_staff(Role.ADMINISTRATOR, ward_codes[0])


def test_a_ward_administrator_cannot_rewrite_a_ward_level_procedure(ward_admin):
    proc = Procedure.objects.get(code=WARD_LEVEL)
    assert proc.agency_id is None
    assert not services.can_edit(ward_admin, proc)
    with pytest.raises(PermissionDenied):
        services.update_procedure(actor=ward_admin, procedure=proc, changes={"fee": 1}, note="x")
    assert Procedure.objects.get(code=WARD_LEVEL).version == 1


def test_a_ward_administrator_is_refused_through_the_api_too(api_as, ward_admin):
    response = api_as(ward_admin).patch(
        f"/api/v1/procedures/{WARD_LEVEL}",
        json.dumps({"fee": 1, "note": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Procedure.objects.get(code=WARD_LEVEL).fee != 1


def test_a_department_leader_cannot_edit_a_ward_level_procedure(make_staff):
    leader = make_staff(Role.LEADER, "SXD")
    with pytest.raises(PermissionDenied):
        services.update_procedure(
            actor=leader,
            procedure=Procedure.objects.get(code=WARD_LEVEL),
            changes={"fee": 1},
            note="x",
        )


def test_the_province_administrator_edits_a_ward_level_procedure(province_admin):
    proc = services.update_procedure(
        actor=province_admin,
        procedure=Procedure.objects.get(code=WARD_LEVEL),
        changes={"fee": 20000},
        note="Nghị quyết HĐND",
    )
    assert proc.version == 2 and proc.fee == 20000


def test_a_province_department_administrator_is_not_the_province(make_staff):
    """An administrator of one department covers that department, not the catalogue."""
    admin = make_staff(Role.ADMINISTRATOR, "SXD")
    assert not services.can_edit(admin, Procedure.objects.get(code=WARD_LEVEL))
    assert services.can_edit(admin, Procedure.objects.get(code="9.000001"))
    assert Agency.objects.get(code="SXD").parent.code == "UBND"
