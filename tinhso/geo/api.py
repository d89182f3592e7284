import datetime

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from tinhso.core.errors import NotFound
from tinhso.core.pagination import PageNumberPagination

from . import selectors
from .error_codes import GeoErrorCode
from .models import UnitLevel

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    name: str
    level: str
    division_type: str
    parent: str | None = Field(None, validation_alias="parent_id")
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class UnitDetailOut(UnitOut):
    successors: list[str]


class UnitFilter(Schema):
    model_config = ConfigDict(extra="forbid")
    parent: str | None = Field(None, max_length=10, pattern=r"^[0-9]{1,5}$")
    level: UnitLevel | None = None
    q: str | None = Field(None, max_length=100)
    on: datetime.date | None = None
    include_past: bool = False


@router.get("/units", response=list[UnitOut], auth=None, summary="Đơn vị hành chính")
@paginate(PageNumberPagination)
def list_units(request, filters: Query[UnitFilter]):
    """Administrative units (current by default); `parent`, `level`, `q`, `on` filter."""
    return selectors.units(
        parent=filters.parent,
        level=filters.level,
        q=filters.q,
        on=filters.on,
        include_past=filters.include_past,
    )


@router.get("/units/{code}", response=UnitDetailOut, auth=None)
def get_unit(request, code: str):
    found = selectors.unit(code)
    if found is None:
        raise NotFound(
            _("Không có đơn vị hành chính mã %(code)s.") % {"code": code},
            code=GeoErrorCode.UNKNOWN_UNIT,
        )
    return {
        "code": found.code,
        "name": found.name,
        "level": found.level,
        "division_type": found.division_type,
        "parent_id": found.parent_id,
        "valid_from": found.valid_from,
        "valid_to": found.valid_to,
        "successors": [
            s.code for s in selectors.current_successors(found.code) if s.code != found.code
        ],
    }
