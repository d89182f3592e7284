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
from django.utils import timezone
from django.utils.module_loading import import_string

from tinhso.accounts.models import AgencyKind
from tinhso.accounts.selectors import signature_lines
from tinhso.core import pdf
from tinhso.core.document_layout import number_line
from tinhso.documents import registers
from tinhso.procedures import selectors as procedure_selectors

from . import slips
from .models import Dossier


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


# A result without a symbol in the catalogue is numbered as "KQ" (kết quả): a symbol
# the platform chose, not one of Decree 30/2020's Appendix III.
DEFAULT_RESULT_SYMBOL = "KQ"


def agency_symbol(agency) -> str:
    """The issuing agency's abbreviation in a number: a ward's People's Committee is
    "UBND" (its ward is in the header); others their code (STP, SXD…)."""
    return "UBND" if agency.kind == AgencyKind.WARD_COMMITTEE else agency.code


def _next_number(dossier: Dossier, year: int) -> str:
    """ "12/GCN-STP": the next number in the agency's register of the result's kind for
    the year (registers.py, concurrency-safe), Decree 30/2020/NĐ-CP, Art. 15."""
    symbol = procedure_selectors.definition_of(dossier.procedure_version).result_symbol
    kind = symbol or DEFAULT_RESULT_SYMBOL
    sequence = registers.next_number(agency_code=dossier.agency.code, kind=kind, year=year)
    return number_line(sequence, kind=kind, agency=agency_symbol(dossier.agency)).removeprefix(
        "Số: "
    )


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


# Answers never printed on a result: how to reach the applicant is not part of it.
PRIVATE_FIELD_TYPES = frozenset({"phone", "email"})


def draw_result(dossier: Dossier, *, number: str, signer, issued_at) -> bytes:
    """The result in the layout of Decree 30/2020/NĐ-CP: the issuing lines, "Số:
    12/GCN-STP", the place and date line, the answers (not the applicant's phone or
    e-mail), and the signer under their real title ("KT. GIÁM ĐỐC" / "PHÓ GIÁM
    ĐỐC")."""
    from reportlab.platypus import Paragraph

    s = pdf.styles()
    definition = procedure_selectors.definition_of(dossier.procedure_version)
    fields = {f.name: f for f in definition.fields}
    parent, agency = slips.header_lines(dossier.agency)
    titles = signature_lines(signer, dossier.agency)
    story = [
        pdf.header(
            parent_name=parent,
            agency_name=agency,
            number=f"Số: {number}",
            place_date=slips.place_date_of(dossier.agency, issued_at),
        ),
        pdf.spacer(6),
        Paragraph((definition.result_type or dossier.procedure.name).upper(), s["title"]),
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
                (f"{fields[k].label}:", "Có" if v is True else str(v))
                for k, v in dossier.data.items()
                if k in fields
                and v not in ("", None, False)
                and fields[k].type not in PRIVATE_FIELD_TYPES | {"unit"}
            ]
        ),
        pdf.spacer(8),
        pdf.signatures([(titles, signer.get_full_name())], hint=False),
        pdf.spacer(6),
        pdf.qr_image(verification_link(dossier), size_mm=26),
    ]
    return pdf.build(story, title=f"{number} {definition.result_type}", author=dossier.agency.name)


def issue_result(dossier: Dossier, *, signer, now) -> str:
    """Number, draw, sign and store the result; called inside the sign transition. The
    number is on the dossier before signing, so the signature's stamp shows it."""
    number = _next_number(dossier, timezone.localtime(now).year)
    dossier.result_number = number
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
