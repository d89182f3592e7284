from decimal import Decimal

from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from . import selectors

router = Router(tags=["monitoring"])


class ComponentOut(Schema):
    points: Decimal | None
    max: Decimal
    value: float | None
    numerator: int
    denominator: int


class IndexOut(Schema):
    agency: str
    agency_name: str
    period: str
    score: Decimal
    components: dict[str, ComponentOut]


class IndexQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    period: str = Field(max_length=7)
    unit: str | None = Field(None, max_length=40)


@router.get(
    "/monitoring/index", response=list[IndexOut], auth=None, summary="Bộ chỉ số phục vụ (766)"
)
def index(request, query: Query[IndexQuery]):
    """The service index of Decision 766/QĐ-TTg per agency for a month (YYYY-MM),
    quarter (YYYY-Qn) or year; public, like the national portal's."""
    return selectors.service_index(period=query.period, unit=query.unit)
