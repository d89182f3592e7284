"""The papers the one-stop desk issues about a dossier: the confirmation of an online
submission, the slips (forms 01–04, slips.py) and the control slip (form 06)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tinhso.accounts.models import Agency
from tinhso.core import pdf
from tinhso.core.document_layout import date_words
from tinhso.procedures.fees import quote

from . import services, slips
from .models import Dossier
from .signals import confirmation_sections


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def receipt_pdf(dossier: Dossier) -> bytes:
    """Giấy xác nhận nộp hồ sơ trực tuyến: code, papers by name, form and count, the
    expected result date, the fee computed from the form with its public note, QR."""
    # Over 80 lines: the receipt's layout, read top to bottom in the order it prints.
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    s = pdf.styles()
    definition = services.definition_of(dossier)
    by_kind = {d.kind: d for d in definition.documents}
    documents = services.current_documents(dossier)
    parent, agency = slips.header_lines(dossier.desk)
    fee = quote(
        definition,
        dossier.data,
        on=timezone.localtime(dossier.submitted_at).date() if dossier.submitted_at else None,
    )
    fee_text = _vnd(dossier.fee_amount)
    if fee.lines and fee.amount == dossier.fee_amount:
        fee_text += f" ({'; '.join(fee.lines)})"
    if definition.fee_note:
        fee_text += f"<br/>{definition.fee_note}"
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
        ("Nhận kết quả:", dossier.get_result_delivery_display()),
        ("Phí, lệ phí phải nộp:", fee_text),
    ]  # fmt: skip
    papers = [
        [
            str(i),
            by_kind[d.kind].label if d.kind in by_kind else d.kind,
            slips.paper_form(
                d, by_kind[d.kind].form if d.kind in by_kind else None, channel=dossier.channel
            ),
            f"{by_kind[d.kind].copies if d.kind in by_kind else 1:02d}",
        ]
        for i, d in enumerate(documents, start=1)
    ] or [["—", "Không có giấy tờ kèm theo", "", ""]]
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
        pdf.header(
            parent_name=parent,
            agency_name=agency,
            place_date=slips.place_date_of(dossier.desk, dossier.submitted_at or timezone.now()),
        ),
        pdf.spacer(6),
        Paragraph("GIẤY XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN", s["title"]),
        Paragraph("(Hồ sơ được tiếp nhận chính thức khi cán bộ một cửa kiểm tra đủ, hợp lệ)", s["center"]),
        pdf.spacer(4),
        pdf.key_values(rows),
        pdf.spacer(4),
        Paragraph("Giấy tờ đã nộp:", s["bold"]),
        pdf.bordered_list(["STT", "Tên giấy tờ", "Hình thức", "Số lượng"], papers, [12, 103, 35, 25]),
        pdf.spacer(6),
    ]  # fmt: skip
    for section in confirmation_sections:
        story += section(dossier)
    story.append(footer)
    return pdf.build(
        story, title=f"Giấy xác nhận nộp hồ sơ {dossier.code}", author=dossier.desk.name
    )


# Slips the head of the agency signs, with their title (Decree 118/2025/NĐ-CP): the
# apology by the head of the agency at fault, a decline by the processing agency's.
SIGNED_BY_THE_HEAD = {"apology", "decline", "stop"}


def _date(value: str | None) -> str:
    if not value:
        return "—"
    return datetime.date.fromisoformat(value[:10]).strftime("%d/%m/%Y")


def _moment(value: str | None) -> str:
    """'09 giờ 15 phút, ngày 26 tháng 02 năm 2026' (Form 01's wording)."""
    if not value:
        return "—"
    at = timezone.localtime(datetime.datetime.fromisoformat(value))
    return f"{at:%H} giờ {at:%M} phút, {date_words(at.date())}"


# The slips' titles, from the forms' data (slips.py, data/slip_forms.csv).
SLIP_TITLES = {kind: form.title for kind, form in slips.forms().items()}


def _opening(slip, issuer, s) -> list:
    from reportlab.platypus import Paragraph

    form = slips.form_of(slip.kind)
    parent, agency = slips.header_lines(issuer)
    story = [
        pdf.header(
            parent_name=parent,
            agency_name=agency,
            number=f"Số: {slip.number}" if slip.number else "",
            place_date=slips.place_date_of(issuer, slip.issued_at),
        ),
        pdf.spacer(6),
        Paragraph(form.title, s["title"]),
    ]
    if form.form:
        story.append(Paragraph(f"(Mẫu số {form.form})", s["center"]))
    return story


def _receipt_body(slip, s) -> tuple[list, list]:
    """Form 01: the applicant, the register, the papers by name, form and count, the
    statutory time, the hours received and of return, how the result is collected."""
    from reportlab.platypus import Paragraph

    dossier, data = slip.dossier, slip.data
    rows = [
        ("Mã hồ sơ:", f"<b>{dossier.code}</b>"),
        ("Thủ tục:", f"{dossier.procedure.name} (mã {dossier.procedure.code})"),
        ("Người nộp hồ sơ:", dossier.applicant_name),
        ("Số định danh:", data.get("applicant_identifier") or services.mask_id(dossier.applicant_identifier)),
        ("Địa chỉ:", data.get("applicant_address") or "—"),
        ("Số điện thoại:", data.get("applicant_phone") or "—"),
    ]  # fmt: skip
    if data.get("sequence"):
        year = timezone.localtime(slip.issued_at).year
        rows.append(("Sổ theo dõi hồ sơ:", f"năm {year}, số thứ tự {data['sequence']:02d}"))
    papers = [
        [str(i), p["name"], p["form"], f"{p['copies']:02d}"]
        for i, p in enumerate(data.get("papers", []), start=1)
    ] or [["—", "Không có giấy tờ kèm theo", "", ""]]
    timing = [
        ("Thời hạn giải quyết:", f"{data['processing_days']} ngày làm việc" if "processing_days" in data else "—"),
        ("Thời gian nhận hồ sơ:", _moment(data.get("received_at"))),
        ("Thời gian trả kết quả:", f"<b>{_moment(data.get('return_at'))}</b>" if data.get("return_at") else f"<b>{_date(data.get('due_date'))}</b>"),
        ("Nhận kết quả tại:", data.get("result_delivery_label") or "—"),
    ]  # fmt: skip
    if data.get("fee_amount"):
        timing.append(("Phí, lệ phí:", _vnd(data["fee_amount"])))
    body = [
        pdf.key_values(rows),
        pdf.spacer(3),
        Paragraph("Hồ sơ gồm những giấy tờ sau:", s["bold"]),
        pdf.bordered_list(["STT", "Tên giấy tờ", "Hình thức", "Số lượng"], papers, [12, 103, 35, 25]),
        pdf.spacer(3),
        pdf.key_values(timing),
    ]  # fmt: skip
    signers = [
        (["NGƯỜI NỘP HỒ SƠ"], dossier.applicant_name),
        (["NGƯỜI TIẾP NHẬN HỒ SƠ"], data.get("receiver") or slip.issued_by.get_full_name()),
    ]
    return body, signers


def _supplement_body(slip, s) -> tuple[list, list]:
    """Form 02: every item with its reason, once; a contact for guidance."""
    from reportlab.platypus import Paragraph

    dossier, data = slip.dossier, slip.data
    reasons = list(data.get("reasons", []))
    items = [
        [str(i), item, reasons[i - 1] if i - 1 < len(reasons) else ""]
        for i, item in enumerate(data.get("items", []), 1)
    ]
    body = [
        pdf.key_values([
            ("Mã hồ sơ:", f"<b>{dossier.code}</b>"),
            ("Thủ tục:", f"{dossier.procedure.name} (mã {dossier.procedure.code})"),
            ("Người nộp hồ sơ:", dossier.applicant_name),
        ]),
        pdf.spacer(3),
        Paragraph("Hồ sơ cần bổ sung, hoàn thiện những nội dung sau (đã nêu đầy đủ, một lần):", s["bold"]),
        pdf.bordered_list(["STT", "Nội dung cần bổ sung, hoàn thiện", "Lý do"], items or [["—", "—", ""]], [12, 93, 70]),
        pdf.spacer(3),
        Paragraph(data.get("note") or "", s["base"]),
        Paragraph("Thời gian chờ bổ sung không tính vào thời hạn giải quyết.", s["small"]),
        Paragraph(f"Cần hướng dẫn, xin liên hệ: {data['contact']}." if data.get("contact") else "", s["base"]),
    ]  # fmt: skip
    return body, [(["NGƯỜI HƯỚNG DẪN"], slip.issued_by.get_full_name())]


def slip_pdf(slip) -> bytes:
    """The slips of the one-stop mechanism (Decree 118/2025/NĐ-CP; forms and numbers as
    data, slips.py) and the decline notices, drawn from the data kept when each was
    issued, in the layout of Decree 30/2020/NĐ-CP: the issuing lines, the slip's number,
    the place and date line at the top right (no clock time)."""
    from reportlab.platypus import Paragraph

    s = pdf.styles()
    dossier = slip.dossier
    issuer = slips.issuer_of(dossier, slip.kind)
    if slip.data.get("agency"):  # the agency at fault (apology) or that declined
        issuer = Agency.objects.filter(code=slip.data["agency"]).first() or issuer
    data = slip.data
    signers = [(["NGƯỜI LẬP PHIẾU"], slip.issued_by.get_full_name())]
    if slip.kind == "receipt":
        body, signers = _receipt_body(slip, s)
    elif slip.kind == "supplement":
        body, signers = _supplement_body(slip, s)
    else:
        rows = [
            ("Mã hồ sơ:", f"<b>{dossier.code}</b>"),
            ("Thủ tục:", f"{dossier.procedure.name} (mã {dossier.procedure.code})"),
            ("Người nộp hồ sơ:", dossier.applicant_name),
        ]
        body = []
        if slip.kind == "refusal":
            body = [
                Paragraph("Lý do từ chối:", s["bold"]),
                Paragraph(data.get("reason", ""), s["base"]),
            ]
            signers = [(["NGƯỜI TIẾP NHẬN HỒ SƠ"], slip.issued_by.get_full_name())]
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
        elif slip.kind in ("decline", "stop"):
            what = "dừng giải quyết" if slip.kind == "stop" else "từ chối giải quyết"
            body = [
                Paragraph(f"{issuer.name} thông báo hồ sơ của ông/bà bị {what}.", s["base"]),
                Paragraph("Lý do:", s["bold"]),
                Paragraph(data.get("reason", ""), s["base"]),
            ]
        elif data.get("reason"):
            body = [Paragraph("Lý do:", s["bold"]), Paragraph(data["reason"], s["base"])]
        body = [pdf.key_values(rows), pdf.spacer(3), *body]
        if slip.kind in SIGNED_BY_THE_HEAD:
            head = data.get("signer_title") or issuer.head_title or "THỦ TRƯỞNG CƠ QUAN"
            signers = [([head.upper()], "")]
    story = [
        *_opening(slip, issuer, s),
        pdf.spacer(3),
        *body,
        pdf.spacer(8),
        pdf.signatures(signers),
    ]
    title = slips.form_of(slip.kind).title
    return pdf.build(story, title=f"{title} {dossier.code}", author=issuer.name)


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
    """Phiếu kiểm soát quá trình giải quyết hồ sơ (form 06): each hand-over, who handed
    it over and who received it, when, the step's deadline, and whether it was before,
    on or after it (trước hạn / đúng hạn / quá hạn)."""
    from reportlab.platypus import Paragraph

    s = pdf.styles()
    rows = []
    for h in slips.handovers(dossier):
        step = h["step"]
        rows.append([
            f"{step.name}",
            f"{h['giver']}<br/>({h['giver_agency']})" if h["giver"] else h["giver_agency"],
            f"{h['receiver']}<br/>({h['receiver_agency']})" if h["receiver"] else "—",
            (timezone.localtime(step.finished_at).strftime("%H:%M %d/%m/%Y") if step.finished_at else "—"),
            step.due_date.strftime("%d/%m/%Y"),
            h["verdict"] + (f" (dừng {step.paused_days} ngày)" if step.paused_days else ""),
        ])  # fmt: skip
    desk = dossier.desk
    parent, agency = slips.header_lines(desk)
    form = slips.form_of("control")
    story = [
        pdf.header(parent_name=parent, agency_name=agency, place_date=slips.place_date_of(desk, timezone.now())),
        pdf.spacer(6),
        Paragraph(form.title, s["title"]),
        Paragraph(f"(Mẫu số {form.form})", s["center"]) if form.form else pdf.spacer(1),
        pdf.key_values([
            ("Mã hồ sơ:", dossier.code),
            ("Thủ tục:", dossier.procedure.name),
            ("Người nộp hồ sơ:", dossier.applicant_name),
            ("Hạn giải quyết:", dossier.due_date.strftime("%d/%m/%Y") if dossier.due_date else "—"),
        ]),
        pdf.spacer(3),
        pdf.bordered_list(
            ["Bước xử lý", "Bên giao", "Bên nhận", "Thời gian giao", "Hạn", "Kết quả"],
            rows or [["—"] * 6],
            [30, 30, 30, 28, 26, 31],
        ),
        *[Paragraph(line, s["small"]) for line in _late_supplement_notes(dossier)],
    ]  # fmt: skip
    return pdf.build(story, title=f"{form.title} {dossier.code}", author=desk.name)
