"""The pages under /dan-cu/ and the API, as an officer and as a citizen."""

import pytest
from django.urls import reverse

from tinhso.population.models import Merge, ReviewPair, SourceRecord

from .conftest import row
from .test_review import pair  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_an_officer_sees_the_pair_side_by_side_with_the_evidence_and_decides(
    second_factor_client,
    registry_officer,
    pair,  # noqa: F811
):
    client = second_factor_client(registry_officer)
    queue = client.get(reverse("population:reviews"))
    assert queue.status_code == 200
    assert reverse("population:review", args=[pair.pk]) in queue.content.decode()
    page = client.get(reverse("population:review", args=[pair.pk])).content.decode()
    assert "Nguyễn Văn An" in page and "Nguyen Van An" in page
    assert "same letters" in page and "3000" in page
    response = client.post(reverse("population:review", args=[pair.pk]), {"decision": "match"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.state == ReviewPair.State.MATCH
    merge = Merge.objects.get()
    person_page = client.get(
        reverse("population:person", args=[merge.survivor_id])
    ).content.decode()
    assert reverse("population:unmerge", args=[merge.pk]) in person_page
    client.post(reverse("population:unmerge", args=[merge.pk]))
    merge.refresh_from_db()
    assert merge.undone_at is not None


def test_a_citizen_gets_403(client, citizen, pair):  # noqa: F811
    client.force_login(citizen)
    assert client.get(reverse("population:reviews")).status_code == 403
    assert (
        client.post(reverse("population:review", args=[pair.pk]), {"decision": "match"}).status_code
        == 403
    )
    pair.refresh_from_db()
    assert pair.state == ReviewPair.State.PENDING


def test_an_upload_shows_its_progress_page_and_error_report(
    second_factor_client, registry_officer, write_csv, django_capture_on_commit_callbacks
):
    client = second_factor_client(registry_officer)
    path = write_csv([row("U1"), row("U2", name="")])
    with path.open("rb") as f, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("population:home"), {"file": f})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "1 dòng hợp lệ, 1 dòng lỗi" in page and "Thiếu họ và tên" in page
    assert SourceRecord.objects.filter(record_id="U1").exists()
    home = client.get(reverse("population:home")).content.decode()
    assert "in.csv" in home and "0 công dân từ 1 bản ghi nguồn" in home


def test_a_file_with_wrong_columns_is_refused_on_the_page(
    second_factor_client, registry_officer, write_csv
):
    client = second_factor_client(registry_officer)
    path = write_csv([{"record_id": "1"}], columns=("record_id", "ten"))
    with path.open("rb") as f:
        response = client.post(reverse("population:home"), {"file": f}, follow=True)
    assert "không đúng cấu trúc" in response.content.decode()


def test_the_api_lists_the_queue_and_takes_a_decision(api_as, registry_officer, pair):  # noqa: F811
    api = api_as(registry_officer)
    listing = api.get("/api/v1/population/reviews").json()
    assert listing["count"] == 1 and listing["results"][0]["evidence"][0]["level"] == "same letters"
    response = api.post(
        f"/api/v1/population/reviews/{pair.pk}/decision",
        {"same_person": False},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["state"] == "non_match"


def test_the_api_refuses_a_citizen(api_as, citizen):
    assert api_as(citizen).get("/api/v1/population/persons").status_code == 403


def test_people_at_one_house_are_one_household_shown_on_the_person_page(
    second_factor_client, registry_officer
):
    from tinhso.population import linking, services
    from tinhso.population.models import Person

    from .conftest import WARD
    from .test_review import _record

    father = _record("F", name="Trần Văn Bình", ward_id=WARD, address="Số 12, tổ 3, khu 5")
    child = _record("C", name="Trần Thị Mai", ward_id=WARD, address="SN 12 - Tổ 3 - Khu 5")
    elsewhere = _record("E", name="Lê Văn Cường", ward_id=WARD, address="Số 14, tổ 3, khu 5")
    assert linking.assign_households() == 2
    father, child, elsewhere = (Person.objects.get(records=r) for r in (father, child, elsewhere))
    assert father.household_id == child.household_id != elsewhere.household_id
    assert father.household.code == f"{WARD}-12-3-5"
    client = second_factor_client(registry_officer)
    page = client.get(reverse("population:person", args=[father.pk])).content.decode()
    assert "Cùng hộ gia đình" in page and "Trần Thị Mai" in page and "Lê Văn Cường" not in page
    # the child moves: the next run takes her out of the household
    SourceRecord.objects.filter(record_id="C").update(address="Số 80, tổ 1, khu 2")
    services.refresh_golden(child)
    linking.assign_households()
    child.refresh_from_db()
    assert child.household_id != father.household_id
