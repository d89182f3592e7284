"""The result of a dossier: drawn from the procedure's data as a PDF, numbered in the
agency's register, and handed to the signing service.

The signing service plugs in through RESULT_SIGNER (a class with
`sign(pdf, *, signer, dossier) -> bytes`). Until the platform's PAdES signing is
configured, the default issues the result without a digital signature and says so
on the page, rather than pretending.
"""

from __future__ import annotations

from html import escape
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
from tinhso.documents import services as documents
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
    """What the QR code on an issued result carries: its entry in the register
    (/van-ban/<key>/, documents.IssuedDocument), whose key only the paper holds. Before the
    key is given (a slip, an old result) the verification page, with the dossier code,
    the procedure code and the document name (Circular 01/2023/TT-VPCP)."""
    if dossier.result_key:
        return f"{settings.PUBLIC_BASE_URL}/van-ban/{dossier.result_key}/"
    query = urlencode(
        {
            "ma": dossier.code,
            "ma_tthc": dossier.procedure.code,
            "ten": dossier.procedure.result_type or dossier.procedure.name,
        }
    )
    return f"{settings.PUBLIC_BASE_URL}/xac-thuc/?{query}"


def draft_lines(dossier: Dossier) -> list[dict]:
    """The result's lines from the procedure's template (its form's fields, the answers
    filled in), each as the specialist's draft has it: {name, label, value}."""
    definition = procedure_selectors.definition_of(dossier.procedure_version)
    edited = (dossier.result_draft or {}).get("values", {})
    lines = []
    for f in definition.fields:
        if f.type in PRIVATE_FIELD_TYPES | {"unit"}:
            continue
        answer = dossier.data.get(f.name)
        text = "Có" if answer is True else "" if answer in ("", None, False) else str(answer)
        lines.append({"name": f.name, "label": f.label, "value": edited.get(f.name, text)})
    return lines


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
    body = str((dossier.result_draft or {}).get("body", "")).strip()
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
                (f"{line['label']}:", line["value"])
                for line in draft_lines(dossier)
                if line["value"]
            ]
        ),
        *(
            [pdf.spacer(4), Paragraph(escape(body, quote=False).replace("\n", "<br/>"), s["base"])]
            if body
            else []
        ),
        pdf.spacer(8),
        pdf.signatures([(titles, signer.get_full_name())], hint=False),
        pdf.spacer(6),
        pdf.qr_image(verification_link(dossier), size_mm=26),
    ]
    return pdf.build(story, title=f"{number} {definition.result_type}", author=dossier.agency.name)


PREVIEW_NUMBER = "…"


def unsigned_result(dossier: Dossier, *, number: str, signer, issued_at) -> bytes:
    """What the leader signs: the PDF the specialist attached, else the result drawn
    from the draft."""
    if dossier.result_draft_file:
        return (Path(settings.MEDIA_ROOT) / dossier.result_draft_file).read_bytes()
    return draw_result(dossier, number=number, signer=signer, issued_at=issued_at)


def preview_result(dossier: Dossier, *, signer) -> bytes:
    """The PDF the leader will sign, before signing: the same drawing, with the number
    and date the register gives at signing left as "…" and today."""
    symbol = procedure_selectors.definition_of(dossier.procedure_version).result_symbol
    number = number_line(
        0, kind=symbol or DEFAULT_RESULT_SYMBOL, agency=agency_symbol(dossier.agency)
    ).removeprefix("Số: ")
    number = PREVIEW_NUMBER + number[number.index("/") :] if "/" in number else PREVIEW_NUMBER
    return unsigned_result(dossier, number=number, signer=signer, issued_at=timezone.now())


def issue_result(dossier: Dossier, *, signer, now) -> str:
    """Number, draw, sign and store the result; called inside the sign transition. The
    number is on the dossier before signing, so the signature's stamp shows it; the
    key of its register entry before drawing, so its QR opens that entry."""
    number = _next_number(dossier, timezone.localtime(now).year)
    dossier.result_number = number
    dossier.result_key = dossier.result_key or documents.new_issued_code()
    document = result_signer().sign(
        unsigned_result(dossier, number=number, signer=signer, issued_at=now),
        signer=signer,
        dossier=dossier,
    )
    issued = documents.issue(
        actor=signer,
        code=dossier.result_key,
        content=document,
        kind=documents.result_kind(dossier.procedure.code),
        title=dossier.procedure.result_type or dossier.procedure.name,
        number=number,
        issuer_code=dossier.agency.code,
        issuer_name=dossier.agency.name,
        holder_name=dossier.applicant_name,
        holder_identifier=dossier.applicant_identifier,
        owners=[],  # the sign transition keeps it in the applicant's store
        issued_at=now,
        folder="results",
    )
    dossier.result_file = issued.file_path
    dossier.result_number = number
    dossier.result_issued_at = now
    return number
