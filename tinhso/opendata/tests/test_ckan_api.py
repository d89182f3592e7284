"""The CKAN Action API, through the real CKAN client (ckanapi), and its errors for
bad input.

ckanapi speaks HTTP through a `requests` session; the session's transport here hands
each request to Django's test client instead of a socket, so the client's own
request building and answer parsing run unchanged inside the test's transaction."""

import csv
import io
import json

import ckanapi
import pytest
import requests
from django.test import Client
from django.utils import timezone

from tinhso.monitoring.goals import load_goals
from tinhso.opendata.services import refresh_datasets

STATS = "thong-ke-ho-so-theo-thang"


@pytest.fixture
def published(db):
    load_goals()
    return {d.name: d for d in refresh_datasets()}


class DjangoTransport(requests.adapters.BaseAdapter):
    def __init__(self):
        super().__init__()
        self.client = Client()

    def send(self, request, **kwargs):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in request.headers.items()
                 if k.lower() not in ("content-type", "content-length")}  # fmt: skip
        answer = self.client.generic(
            request.method,
            request.url.removeprefix("http://testserver"),
            data=request.body or b"",
            content_type=request.headers.get("Content-Type", ""),
            **extra,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers.update(dict(answer.items()))
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


@pytest.fixture
def ckan(published):
    session = requests.Session()
    session.mount("http://testserver", DjangoTransport())
    return ckanapi.RemoteCKAN("http://testserver", session=session)


@pytest.mark.django_db
def test_ckanapi_lists_shows_and_searches_our_datasets(ckan, published):
    names = ckan.action.package_list()
    assert set(names) == set(published)
    package = ckan.action.package_show(id="danh-muc-thu-tuc-hanh-chinh")
    assert package["organization"]["name"] == "vpub"
    assert package["license_id"] == "cc-by-4.0"
    assert {r["format"] for r in package["resources"]} == {"CSV", "JSON"}
    found = ckan.action.package_search(q="thu tuc hanh chinh", rows=10)
    assert "danh-muc-thu-tuc-hanh-chinh" in [p["name"] for p in found["results"]]
    assert ckan.action.package_search(fq="organization:snv")["count"] == 1
    orgs = ckan.action.organization_list(all_fields=True)
    assert {o["name"] for o in orgs} >= {"vpub", "ttpvhcc", "snv", "skhcn"}
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="khong-co-bo-nay")


@pytest.mark.django_db
def test_datastore_search_filters_limits_and_pages(ckan):
    package = ckan.action.package_show(id="don-vi-hanh-chinh")
    resource = package["resources"][0]["id"]
    every = ckan.action.datastore_search(resource_id=resource, limit=1000)
    wards = [r for r in every["records"] if r["cap"] == "ward"]
    assert every["total"] == len(every["records"]) > 54
    only_wards = ckan.action.datastore_search(
        resource_id=resource, filters={"cap": "ward"}, limit=5
    )
    assert only_wards["total"] == len(wards) == 54
    assert len(only_wards["records"]) == 5
    second = ckan.action.datastore_search(
        resource_id=resource, filters={"cap": "ward"}, limit=5, offset=5, sort="ma asc"
    )
    first = ckan.action.datastore_search(
        resource_id=resource, filters={"cap": "ward"}, limit=5, sort="ma asc"
    )
    assert [r["ma"] for r in first["records"]] + [r["ma"] for r in second["records"]] == sorted(
        r["ma"] for r in wards
    )[:10]
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.datastore_search(resource_id=resource, filters={"khong_co": "x"})
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.datastore_search(resource_id=resource, limit=1_000_000)
    with pytest.raises(ckanapi.NotFound):
        ckan.action.datastore_search(resource_id="00000000-0000-0000-0000-000000000000")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "status", "kind"),
    [
        ({"resource_id": "RES", "filters": "{not json"}, 409, "Validation Error"),
        ({"resource_id": "RES", "filters": "[1, 2]"}, 409, "Validation Error"),
        ({"resource_id": "RES", "limit": "-1"}, 409, "Validation Error"),
        ({"resource_id": "RES", "limit": "mười"}, 409, "Validation Error"),
        ({"resource_id": "RES", "offset": "-5"}, 409, "Validation Error"),
        ({"resource_id": "RES", "sort": "ma sideways"}, 409, "Validation Error"),
        ({"resource_id": "RES", "fields": "ma,bogus"}, 409, "Validation Error"),
        ({"resource_id": "not-a-uuid"}, 404, "Not Found Error"),
        ({}, 409, "Validation Error"),
    ],
)
def test_bad_datastore_queries_get_a_ckan_error_and_never_a_500(
    client, published, params, status, kind
):
    resource = str(published["don-vi-hanh-chinh"].resources.get(format="CSV").id)
    query = {k: (resource if v == "RES" else v) for k, v in params.items()}
    response = client.get("/api/3/action/datastore_search", query)
    assert response.status_code == status
    body = response.json()
    assert body["success"] is False and body["error"]["__type"] == kind


