"""The receipt a citizen gets when an online dossier is submitted."""

from __future__ import annotations

from django.utils import timezone

from tinhso.accounts.models import Agency
from tinhso.core import pdf
from tinhso.procedures import selectors as procedure_selectors

from . import services
from .models import Dossier


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def receipt_pdf(dossier: Dossier) -> bytes:
    """Giấy xác nhận nộp hồ sơ trực tuyến: code, papers, expected result date, QR."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

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


SLIP_TITLES = {
    "receipt": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "supplement": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    "refusal": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    "apology": "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    "decline": "THÔNG BÁO TỪ CHỐI GIẢI QUYẾT HỒ SƠ",
    "stop": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
}
# Slips the head of the agency signs, with their title (Decree 118/2025/NĐ-CP): the
# apology by the head of the agency at fault, a decline by the processing agency's.
SIGNED_BY_THE_HEAD = {"apology", "decline", "stop"}


def _date(value: str | None) -> str:
    if not value:
        return "—"
    import datetime

    return datetime.date.fromisoformat(value[:10]).strftime("%d/%m/%Y")


def slip_pdf(slip) -> bytes:
    """Forms 01–04 of the one-stop mechanism and the decline notices, from the slip's
    data as issued."""
    from reportlab.platypus import Paragraph

    s = pdf.styles()
    dossier = slip.dossier
    issuer = dossier.desk if slip.kind in ("receipt", "refusal", "supplement") else dossier.agency
    if slip.data.get("agency"):  # the agency at fault (apology) or that declined
        issuer = Agency.objects.filter(code=slip.data["agency"]).first() or issuer
    parent = issuer.parent.name if issuer.parent_id else ""
    issued = timezone.localtime(slip.issued_at)
    rows = [
        ("Mã hồ sơ:", f"<b>{dossier.code}</b>"),
        ("Thủ tục:", f"{dossier.procedure.name} (mã {dossier.procedure.code})"),
        ("Người nộp:", dossier.applicant_name),
    ]
    data = slip.data
    body: list = []
    if slip.kind == "receipt":
        rows += [
            ("Tiếp nhận lúc:", timezone.localtime(dossier.received_at).strftime("%H:%M %d/%m/%Y") if dossier.received_at else "—"),
            ("Ngày hẹn trả kết quả:", f"<b>{_date(data.get('due_date'))}</b>"),
        ]  # fmt: skip
        papers = [
            [str(i), d.display_name] for i, d in enumerate(services.current_documents(dossier), 1)
        ]
        body = [
            Paragraph("Giấy tờ đã nhận:", s["bold"]),
            pdf.bordered_list(["STT", "Giấy tờ"], papers or [["—", "—"]], [12, 163]),
        ]
    elif slip.kind == "supplement":
        items = [[str(i), item] for i, item in enumerate(data.get("items", []), 1)]
        body = [
            Paragraph("Hồ sơ cần bổ sung, hoàn thiện những nội dung sau (đã nêu đầy đủ, một lần):", s["bold"]),
            pdf.bordered_list(["STT", "Nội dung cần bổ sung"], items, [12, 163]),
            pdf.spacer(3),
            Paragraph(data.get("note") or "", s["base"]),
            Paragraph("Thời gian chờ bổ sung không tính vào thời hạn giải quyết.", s["small"]),
        ]  # fmt: skip
    elif slip.kind == "refusal":
        body = [
            Paragraph("Lý do từ chối:", s["bold"]),
            Paragraph(data.get("reason", ""), s["base"]),
        ]
    elif slip.kind in ("decline", "stop"):
        what = "dừng giải quyết" if slip.kind == "stop" else "từ chối giải quyết"
        body = [
            Paragraph(f"{issuer.name} thông báo hồ sơ của ông/bà bị {what}.", s["base"]),
            Paragraph("Lý do:", s["bold"]),
            Paragraph(data.get("reason", ""), s["base"]),
        ]
    elif slip.kind == "apology":
        rows += [
            ("Hạn theo quy định:", _date(data.get("old_due_date"))),
            ("Ngày hẹn mới:", f"<b>{_date(data.get('new_due_date'))}</b>"),
            ("Bước chậm:", data.get("late_step") or "—"),
        ]
        body = [
            Paragraph(f"{issuer.name} xin lỗi ông/bà vì hồ sơ chưa được giải quyết đúng hạn.", s["base"]),
            Paragraph("Lý do:", s["bold"]),
            Paragraph(data.get("reason", ""), s["base"]),
        ]  # fmt: skip
    story = [
        pdf.header(parent_name=parent, agency_name=issuer.name),
        pdf.spacer(6),
        Paragraph(SLIP_TITLES[slip.kind], s["title"]),
        pdf.spacer(3),
        pdf.key_values(rows),
        pdf.spacer(3),
        *body,
        pdf.spacer(8),
        Paragraph(f"{issuer.unit.name}, {issued:%H:%M} ngày {issued:%d/%m/%Y}", s["center"]),
        *_signature(slip, issuer, s),
    ]
    return pdf.build(story, title=f"{SLIP_TITLES[slip.kind]} {dossier.code}", author=issuer.name)


def _signature(slip, issuer, s) -> list:
    """Who signs: the head of the agency, by title, for the slips in SIGNED_BY_THE_HEAD;
    the officer who drew it up for the others."""
    from reportlab.platypus import Paragraph

    if slip.kind in SIGNED_BY_THE_HEAD:
        title = slip.data.get("signer_title") or (issuer.head_title or "THỦ TRƯỞNG CƠ QUAN")
        return [
            Paragraph(title.upper(), s["center_bold"]),
            Paragraph("(Ký, ghi rõ họ tên và đóng dấu)", s["center"]),
            pdf.spacer(14),
        ]
    return [
        Paragraph("NGƯỜI LẬP PHIẾU", s["center_bold"]),
        pdf.spacer(10),
        Paragraph(slip.issued_by.get_full_name(), s["center"]),
    ]


def _late_supplement_notes(dossier) -> list[str]:
    """Supplement requests made after the procedure's window, by a leader (rules.py)."""
    out = []
    for slip in dossier.slips.filter(kind="supplement").select_related("issued_by"):
        if slip.data.get("after_window"):
            at = timezone.localtime(slip.issued_at)
            out.append(
                f"Yêu cầu bổ sung ngày {at:%d/%m/%Y} sau {slip.data.get('window_days')} ngày "
                f"làm việc kể từ khi nhận hồ sơ, do lãnh đạo {slip.issued_by.get_full_name()} "
                "quyết định."
            )
    return out


