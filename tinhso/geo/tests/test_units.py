import pytest

from tinhso.geo import selectors
from tinhso.geo.models import AdministrativeUnit
from tinhso.geo.services import load_units

pytestmark = pytest.mark.django_db


def test_all_34_provinces_and_54_units_of_quang_ninh():
    assert selectors.units(level="province").count() == 34
    assert selectors.units(parent="22", level="ward").count() == 54
    assert AdministrativeUnit.objects.get(code="22").name == "Quảng Ninh"


def test_loading_again_changes_nothing():
    before = AdministrativeUnit.objects.count()
    counts = load_units()
    assert counts["added"] == 0
    assert AdministrativeUnit.objects.count() == before


def test_a_former_district_leads_to_todays_wards():
    van_don = selectors.current_successors("203")
    assert [u.name for u in van_don] == ["Đặc khu Vân Đồn"]
    ha_long = {u.name for u in selectors.current_successors("193")}
    assert {"Phường Hạ Long", "Phường Bãi Cháy", "Phường Hoành Bồ"} <= ha_long


def test_former_units_are_hidden_unless_asked_for_or_dated():
    import datetime

    assert not selectors.units(parent="22", level="district").exists()
    assert selectors.units(parent="22", level="district", include_past=True).count() == 13
    on_2023 = selectors.units(parent="22", on=datetime.date(2023, 6, 1))
    assert on_2023.filter(level="district").count() == 13
    assert not on_2023.filter(level="ward").exists()


def test_units_api_filters_and_paginates(client):
    response = client.get("/api/v1/units", {"parent": "22", "page_size": 50})
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 54 and len(body["results"]) == 50
    assert body["next"].endswith("page=2")
    second = client.get(body["next"]).json()
    assert len(second["results"]) == 4 and second["next"] is None


def test_units_api_accent_insensitive_search(client):
    body = client.get("/api/v1/units", {"parent": "22", "q": "bai chay"}).json()
    assert [u["name"] for u in body["results"]] == ["Phường Bãi Cháy"]


def test_page_size_is_capped_with_a_clear_error(client):
    response = client.get("/api/v1/units", {"page_size": 1000}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "page_size"


def test_units_list_takes_two_queries(client, django_assert_num_queries):
    with django_assert_num_queries(2):  # count + page
        response = client.get("/api/v1/units", {"level": "province"})
    assert response.status_code == 200 and response.json()["count"] == 34
