"""The patient's record as a PDF (reportlab, DejaVu Sans for the Vietnamese glyphs)."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.pdf import styles

from .codes import VITAL_SIGNS
from .models import Observation, Patient
from .selectors import record_of


def record_pdf(patient: Patient) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    s = styles()
    record = record_of(patient)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=16 * mm, title=_("Hồ sơ sức khỏe điện tử"), author="tinhso",
    )  # fmt: skip

    def table(head: list[str], rows: list[list[Any]]) -> Table | Paragraph:
        if not rows:
            return Paragraph(_("Chưa có thông tin."), s["small"])
        data = [[Paragraph(h, s["bold"]) for h in head]] + [
            [Paragraph(str(c), s["small"]) for c in row] for row in rows
        ]
        t = Table(data, repeatRows=1, hAlign="LEFT")
        t.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))  # fmt: skip
        return t

    def day(value) -> str:
        if value is None:
            return ""
        if hasattr(value, "hour"):
            value = timezone.localtime(value)
            return value.strftime("%d/%m/%Y %H:%M")
        return value.strftime("%d/%m/%Y")

    latest: dict[str, Observation] = {}
    for o in record.observations:
        latest.setdefault(o.code, o)
    story = [
        Paragraph(_("HỒ SƠ SỨC KHỎE ĐIỆN TỬ"), s["title"]),
        Paragraph(f"{_('Họ và tên')}: <b>{patient.full_name}</b>", s["base"]),
        Paragraph(
            f"{_('Ngày sinh')}: {day(patient.date_of_birth)} · {_('Giới tính')}: "
            f"{patient.get_sex_display()} · {_('Số định danh')}: {patient.masked_personal_id}",
            s["base"],
        ),
    ]
    if patient.bhyt_card_code or patient.social_insurance_number:
        story.append(Paragraph(
            f"{_('Thẻ BHYT')}: {patient.bhyt_card_code or patient.social_insurance_number} "
            f"({day(patient.bhyt_valid_from)} – {day(patient.bhyt_valid_to)})", s["base"],
        ))  # fmt: skip
    sections: list[tuple[str, list[str], list[list[Any]]]] = [
        (_("Bệnh, chẩn đoán"), [_("Mã ICD-10"), _("Tên bệnh"), _("Ngày ghi")],
         [[c.code, c.text, day(c.recorded_at)] for c in record.conditions]),
        (_("Dị ứng"), [_("Chất"), _("Mức độ"), _("Biểu hiện")],
         [[a.substance, a.get_criticality_display(), a.reaction] for a in record.allergies]),
        (_("Tiêm chủng"), [_("Vắc xin"), _("Mũi"), _("Ngày tiêm"), _("Số lô"), _("Nơi tiêm")],
         [[i.vaccine_name, i.dose_number, day(i.occurred_on), i.lot_number,
           i.facility.name if i.facility else ""] for i in record.immunizations]),
        (_("Dấu hiệu sinh tồn (gần nhất)"), [_("Chỉ số"), _("Giá trị"), _("Lúc")],
         [[str(VITAL_SIGNS[o.code].label) if o.code in VITAL_SIGNS else o.display,
           f"{o.value.normalize() if o.value is not None else o.value_text} {o.unit}",
           day(o.effective_at)] for o in latest.values()]),
        (_("Đơn thuốc"), [_("Mã đơn"), _("Thuốc"), _("Ngày kê")],
         [[rx.code or "", "; ".join(f"{it.drug_name} ({it.dose_text})" for it in rx.items.all()),
           day(rx.issued_at or rx.created_at)] for rx in record.prescriptions]),
        (_("Lượt khám"), [_("Ngày"), _("Cơ sở"), _("Lý do")],
         [[day(e.started_at), e.facility.name, e.reason] for e in record.encounters]),
    ]  # fmt: skip
    for title, head, rows in sections:
        story += [Spacer(1, 5 * mm), Paragraph(title, s["bold"]), Spacer(1, 2 * mm)]
        story.append(table(head, rows))
    story += [
        Spacer(1, 8 * mm),
        Paragraph(
            _("Trích xuất lúc %(t)s từ hồ sơ sức khỏe điện tử.") % {"t": day(timezone.now())},
            s["small"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