def control_slip_pdf(dossier) -> bytes:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ (form 06): every hand-over, who,
    when, the step's deadline, on time or late."""
    from reportlab.platypus import Paragraph

    s = pdf.styles()
    today = timezone.localdate()
    rows = []
    for step in dossier.steps.select_related("agency", "assignee", "finished_by").order_by(
        "started_at", "pk"
    ):
        on_time = step.finished_on_time(today)
        verdict = (
            ("Đúng hạn" if on_time else "Trễ hạn")
            if step.finished_at
            else ("Đang xử lý" if on_time else "Đang trễ hạn")
        )
        who = step.finished_by or step.assignee
        rows.append([
            step.name,
            step.agency.short_name or step.agency.name,
            who.get_full_name() if who else "—",
            timezone.localtime(step.started_at).strftime("%H:%M %d/%m"),
            step.due_date.strftime("%d/%m/%Y"),
            timezone.localtime(step.finished_at).strftime("%H:%M %d/%m") if step.finished_at else "—",
            verdict + (f" (dừng {step.paused_days} ngày)" if step.paused_days else ""),
        ])  # fmt: skip
    story = [
        pdf.header(parent_name=dossier.desk.parent.name if dossier.desk.parent_id else "", agency_name=dossier.desk.name),
        pdf.spacer(6),
        Paragraph("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", s["title"]),
        pdf.key_values([
            ("Mã hồ sơ:", dossier.code),
            ("Thủ tục:", dossier.procedure.name),
            ("Hạn giải quyết:", dossier.due_date.strftime("%d/%m/%Y") if dossier.due_date else "—"),
        ]),
        pdf.spacer(3),
        pdf.bordered_list(
            ["Bước", "Cơ quan", "Người xử lý", "Nhận lúc", "Hạn bước", "Chuyển lúc", "Kết quả"],
            rows or [["—"] * 7],
            [34, 24, 28, 20, 20, 20, 29],
        ),
        *[Paragraph(line, s["small"]) for line in _late_supplement_notes(dossier)],
    ]  # fmt: skip
    return pdf.build(story, title=f"Phiếu kiểm soát {dossier.code}", author=dossier.desk.name)
