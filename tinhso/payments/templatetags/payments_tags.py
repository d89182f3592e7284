from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tinhso.payments import selectors, vietqr

register = template.Library()


@register.inclusion_tag("payments/_dossier_payment.html")
def dossier_payment(dossier):
    """The fee panel of a dossier page: the VietQR image and the bank details."""
    view = selectors.describe(dossier)
    qr = ""
    if view["vietqr"]:
        # segno draws the payload vietqr.build made (ASCII, checked by parse) and our own title.
        svg = vietqr.svg(view["vietqr"], title=_("Mã VietQR nộp phí hồ sơ"))
        qr = mark_safe(svg)  # noqa: S308  # nosec B308 B703
    return {"payment": view, "qr_svg": qr, "account": view["account"]}


@register.simple_tag
def fee_status_label(dossier) -> str:
    """ "đã nộp" / "chưa nộp", read from the Payment (the summary of a dossier page)."""
    status = selectors.fee_status(dossier)
    if status == "paid":
        return _("đã nộp")
    if status == "due":
        return _("chưa nộp")
    return _("không phải nộp")
