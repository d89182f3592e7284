"""Reading the catalogue: CKAN-shaped dictionaries, search, and the datastore."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from tinhso.core.errors import NotFound, ValidationFailed
from tinhso.core.text import fold

from .models import Dataset, Resource, Row

LICENSES = {
    "cc-by-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
}
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
MAX_ROWS = 1000  # package_search


def base_url() -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/")


def organization_dict(agency) -> dict:
    return {
        "id": agency.code.lower(),
        "name": agency.code.lower(),
        "title": agency.name,
        "display_name": agency.name,
        "description": agency.short_name,
        "type": "organization",
        "state": "active",
        "is_organization": True,
        "approval_status": "approved",
        "image_url": "",
    }


def resource_dict(resource: Resource, dataset: Dataset) -> dict:
    fmt = resource.format
    return {
        "id": str(resource.id),
        "package_id": str(dataset.id),
        "name": f"{dataset.title} ({fmt})",
        "description": "",
        "format": fmt,
        "mimetype": "text/csv" if fmt == "CSV" else "application/json",
        "url": f"{base_url()}/du-lieu-mo/{dataset.name}/{resource.id}.{fmt.lower()}",
        "datastore_active": True,
        "state": "active",
        "created": dataset.created_at.isoformat(),
        "last_modified": dataset.modified_at.isoformat(),
        "position": 0 if fmt == "CSV" else 1,
    }


def package_dict(dataset: Dataset) -> dict:
    title, url = LICENSES.get(dataset.license_id, (dataset.license_id, ""))
    org = organization_dict(dataset.organization)
    resources = [resource_dict(r, dataset) for r in dataset.resources.all()]
    return {
        "id": str(dataset.id),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes,
        "type": "dataset",
        "state": "active",
        "private": False,
        "license_id": dataset.license_id,
        "license_title": title,
        "license_url": url,
        "isopen": True,
        "author": dataset.organization.name,
        "maintainer": dataset.organization.name,
        "owner_org": org["id"],
        "organization": org,
        "metadata_created": dataset.created_at.isoformat(),
        "metadata_modified": dataset.modified_at.isoformat(),
        "url": f"{base_url()}/du-lieu-mo/{dataset.name}/",
        "tags": [{"name": t, "display_name": t} for t in dataset.tags],
        "num_tags": len(dataset.tags),
        "groups": [],
        "extras": [
            {"key": "frequency", "value": dataset.frequency},
            {"key": "rows", "value": str(dataset.row_count)},
        ],
        "resources": resources,
        "num_resources": len(resources),
    }


def datasets():
    return Dataset.objects.select_related("organization").prefetch_related("resources")


def get_dataset(ref: str) -> Dataset:
    ref = (ref or "").strip()
    if not ref:
        raise ValidationFailed(_("Thiếu tham số id."), fields={"id": _("Bắt buộc.")})
    found = datasets().filter(name=ref).first()
    if found is None and _is_uuid(ref):
        found = datasets().filter(id=ref).first()
    if found is None:
        raise NotFound(_("Không có bộ dữ liệu %(id)s.") % {"id": ref})
    return found


def get_resource(ref: str) -> Resource:
    ref = (ref or "").strip()
    if not ref:
        raise ValidationFailed(
            _("Thiếu tham số resource_id."), fields={"resource_id": _("Bắt buộc.")}
        )
    found = (
        Resource.objects.select_related("dataset__organization").filter(id=ref).first()
        if _is_uuid(ref)
        else None
    )
    if found is None:
        raise NotFound(_("Không có tài nguyên %(id)s.") % {"id": ref})
    return found


def _is_uuid(text: str) -> bool:
    import uuid

    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@dataclass
class SearchResult:
    count: int
    results: list[Dataset]


SORTS = {
    "name asc": "name",
    "name desc": "-name",
    "title_string asc": "title",
    "title_string desc": "-title",
    "metadata_modified desc": "-modified_at",
    "metadata_modified asc": "modified_at",
    "metadata_created desc": "-created_at",
    "metadata_created asc": "created_at",
    "score desc, metadata_modified desc": "-modified_at",
}


def search_datasets(
    *, q: str = "", fq: str = "", rows: int = 10, start: int = 0, sort: str = ""
) -> SearchResult:
    """Words of `q` must all appear (accents folded) in the title, notes, tags or
    publisher; `fq` takes `organization:<name>`, `tags:<tag>`, `res_format:<fmt>`."""
    if not 0 <= rows <= MAX_ROWS:
        raise ValidationFailed(
            _("rows phải từ 0 đến %(max)s.") % {"max": MAX_ROWS}, fields={"rows": _("Quá lớn.")}
        )
    if start < 0:
        raise ValidationFailed(_("start không được âm."), fields={"start": _("Không hợp lệ.")})
    order = SORTS.get((sort or "metadata_modified desc").strip().lower())
    if order is None:
        raise ValidationFailed(
            _("Cách sắp xếp không hỗ trợ: %(sort)s.") % {"sort": sort},
            fields={"sort": _("Không hỗ trợ.")},
        )
    found = list(datasets().order_by(order, "name"))
    for term in (fq or "").split():
        key, _sep, value = term.partition(":")
        value = value.strip('"').lower()
        if key == "organization":
            found = [d for d in found if d.organization.code.lower() == value]
        elif key == "tags":
            found = [d for d in found if value in d.tags]
        elif key == "res_format":
            found = [d for d in found if any(r.format.lower() == value for r in d.resources.all())]
        else:
            raise ValidationFailed(
                _("Bộ lọc fq không hỗ trợ trường %(field)s.") % {"field": key}, fields={"fq": key}
            )
    words = fold(q or "").replace("*:*", " ").split()
    if words:

        def text(d: Dataset) -> str:
            return fold(" ".join([d.name, d.title, d.notes, " ".join(d.tags), d.organization.name]))

        found = [d for d in found if all(w in text(d) for w in words)]
    return SearchResult(len(found), found[start : start + rows])


@dataclass
class DatastorePage:
    resource: Resource
    fields: list[dict]
    records: list[dict]
    total: int
    limit: int
    offset: int


def _coerce(value, kind: str, name: str):
    if value is None:
        return None
    try:
        if kind == "int":
            return int(str(value))
        if kind == "numeric":
            number = Decimal(str(value))
            return int(number) if number == number.to_integral_value() else float(number)
    except (ValueError, InvalidOperation):
        raise ValidationFailed(
            _("Giá trị %(value)s không hợp lệ cho trường %(field)s.")
            % {"value": value, "field": name},
            fields={name: _("Sai kiểu dữ liệu.")},
        ) from None
    return str(value)


def datastore_search(
    *,
    resource_id: str,
    filters: dict | None = None,
    q: str = "",
    fields: list[str] | None = None,
    sort: str = "",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> DatastorePage:
    """The rows of a resource with equality filters (a list means any of), a folded
    full-text `q`, chosen fields, sort and paging; unknown fields are errors."""
    resource = get_resource(resource_id)
    dataset = resource.dataset
    known = {f["id"]: f for f in dataset.fields}
    if not 0 <= limit <= MAX_LIMIT:
        raise ValidationFailed(
            _("limit phải từ 0 đến %(max)s.") % {"max": MAX_LIMIT}, fields={"limit": _("Quá lớn.")}
        )
    if offset < 0:
        raise ValidationFailed(_("offset không được âm."), fields={"offset": _("Không hợp lệ.")})
    rows = Row.objects.filter(dataset=dataset)
    for name, value in (filters or {}).items():
        if name not in known:
            raise ValidationFailed(
                _("Không có trường %(field)s trong bộ dữ liệu.") % {"field": name},
                fields={"filters": _("Trường không tồn tại: %(field)s") % {"field": name}},
            )
        values = value if isinstance(value, list) else [value]
        kind = known[name]["type"]
        condition = Q()
        for v in values:
            condition |= Q(**{f"data__{name}": _coerce(v, kind, name)})
        rows = rows.filter(condition)
    chosen = fields or [f["id"] for f in dataset.fields]
    unknown = [f for f in chosen if f not in known and f != "_id"]
    if unknown:
        raise ValidationFailed(
            _("Không có trường %(field)s trong bộ dữ liệu.") % {"field": ", ".join(unknown)},
            fields={"fields": _("Trường không tồn tại: %(field)s") % {"field": ", ".join(unknown)}},
        )
    order = []
    for part in (sort or "").split(","):
        part = part.strip()
        if not part:
            continue
        name, _sep, direction = part.partition(" ")
        direction = direction.strip().lower() or "asc"
        if (name not in known and name != "_id") or direction not in ("asc", "desc"):
            raise ValidationFailed(
                _("Không sắp xếp được theo %(sort)s.") % {"sort": part},
                fields={"sort": _("Trường hoặc chiều không hợp lệ.")},
            )
        column = "n" if name == "_id" else f"data__{name}"
        order.append(f"-{column}" if direction == "desc" else column)
    rows = rows.order_by(*order, "n")
    if q:
        words = fold(q).split()
        text_fields = [f["id"] for f in dataset.fields if f["type"] == "text"]
        matched = [
            r for r in rows.iterator()
            if all(any(w in fold(str(r.data.get(f) or "")) for f in text_fields) for w in words)
        ]  # fmt: skip
        total = len(matched)
        page = matched[offset : offset + limit]
    else:
        total = rows.count()
        page = list(rows[offset : offset + limit])
    records = [{"_id": r.n, **{f: r.data.get(f) for f in chosen if f != "_id"}} for r in page]
    out_fields = [{"id": "_id", "type": "int"}] + [
        {"id": f, "type": known[f]["type"], "info": {"label": known[f].get("label", "")}}
        for f in chosen
        if f != "_id"
    ]
    return DatastorePage(resource, out_fields, records, total, limit, offset)
