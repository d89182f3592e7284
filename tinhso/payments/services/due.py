"""A payment falls due when a fee-bearing dossier is filed; the result waits for it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tinhso.core.compiled import Compiled, insert
from tinhso.core.errors import Conflict
from tinhso.dossiers.models import Dossier, Status

from .. import selectors
from ..error_codes import PaymentsErrorCode
from ..models import Payment
from .common import _audit

# Asked at every step of every dossier: compiled once per process (core.compiled).
_A_PAYMENT = Compiled(
    lambda dossier_id: Payment.objects.filter(dossier_id=dossier_id).only("pk").order_by()[:1],
    [2_147_000_007],  # never a dossier's id in this statement's first build
)


def on_dossier_changed(sender, *, dossier: Dossier, **kwargs) -> None:
    """When a fee-bearing dossier is filed, its payment falls due (once)."""
    if dossier.status != Status.SUBMITTED or _A_PAYMENT.first(dossier.pk) is not None:
        return
    amount = selectors.amount_due(dossier)
    if amount <= 0:
        return
    payment = insert(
        Payment(
            dossier=dossier,
            code=dossier.code,
            code_compact=selectors.compact_code(dossier.code),
            agency=dossier.agency,
            amount=amount,
        )
    )
    _audit(None, "due", payment, after={"amount": amount}, agency_code=dossier.agency.code)


def fee_must_be_paid_before_return(dossier: Dossier, *, now) -> None:
    """The result is handed over only once the fee is paid (an exempt dossier owes 0)."""
    if selectors.fee_status(dossier) != "due":
        return
    raise Conflict(
        _(
            "Hồ sơ %(code)s chưa nộp phí, lệ phí (%(amount)s đồng): chỉ trả kết quả sau khi "
            "đã nộp (chuyển khoản theo mã VietQR hoặc nộp tại bộ phận một cửa)."
        )
        % {"code": dossier.code, "amount": f"{selectors.amount_due(dossier):,}".replace(",", ".")},
        code=PaymentsErrorCode.FEE_UNPAID,
    )