@pytest.mark.django_db
def test_unknown_actions_and_bodies_are_refused_plainly(client, published):
    assert client.get("/api/3/action/package_delete").json()["success"] is False
    response = client.post(
        "/api/3/action/package_show", data="[1]", content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["success"] is False
    response = client.post(
        "/api/3/action/package_show",
        data=json.dumps({"id": "don-vi-hanh-chinh"}),
        content_type="application/json",
    )
    assert response.json()["result"]["name"] == "don-vi-hanh-chinh"
    assert client.get("/api/3/action/package_search", {"rows": "5000"}).status_code == 409


@pytest.mark.django_db
def test_monthly_statistics_count_a_dossier_without_personal_data(client, returned):
    dataset = {d.name: d for d in refresh_datasets()}[STATS]
    rows = [r.data for r in dataset.rows.all()]
    month = f"{timezone.localdate():%Y-%m}"
    row = next(r for r in rows if r["thang"] == month and r["co_quan"] == "SXD")
    assert (row["ho_so_nop"], row["da_giai_quyet"], row["dung_han"]) == (1, 1, 1)
    text = json.dumps(rows, ensure_ascii=False)
    assert returned.applicant_name not in text and returned.code not in text


@pytest.mark.django_db
def test_downloads_and_the_dcat_catalogue(client, published):
    dataset = published["danh-muc-thu-tuc-hanh-chinh"]
    csv_res = dataset.resources.get(format="CSV")
    response = client.get(f"/du-lieu-mo/{dataset.name}/{csv_res.id}.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("ma_thu_tuc,ten_thu_tuc")
    assert len(lines) == dataset.row_count + 1
    json_res = dataset.resources.get(format="JSON")
    rows = json.loads(
        b"".join(client.get(f"/du-lieu-mo/{dataset.name}/{json_res.id}.json").streaming_content)
    )
    assert len(rows) == dataset.row_count and "ma_thu_tuc" in rows[0]
    # a resource under another dataset's name is not served
    assert client.get(f"/du-lieu-mo/don-vi-hanh-chinh/{csv_res.id}.csv").status_code == 404
    catalogue = client.get("/du-lieu-mo/catalog.jsonld").json()
    assert catalogue["@type"] == "dcat:Catalog"
    assert len(catalogue["dcat:dataset"]) == len(published)
    assert all(d["dcat:distribution"] for d in catalogue["dcat:dataset"])


@pytest.mark.django_db
def test_a_refresh_with_nothing_new_keeps_metadata_modified(published):
    before = published["don-vi-hanh-chinh"].modified_at
    again = {d.name: d for d in refresh_datasets(names=["don-vi-hanh-chinh"])}
    assert again["don-vi-hanh-chinh"].modified_at == before


@pytest.mark.django_db
def test_catalogue_pages(client, published):
    page = client.get("/du-lieu-mo/", {"q": "don vi hanh chinh"})
    assert "Đơn vị hành chính của tỉnh" in page.content.decode()
    detail = client.get("/du-lieu-mo/don-vi-hanh-chinh/").content.decode()
    assert "CC BY" in detail or "Creative Commons" in detail
    assert client.get("/du-lieu-mo/khong-co/").status_code == 404


DEEP = 30_000  # deeper than Python's recursion limit (json.loads gives up), under 64 KB


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [40, DEEP])
def test_a_deeply_nested_body_is_a_plain_400(client, published, depth):
    body = '{"id": ' + "[" * depth + "]" * depth + "}"
    response = client.post("/api/3/action/package_show", data=body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert response.json()["success"] is False and error["__type"] == "Validation Error"
    assert "32" in error["message"]  # says how deep a body may nest


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [40, DEEP])
def test_deeply_nested_filters_are_a_validation_error(client, published, depth):
    resource = str(published["don-vi-hanh-chinh"].resources.get(format="CSV").id)
    filters = '{"ma": ' + "[" * depth + "]" * depth + "}"
    response = client.get(
        "/api/3/action/datastore_search", {"resource_id": resource, "filters": filters}
    )
    assert response.status_code == 409
    assert response.json()["error"]["__type"] == "Validation Error"


@pytest.mark.django_db
def test_a_downloaded_csv_runs_no_formula(client):
    from tinhso.procedures.models import Procedure

    Procedure.objects.filter(code="9.000001").update(name='=HYPERLINK("http://x.example","Mở")')
    load_goals()
    dataset = {d.name: d for d in refresh_datasets()}["danh-muc-thu-tuc-hanh-chinh"]
    csv_res = dataset.resources.get(format="CSV")
    response = client.get(f"/du-lieu-mo/{dataset.name}/{csv_res.id}.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert '\'=HYPERLINK("http://x.example","Mở")' in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
