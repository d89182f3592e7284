"""The contract's list shape: `{"count": N, "next": URL|null, "results": [...]}`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PageNumberPagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        count: int
        next: str | None
        previous: str | None
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination: Input, request: HttpRequest, **params):
        size = pagination.page_size
        offset = (pagination.page - 1) * size
        count = self._items_count(queryset)
        items = list(queryset[offset : offset + size])
        return {
            "count": count,
            "next": _page_url(request, pagination.page + 1) if offset + size < count else None,
            "previous": _page_url(request, pagination.page - 1) if pagination.page > 1 else None,
            "results": items,
        }


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
