"""Biên lai thu phí, lệ phí điện tử: the number series of each agency (gap-free,
safe under concurrency) and the receipt's PDF, drawn with the platform's document
layout (core.pdf, core.document_layout)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone

from tinhso.core import pdf
from tinhso.dossiers import slips

from .models import Payment, PaymentMethod, ReceiptCounter

RECEIPT_KIND = "bien-lai-phi-le-phi"
# Ký hiệu of the series: BL (biên lai), the agency's code, the year.
SYMBOL = "BL-{agency}/{year}"


def next_number(*, agency_id: int, year: int) -> int:
    """The next number of the agency's series for `year`, from 1. Runs in the caller's
    transaction: the UPDATE locks the counter row until it commits, so two payments
    never get the same number, and a rollback gives the number back (no gap)."""
    ReceiptCounter.objects.get_or_create(agency_id=agency_id, year=year)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payments_receiptcounter SET last_number = last_number + 1 "
            "WHERE agency_id = %s AND year = %s RETURNING last_number",
            [agency_id, year],
        )
        (number,) = cursor.fetchone()
    return int(number)


_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_GROUPS = ["", " nghìn", " triệu", " tỷ", " nghìn tỷ", " triệu tỷ"]


def _three(n: int, *, full: bool) -> str:
    """Words for 0–999; `full`: a group after a higher one ("không trăm linh năm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 5 and tens:
            words.append("lăm")
        elif units == 1 and tens > 1:
            words.append("mốt")
        elif units == 4 and tens > 1:
            words.append("tư")
        else:
            words.append(_DIGITS[units])
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """'Một trăm ba mươi lăm nghìn đồng' (a receipt writes its amount out too)."""
    if amount <= 0:
        return "Không đồng"
    groups: list[int] = []
    while amount:
        groups.append(amount % 1000)
        amount //= 1000
    parts: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if not value:
            continue
        higher = index < len(groups) - 1
        parts.append(_three(value, full=higher) + _GROUPS[index])
    text = " ".join(parts)
    return text[0].upper() + text[1:] + " đồng"


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def receipt_pdf(
    payment: Payment, *, number: int, symbol: str, issued_at: datetime.datetime
) -> bytes:
    """The receipt as the citizen downloads it: the collecting agency's lines, the
    series symbol and number, who paid what for which dossier, how and when."""
    from reportlab.platypus import Paragraph

    s = pdf.styles()
    dossier = payment.dossier
    parent, agency = slips.header_lines(payment.agency)
    paid_at = timezone.localtime(payment.paid_at or issued_at)
    method = PaymentMethod(payment.method).label if payment.method else ""
    rows = [
        ("Ký hiệu:", symbol),
        ("Số:", f"<b>{number:07d}</b>"),
        ("Đơn vị thu:", payment.agency.name),
        ("Người nộp:", dossier.applicant_name),
        ("Nội dung thu:", f"Phí, lệ phí thủ tục {dossier.procedure.name}"),
        ("Mã hồ sơ:", f"<b>{payment.code}</b>"),
        ("Số tiền:", f"<b>{_vnd(payment.amount)}</b>"),
        ("Bằng chữ:", amount_in_words(payment.amount)),
        ("Hình thức nộp:", str(method)),
        ("Mã giao dịch / số chứng từ:", payment.reference or "—"),
        ("Thời điểm nộp:", paid_at.strftime("%H:%M ngày %d/%m/%Y")),
    ]  # fmt: skip
    story = [
        pdf.header(
            parent_name=parent,
            agency_name=agency,
            place_date=slips.place_date_of(payment.agency, issued_at),
        ),
        pdf.spacer(6),
        Paragraph("BIÊN LAI THU PHÍ, LỆ PHÍ", s["title"]),
        Paragraph("(Biên lai điện tử)", s["center"]),
        pdf.spacer(4),
        pdf.key_values(rows),
        pdf.spacer(6),
        Paragraph(
            "Biên lai được lập tự động khi khoản nộp được ghi nhận; tra cứu hồ sơ tại "
            f"{dossier_link(payment)}",
            s["small"],
        ),
    ]
    return pdf.build(
        story,
        title=f"Biên lai {symbol} số {number:07d}",
        author=payment.agency.name,
    )


def dossier_link(payment: Payment) -> str:
    from tinhso.dossiers.services import tracking_link

    return tracking_link(payment.dossier)


def confirmation_section(dossier) -> list:
    """On the confirmation of an online submission, while the fee is due: the VietQR
    code, its text and the bank details written out (dossiers.pdf draws it)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    from . import selectors

    view = selectors.describe(dossier)
    account = view["account"]
    if view["status"] != "due" or not view["vietqr"] or account is None:
        return []
    s = pdf.styles()
    details = [
        Paragraph(f"<b>{label}</b> {value}", s["base"])
        for label, value in (
            ("Ngân hàng:", account.bank_name),
            ("Số tài khoản:", account.account_number),
            ("Chủ tài khoản:", account.account_name),
            ("Số tiền:", _vnd(view["amount"])),
            ("Nội dung chuyển khoản:", dossier.code),
        )
    ]
    table = Table(
        [[pdf.qr_image(view["vietqr"], size_mm=38), details]], colWidths=[42 * mm, 133 * mm]
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [
        Paragraph("Nộp phí, lệ phí bằng chuyển khoản (quét mã VietQR):", s["bold"]),
        table,
        Paragraph(f"Mã VietQR dạng chữ: {view['vietqr']}", s["small"]),
        pdf.spacer(4),
    ]
