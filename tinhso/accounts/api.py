import datetime
from typing import Annotated, Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AfterValidator, ConfigDict, Field, WithJsonSchema

from tinhso.core.pagination import PageNumberPagination

from . import authz, enrolment, identity, selectors, services
from .auth import is_strongly_authenticated
from .models import Agency, Role, User

router = Router(tags=["accounts"])


def _local_clock_time(value: datetime.time) -> datetime.time:
    if value.tzinfo is not None:
        raise ValueError(_("Giờ địa phương, không kèm múi giờ (HH:MM:SS)."))
    return value


# A local clock time ("15:00:00"). OpenAPI's "time" format is RFC 3339's, which
# demands an offset: say what we really read and write instead.
ClockTime = Annotated[
    datetime.time,
    AfterValidator(_local_clock_time),
    WithJsonSchema({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"}),
]


class AgencyRef(Schema):
    code: str
    name: str


class MeOut(Schema):
    username: str
    full_name: str
    account_type: str
    roles: list[str]
    agency: AgencyRef | None
    personal_id: str | None  # the owner sees their own number in full
    tax_code: str | None
    second_factor: bool
    identity_verified: bool


@router.get("/me", response=MeOut, summary="Người dùng đang đăng nhập")
def me(request):
    user = request.user
    agency = authz.primary_agency(user)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "account_type": user.account_type,
        "roles": sorted(authz.roles_of(user)),
        "agency": {"code": agency.code, "name": agency.name} if agency else None,
        "personal_id": user.personal_id,
        "tax_code": user.tax_code or None,
        "second_factor": is_strongly_authenticated(request),
        "identity_verified": user.is_identity_verified,
    }


class CitizenIn(Schema):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=3, max_length=150, pattern=r"^[A-Za-z0-9_.@+-]+$")
    password: str = Field(min_length=10, max_length=128)
    full_name: str = Field(min_length=2, max_length=150)
    personal_id: str = Field(min_length=12, max_length=12)
    date_of_birth: datetime.date
    sex: Literal["male", "female"]
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=15)


class CitizenOut(Schema):
    username: str
    full_name: str
    personal_id: str = Field(description="masked")


@router.post(
    "/citizens", response={201: CitizenOut}, auth=None, summary="Công dân đăng ký tài khoản"
)
def register_citizen(request, payload: CitizenIn):
    user = services.register_citizen(**payload.model_dump())
    return Status(
        201,
        {
            "username": user.username,
            "full_name": user.full_name,
            "personal_id": user.masked_personal_id,
        },
    )


class AgencyOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None = Field(None, validation_alias="parent_code")
    unit: str = Field(validation_alias="unit_id")
    email: str
    phone: str
    address: str
    cut_off_time: ClockTime


class AgencyFilter(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: str | None = Field(None, max_length=20)
    unit: str | None = Field(None, max_length=10)
    q: str | None = Field(None, max_length=100)


@router.get("/agencies", response=list[AgencyOut], auth=None, summary="Cơ quan")
@paginate(PageNumberPagination)
def list_agencies(request, filters: Query[AgencyFilter]):
    return selectors.agencies(kind=filters.kind, unit=filters.unit, q=filters.q)


class AgencyPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=300)
    cut_off_time: ClockTime | None = None


@router.patch("/agencies/{code}", response=AgencyOut, summary="Cập nhật thông tin cơ quan")
def update_agency(request, code: str, payload: AgencyPatch):
    agency = get_object_or_404(Agency, code=code)
    agency = services.update_agency(
        actor=request.user, agency=agency, **payload.model_dump(exclude_unset=True)
    )
    return selectors.agencies().get(pk=agency.pk)


class EnrolmentLinkIn(Schema):
    model_config = ConfigDict(extra="forbid")
    hours: int = Field(enrolment.LINK_HOURS, ge=1, le=24 * 14)


class EnrolmentLinkOut(Schema):
    username: str
    url: str
    expires_at: datetime.datetime


@router.post(
    "/users/{username}/enrolment-link",
    response={201: EnrolmentLinkOut},
    summary="Cấp đường dẫn kích hoạt xác thực hai lớp",
)
def issue_enrolment_link(request, username: str, payload: EnrolmentLinkIn):
    """An administrator whose scope covers the officer's agency; the link is shown once."""
    authz.require_role(request.user, Role.ADMINISTRATOR, anywhere=True)  # before any lookup
    user = get_object_or_404(User, username=username)
    link, raw = enrolment.issue_enrolment_link(actor=request.user, user=user, hours=payload.hours)
    url = request.build_absolute_uri(enrolment.enrolment_path(raw))
    return Status(201, {"username": user.username, "url": url, "expires_at": link.expires_at})


class IdentityVerificationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    personal_id: str = Field(min_length=12, max_length=12, pattern=r"^[0-9]{12}$")
    date_of_birth: datetime.date
    note: str = Field("", max_length=300)


class IdentityVerificationOut(Schema):
    username: str
    full_name: str
    identity_verified_at: datetime.datetime


@router.post(
    "/identity-verifications",
    response=IdentityVerificationOut,
    summary="Xác minh danh tính tài khoản tại bộ phận một cửa",
)
def verify_identity(request, payload: IdentityVerificationIn):
    """A one-stop officer, with the citizen's ID card in hand: the account carrying
    both the number and the date of birth is verified (recorded and audited)."""
    return identity.verify_identity(actor=request.user, **payload.model_dump())
