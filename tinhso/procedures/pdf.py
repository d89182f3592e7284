"""The printable declaration form (tờ khai) of a procedure, made from its data, for
those who file at the desk or by post."""

from __future__ import annotations

from tinhso.core import pdf

from .models import Procedure
from .schema import ProcedureDefinition

BLANK = "." * 90


def declaration_form_pdf(procedure: Procedure, definition: ProcedureDefinition) -> bytes:
    from reportlab.platypus import Paragraph

    s = pdf.styles()
    agency = procedure.agency.name if procedure.agency_id else "Ủy ban nhân dân cấp xã"
    story = [
        pdf.header(parent_name="", agency_name=""),
        pdf.spacer(4),
        Paragraph("TỜ KHAI", s["title"]),
        Paragraph(definition.name, s["center_bold"]),
        Paragraph(f"(Mã thủ tục {definition.code} — kính gửi: {agency})", s["center"]),
        pdf.spacer(6),
    ]
    for field in definition.fields:
        if field.type == "file":
            continue
        mark = " (*)" if field.required else ""
        if field.type == "select":
            options = " ☐ ".join(field.choices or [])
            story.append(Paragraph(f"{field.label}{mark}: ☐ {options}", s["base"]))
        elif field.type == "checkbox":
            story.append(Paragraph(f"☐ {field.label}{mark}", s["base"]))
        elif field.type == "unit":
            story.append(Paragraph(f"{field.label}{mark}: {BLANK[:60]}", s["base"]))
        else:
            story.append(
                Paragraph(
                    f"{field.label}{mark}: {BLANK[: max(20, 80 - len(field.label))]}", s["base"]
                )
            )
        story.append(pdf.spacer(2))
    if definition.documents:
        story += [pdf.spacer(4), Paragraph("Giấy tờ kèm theo:", s["bold"])]
        story += [
            Paragraph(f"☐ {d.label}{'' if d.required else ' (nếu có)'}", s["base"])
            for d in definition.documents
        ]
    story += [
        pdf.spacer(6),
        Paragraph("(*) thông tin bắt buộc. Nộp trực tuyến thì không cần tờ khai giấy.", s["small"]),
        pdf.spacer(8),
        Paragraph("....., ngày ..... tháng ..... năm ........", s["center"]),
        Paragraph("NGƯỜI KHAI", s["center_bold"]),
        Paragraph("(Ký, ghi rõ họ tên)", s["center"]),
    ]  # fmt: skip
    return pdf.build(story, title=f"Tờ khai {definition.code}", author="tinhso")


def filled_declaration_pdf(
    *,
    definition: ProcedureDefinition,
    paper_label: str,
    addressee: str,
    answers: list[tuple[str, str]],
    declarant: str,
    dossier_code: str,
    place: str,
    day,
) -> bytes:
    """The declaration made from the answers given online (once-only: the citizen is
    not asked to upload it), with the dossier code it belongs to."""
    from html import escape

    from reportlab.platypus import Paragraph

    from tinhso.core.document_layout import place_date_line

    s = pdf.styles()
    story = [
        pdf.header(parent_name="", agency_name="", place_date=place_date_line(place, day)),
        pdf.spacer(4),
        Paragraph("TỜ KHAI", s["title"]),
        Paragraph(escape(paper_label), s["center_bold"]),
        Paragraph(escape(f"(Mã thủ tục {definition.code} — kính gửi: {addressee})"), s["center"]),
        pdf.spacer(6),
        pdf.key_values([(escape(label), escape(value)) for label, value in answers]),
        pdf.spacer(6),
        Paragraph(
            escape(
                "Tờ khai này được lập từ thông tin người yêu cầu khai trực tuyến trong hồ sơ "
                f"{dossier_code}; người khai cam đoan thông tin là đúng sự thật."
            ),
            s["small"],
        ),
        pdf.spacer(8),
        Paragraph("NGƯỜI KHAI", s["center_bold"]),
        Paragraph(escape(declarant), s["center"]),
        Paragraph("(Đã xác thực điện tử khi nộp hồ sơ)", s["center"]),
    ]
    return pdf.build(story, title=f"Tờ khai {dossier_code}", author="tinhso")
