"""The receipt a citizen gets when an online dossier is submitted."""

from __future__ import annotations

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from tinhso.core import pdf
from tinhso.procedures import selectors as procedure_selectors

from . import services
from .models import Dossier


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def receipt_pdf(dossier: Dossier) -> bytes:
    """Giấy xác nhận nộp hồ sơ trực tuyến: code, papers, expected result date, QR."""
    s = pdf.styles()
    definition = procedure_selectors.definition_of(dossier.procedure_version)
    labels = {d.kind: d.label for d in definition.documents}
    documents = services.current_documents(dossier)
    parent = dossier.desk.parent.name if dossier.desk.parent_id else dossier.desk.name
    submitted = timezone.localtime(dossier.submitted_at) if dossier.submitted_at else None
    rows = [
        ("Mã hồ sơ:", f"<b>{dossier.code}</b>"),
        ("Thủ tục:", f"{dossier.procedure.name} (mã {dossier.procedure.code})"),
        ("Người nộp:", dossier.applicant_name),
        ("Số định danh:", services.mask_id(dossier.applicant_identifier)),
        ("Cơ quan giải quyết:", dossier.agency.name),
        ("Nơi tiếp nhận:", dossier.desk.name),
        ("Thời điểm nộp:", submitted.strftime("%H:%M ngày %d/%m/%Y") if submitted else "—"),
        (
            "Ngày hẹn trả kết quả (dự kiến):",
            f"<b>{dossier.expected_date:%d/%m/%Y}</b>" if dossier.expected_date else "—",
        ),
        ("Thời hạn giải quyết:", f"{definition.processing_days} ngày làm việc"),
        ("Phí, lệ phí phải nộp:", _vnd(dossier.fee_amount) + (f" ({definition.fee_note})" if definition.fee_note else "")),
    ]  # fmt: skip
    papers = [
        [str(i), labels.get(d.kind, d.kind), d.display_name, f"{d.size // 1024 + 1} KB"]
        for i, d in enumerate(documents, start=1)
    ] or [["—", "Không có giấy tờ đính kèm", "", ""]]
    link = services.tracking_link(dossier)
    qr = pdf.qr_image(link)
    footer = Table(
        [
            [
                qr,
                Paragraph(
                    "Quét mã QR hoặc vào trang tra cứu, nhập mã hồ sơ và 4 số cuối của số điện "
                    f"thoại hoặc số định danh để theo dõi hồ sơ.<br/>{link}",
                    s["small"],
                ),
            ]
        ],
        colWidths=[32 * mm, 140 * mm],
    )
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story = [
        pdf.header(parent_name=parent, agency_name=dossier.desk.name),
        pdf.spacer(6),
        Paragraph("GIẤY XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN", s["title"]),
        Paragraph("(Hồ sơ được tiếp nhận chính thức khi cán bộ một cửa kiểm tra đủ, hợp lệ)", s["center"]),
        pdf.spacer(4),
        pdf.key_values(rows),
        pdf.spacer(4),
        Paragraph("Giấy tờ đã nộp:", s["bold"]),
        pdf.bordered_list(["STT", "Loại giấy tờ", "Tệp", "Dung lượng"], papers, [12, 78, 60, 25]),
        pdf.spacer(6),
        footer,
    ]  # fmt: skip
    return pdf.build(
        story, title=f"Giấy xác nhận nộp hồ sơ {dossier.code}", author=dossier.desk.name
    )
