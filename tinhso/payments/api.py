import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema

from tinhso.core.errors import NotFound
from tinhso.dossiers.error_codes import DossiersErrorCode

from . import selectors

router = Router(tags=["payments"])


class PaymentOut(Schema):
    amount: int
    status: str  # not_required, due, paid
    vietqr: str
    paid_at: datetime.datetime | None
    reference: str


@router.get("/dossiers/{code}/payment", response=PaymentOut)
def dossier_payment(request, code: str):
    """The fee of a dossier: amount (VND), status, the VietQR payload while it is due."""
    view = selectors.payment_view(request.user, code)
    if view is None:
        raise NotFound(
            _("Không có hồ sơ mã %(code)s, hoặc bạn không được xem hồ sơ này.") % {"code": code},
            code=DossiersErrorCode.UNKNOWN_DOSSIER,
        )
    return view
