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
        count = self._items_count(queryset)
        return _numbered(queryset, count, pagination.page, pagination.page_size, request)


def _numbered(queryset, count: int, page: int, size: int, request: HttpRequest) -> dict:
    offset = (page - 1) * size
    items = list(queryset[offset : offset + size])
    return {
        "count": count,
        "next": _page_url(request, page + 1) if offset + size < count else None,
        "previous": _page_url(request, page - 1) if page > 1 else None,
        "results": items,
    }


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class KeysetPagination(PaginationBase):
    """The same shape, but `next` carries `after=<the last row's sort key>`: the next
    page starts where this one ended (an index range), so page 500 costs what page 1
    does, and a row that arrives meanwhile neither repeats nor hides one. `page=N`
    still works (OFFSET) for links already given out. The view names how to read
    rows after a key (`rows_after(queryset, after, n)`, `after` "" for the first
    page) and the key of a row (`key_of(row)`), and may name how to know the count
    without counting the rows (`count_of(request, **the view's arguments)`, None when
    it cannot tell)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        after: str = Field("", max_length=120)

    class Output(Schema):  # the same shape as PageNumberPagination's
        count: int
        next: str | None
        previous: str | None
        results: list[Any]

    items_attribute = "results"

    def __init__(self, *, rows_after, key_of, count_of=None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows_after = rows_after
        self.key_of = key_of
        self.count_of = count_of

    def _count(self, queryset, request: HttpRequest, params: dict) -> int:
        known = self.count_of(request, **params) if self.count_of is not None else None
        return self._items_count(queryset) if known is None else known

    def paginate_queryset(self, queryset, pagination: Input, request: HttpRequest, **params):
        if pagination.page > 1 and not pagination.after:
            count = self._count(queryset, request, params)
            return _numbered(queryset, count, pagination.page, pagination.page_size, request)
        size = pagination.page_size
        items = list(self.rows_after(queryset, pagination.after, size + 1))
        more = len(items) > size
        items = items[:size]
        query = request.GET.copy()
        query.pop("page", None)
        following = None
        if more:
            query["after"] = self.key_of(items[-1])
            following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return {
            "count": self._count(queryset, request, params),
            "next": following,
            "previous": None,
            "results": items,
        }
