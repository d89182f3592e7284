"""PDF building blocks shared by every slip the platform issues: a font with
Vietnamese glyphs (DejaVu Sans, vendored), the province's header, a QR code.

reportlab is imported inside the functions that draw (and by the modules that use
these blocks, inside theirs), so importing the URLs does not load it.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import segno
from django.conf import settings

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Image, Spacer, Table

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


@lru_cache(maxsize=1)
def register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))


def styles() -> dict[str, ParagraphStyle]:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=10.5, leading=14)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "center_bold": ParagraphStyle(
            "center_bold", parent=base, fontName=FONT_BOLD, alignment=TA_CENTER
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=14, leading=18,
            alignment=TA_CENTER, spaceBefore=6, spaceAfter=6,
        ),
        "bold": ParagraphStyle("bold", parent=base, fontName=FONT_BOLD),
        # DejaVu Sans Oblique is not vendored: the "italic" lines are upright
        "center_italic": ParagraphStyle("center_italic", parent=base, alignment=TA_CENTER),
    }  # fmt: skip


def qr_image(text: str, size_mm: float = 28) -> Image:
    from reportlab.lib.units import mm
    from reportlab.platypus import Image

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return Image(buffer, width=size_mm * mm, height=size_mm * mm)


def header(*, parent_name: str, agency_name: str, number: str = "", place_date: str = "") -> Table:
    """Two columns as on every Vietnamese administrative document (Decree 30/2020/NĐ-CP,
    Appendix I): on the left the superior agency, the issuing agency (bold) and the
    number; on the right the national name and motto, and the place and date line. The lines come as given (see core.document_layout)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    s = styles()
    left: list = []
    if parent_name:
        left.append(Paragraph(parent_name.upper(), s["center"]))
    if agency_name:
        left.append(Paragraph(agency_name.upper(), s["center_bold"]))
    if number:
        left.append(Paragraph(number, s["center"]))
    right = [
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", s["center_bold"]),
        Paragraph("Độc lập - Tự do - Hạnh phúc", s["center_bold"]),
    ]
    if place_date:
        right += [Spacer(1, 2 * mm), Paragraph(place_date, s["center_italic"])]
    table = Table([[left or [Spacer(1, 1)], right]], colWidths=[80 * mm, 95 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def signatures(columns: list[tuple[list[str], str]], *, hint: bool = True) -> Table:
    """Signature blocks side by side: each its title lines (bold), on forms the hint
    "(Ký, ghi rõ họ tên)", room to sign, and the name (bold) when known. One block
    stands on the right half, under the place and date line (Decree 30/2020)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    s = styles()
    cells = []
    for titles, name in columns:
        cell: list = [Paragraph(t, s["center_bold"]) for t in titles]
        if hint:
            cell.append(Paragraph("(Ký, ghi rõ họ tên)", s["center_italic"]))
        cell += [Spacer(1, 18 * mm), Paragraph(name or "", s["center_bold"])]
        cells.append(cell)
    if len(cells) == 1:
        table = Table([[Spacer(1, 1), cells[0]]], colWidths=[80 * mm, 95 * mm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return table
    width = 175 / max(len(cells), 1)
    table = Table([cells], colWidths=[width * mm] * len(cells))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def key_values(rows: list[tuple[str, str]]) -> Table:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    s = styles()
    data = [[Paragraph(k, s["bold"]), Paragraph(v, s["base"])] for k, v in rows]
    table = Table(data, colWidths=[55 * mm, 120 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def bordered_list(header_row: list[str], rows: list[list[str]], widths_mm: list[float]) -> Table:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    s = styles()
    data = [[Paragraph(h, s["bold"]) for h in header_row]]
    data += [[Paragraph(cell, s["base"]) for cell in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    return table


def build(story: list, *, title: str, author: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author=author,
        lang="vi-VN",
    )
    doc.build(story)
    return buffer.getvalue()


def spacer(height_mm: float = 4) -> Spacer:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    return Spacer(1, height_mm * mm)
