import pytest

from tinhso.accounts.models import Agency, Role
from tinhso.audit.services import record_event

pytestmark = pytest.mark.django_db


def test_leader_sees_own_agency_events_only(client, second_factor_client, make_staff, ward_codes):
    mine, other = ward_codes
    leader = make_staff(Role.LEADER, mine)
    record_event(action="test.mine", object_type="t", object_id=1, agency_code=mine)
    record_event(action="test.other", object_type="t", object_id=2, agency_code=other)
    page = second_factor_client(leader).get("/nhat-ky/", {"action": "test."})
    assert page.status_code == 200
    assert "test.mine" in page.content.decode() and "test.other" not in page.content.decode()


def test_citizens_cannot_browse_the_log(client, second_factor_client, citizen):
    client.force_login(citizen)
    assert client.get("/nhat-ky/").status_code == 403


def test_officers_need_the_second_factor_to_browse(client, second_factor_client, make_staff):
    leader = make_staff(Role.LEADER, "STP")
    client.force_login(leader)
    response = client.get("/nhat-ky/")
    assert response.status_code == 302 and "xac-thuc-hai-lop" in response["Location"]


def test_province_administrator_sees_everything_and_can_filter(
    client, second_factor_client, province_admin
):
    agency = Agency.objects.get(code="STP")
    record_event(action="test.x", object_type="t", object_id="A1", agency_code=agency.code)
    record_event(action="test.y", object_type="t", object_id="B2", agency_code="")
    c = second_factor_client(province_admin)
    body = c.get("/nhat-ky/", {"object_id": "B2"}).content.decode()
    assert "test.y" in body and "test.x" not in body
