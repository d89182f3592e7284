"""The result of a dossier: drawn from the procedure's data as a PDF, numbered in the
agency's register, and handed to the signing service.

The signing service plugs in through RESULT_SIGNER (a class with
`sign(pdf, *, signer, dossier) -> bytes`). Until the platform's PAdES signing is
configured, the default issues the result without a digital signature and says so
on the page, rather than pretending.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Protocol
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from tinhso.core import pdf

from .models import DocumentRegister, Dossier


class ResultSigner(Protocol):
    def sign(self, document: bytes, *, signer, dossier: Dossier) -> bytes: ...


class UnsignedResult:
    """No signing service configured: the PDF is issued as drawn."""

    def sign(self, document: bytes, *, signer, dossier: Dossier) -> bytes:
        return document


def result_signer() -> ResultSigner:
    return import_string(
        getattr(settings, "RESULT_SIGNER", "tinhso.dossiers.results.UnsignedResult")
    )()


def _next_number(dossier: Dossier, year: int) -> str:
    code = dossier.agency.code
    for _attempt in range(3):
        register = (
            DocumentRegister.objects.select_for_update().filter(agency_code=code, year=year).first()
        )
        if register is None:
            try:
                with transaction.atomic():
                    register = DocumentRegister.objects.create(agency_code=code, year=year)
            except IntegrityError:
                continue
        register.last += 1
        register.save(update_fields=["last"])
        return f"{register.last}/{year}/KQ-{code}"
    raise RuntimeError("document register busy")


def verification_link(dossier: Dossier) -> str:
    """What the QR code on an issued paper carries (Circular 01/2023/TT-VPCP): the
    dossier code, the procedure code and the document name, and the applicant's
    identifier masked (its last digits are the tracking page's secret)."""
    from tinhso.core.identity import mask_id

    query = urlencode(
        {
            "ma": dossier.code,
            "ma_tthc": dossier.procedure.code,
            "dinh_danh": mask_id(dossier.applicant_identifier)[:4],
            "ten": dossier.procedure.result_type or dossier.procedure.name,
        }
    )
    return f"{settings.PUBLIC_BASE_URL}/xac-thuc/?{query}"


def draw_result(dossier: Dossier, *, number: str, signer, issued_at) -> bytes:
    from reportlab.platypus import Paragraph

    s = pdf.styles()
    definition = dossier.procedure_version.data
    labels = {f["name"]: f["label"] for f in definition.get("fields", [])}
    parent = dossier.agency.parent.name if dossier.agency.parent_id else ""
    local = timezone.localtime(issued_at)
    story = [
        pdf.header(parent_name=parent, agency_name=dossier.agency.name),
        pdf.spacer(2),
        Paragraph(f"Số: {number}", s["base"]),
        pdf.spacer(4),
        Paragraph((definition.get("result_type") or dossier.procedure.name).upper(), s["title"]),
        Paragraph(f"(Kết quả giải quyết thủ tục {dossier.procedure.name})", s["center"]),
        pdf.spacer(6),
        pdf.key_values(
            [
                ("Cấp cho:", dossier.applicant_name),
                ("Số định danh / mã số thuế:", dossier.applicant_identifier or "—"),
                ("Mã hồ sơ:", dossier.code),
                ("Mã thủ tục:", dossier.procedure.code),
            ]
            + [
                (f"{labels[k]}:", str(v))
                for k, v in dossier.data.items()
                if k in labels and v not in ("", None, False) and k not in {"ward"}
            ]
        ),
        pdf.spacer(8),
        Paragraph(f"{dossier.agency.unit.name}, ngày {local:%d} tháng {local:%m} năm {local:%Y}", s["center"]),
        Paragraph("THỦ TRƯỞNG CƠ QUAN", s["center_bold"]),
        pdf.spacer(14),
        Paragraph(signer.get_full_name(), s["center_bold"]),
        pdf.spacer(6),
        pdf.qr_image(verification_link(dossier), size_mm=26),
    ]  # fmt: skip
    return pdf.build(
        story, title=f"{number} {dossier.procedure.result_type}", author=dossier.agency.name
    )


def issue_result(dossier: Dossier, *, signer, now) -> str:
    """Number, draw, sign and store the result; called inside the sign transition."""
    number = _next_number(dossier, timezone.localtime(now).year)
    document = result_signer().sign(
        draw_result(dossier, number=number, signer=signer, issued_at=now),
        signer=signer,
        dossier=dossier,
    )
    relative = Path("results") / f"{now:%Y}" / f"{uuid.uuid4().hex}.pdf"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as out:
        out.write(document)
        out.flush()
        os.fsync(out.fileno())
    target.chmod(0o600)
    dossier.result_file = relative.as_posix()
    dossier.result_number = number
    dossier.result_issued_at = now
    return number
