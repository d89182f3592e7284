"""Open-data pages: the catalogue, a dataset with a preview, downloads in CSV and
JSON (streamed), and the DCAT-AP JSON-LD catalogue for harvesters."""

from __future__ import annotations

import csv
import json

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tinhso.core.cells import plain_row
from tinhso.core.errors import DomainError

from . import selectors
from .models import Row

PREVIEW_ROWS = 20
FREQUENCY = {
    "daily": "http://publications.europa.eu/resource/authority/frequency/DAILY",
    "monthly": "http://publications.europa.eu/resource/authority/frequency/MONTHLY",
    "yearly": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
}


def catalogue(request):
    q = (request.GET.get("q") or "")[:200]
    organization = (request.GET.get("to_chuc") or "")[:40]
    try:
        found = selectors.search_datasets(
            q=q, fq=f"organization:{organization.lower()}" if organization else "", rows=1000
        )
    except DomainError:
        found = selectors.SearchResult(0, [])
    page = Paginator(found.results, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "opendata/catalogue.html", {
        "page": page, "q": q, "count": found.count, "query": query.urlencode(),
    })  # fmt: skip


def dataset(request, name: str):
    try:
        found = selectors.get_dataset(name)
    except DomainError:
        raise Http404 from None
    preview = list(Row.objects.filter(dataset=found).order_by("n")[:PREVIEW_ROWS])
    columns = found.fields
    rows = [[r.data.get(f["id"]) for f in columns] for r in preview]
    return render(request, "opendata/dataset.html", {
        "dataset": found, "package": selectors.package_dict(found), "columns": columns,
        "rows": rows, "preview_rows": PREVIEW_ROWS,
    })  # fmt: skip


class _Echo:
    def write(self, value):
        return value


def download(request, name: str, resource_id: str, fmt: str):
    try:
        resource = selectors.get_resource(str(resource_id))
    except DomainError:
        raise Http404 from None
    found = resource.dataset
    if found.name != name or resource.format.lower() != fmt:
        raise Http404
    ids = [f["id"] for f in found.fields]
    rows = Row.objects.filter(dataset=found).order_by("n").values_list("data", flat=True)
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff" + writer.writerow(plain_row(ids))  # BOM: Excel reads UTF-8 right
            for data in rows.iterator(chunk_size=2000):
                yield writer.writerow(plain_row(data.get(i) for i in ids))  # never a formula

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    else:

        def chunks():
            yield "["
            for n, data in enumerate(rows.iterator(chunk_size=2000)):
                yield ("," if n else "") + json.dumps(
                    {i: data.get(i) for i in ids}, ensure_ascii=False
                )
            yield "]"

        response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.name}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def dcat_catalogue(request):
    """DCAT-AP 2 in JSON-LD: one dcat:Dataset per dataset, one dcat:Distribution per
    resource, publisher and licence, for EU/CKAN-style harvesters."""
    base = selectors.base_url()
    graph = []
    for d in selectors.datasets():
        package = selectors.package_dict(d)
        graph.append({
            "@id": package["url"],
            "@type": "dcat:Dataset",
            "dct:identifier": package["id"],
            "dct:title": {"@value": d.title, "@language": "vi"},
            "dct:description": {"@value": d.notes, "@language": "vi"},
            "dct:publisher": {"@type": "foaf:Organization", "foaf:name": d.organization.name},
            "dct:issued": {"@value": package["metadata_created"], "@type": "xsd:dateTime"},
            "dct:modified": {"@value": package["metadata_modified"], "@type": "xsd:dateTime"},
            "dct:accrualPeriodicity": {"@id": FREQUENCY.get(d.frequency, d.frequency)},
            "dct:license": {"@id": package["license_url"]},
            "dcat:keyword": d.tags,
            "dcat:landingPage": {"@id": package["url"]},
            "dcat:distribution": [
                {
                    "@id": r["url"],
                    "@type": "dcat:Distribution",
                    "dct:format": r["format"],
                    "dcat:mediaType": r["mimetype"],
                    "dcat:accessURL": {"@id": r["url"]},
                    "dcat:downloadURL": {"@id": r["url"]},
                    "dct:license": {"@id": package["license_url"]},
                }
                for r in package["resources"]
            ],
        })  # fmt: skip
    body = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": f"{base}/du-lieu-mo/catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": {"@value": _("Dữ liệu mở"), "@language": "vi"},
        "dcat:dataset": graph,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    response["Access-Control-Allow-Origin"] = "*"
    return response
