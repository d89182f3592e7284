
from ninja import Router, Schema

from . import authz

router = Router(tags=["accounts"])


class AgencyOut(Schema):
    code: str
    name: str


class MeOut(Schema):
    username: str
    full_name: str
    account_type: str
    roles: list[str]
    agency: AgencyOut | None
    personal_id: str | None  # the owner sees their own number in full
    tax_code: str | None
    second_factor: bool


@router.get("/me", response=MeOut, summary="Người dùng đang đăng nhập")
def me(request):
    from .auth import is_strongly_authenticated

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
    }
