"""The slips of the one-stop mechanism (Decree 118/2025/NĐ-CP, which since 1 July 2025
replaced Decrees 61/2018 and 107/2021; layout by Decree 30/2020/NĐ-CP): their form
numbers and titles as data (data/slip_forms.csv), their numbers from the issuing
agency's register, and what each keeps as issued — the PDF (pdf.py) is drawn from
that snapshot, never from the dossier as it is later.

- Receipt and appointment slip (form 01): the papers by name, form (original, copy,
  certified copy, electronic) and count, the applicant's address and phone, the
  statutory time, the hour received and the hour of return, how the result is
  collected, the register and sequence number, and places for the signatures of the
  person filing and the receiving officer.
- Supplement request (form 02): every item with its reason, once, and a contact
  for guidance.
- Control slip (form 06): each hand-over, who handed over and who received, and
  whether it was before, on or after its deadline.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils import timezone

from tinhso.accounts.models import AgencyKind
from tinhso.core.document_layout import issuing_lines, place_date_line
from tinhso.core.identity import mask_id
from tinhso.documents import registers
from tinhso.procedures.schema import ProcedureDefinition

from .models import Dossier, DossierStep, Slip

DATA_FILE = Path(__file__).parent / "data" / "slip_forms.csv"

PAPER_FORMS = {
    "original": "Bản chính",
    "copy": "Bản sao",
    "certified_copy": "Bản sao chứng thực",
    "electronic": "Bản điện tử",
}

# The hours a one-stop desk returns results (Form 01 asks for "giờ … phút"): the
# appointment keeps the hour the dossier was received, within these.
OFFICE_OPENS = datetime.time(7, 30)
OFFICE_CLOSES = datetime.time(17, 0)


@dataclass(frozen=True)
class SlipForm:
    kind: str
    form: str  # "01"
    title: str
    symbol: str  # in the slip's number: "Số: 15/TN-TTPVHCC"
    source: str


@cache
def forms() -> dict[str, SlipForm]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return {row["kind"]: SlipForm(**row) for row in csv.DictReader(fh)}


def form_of(kind: str) -> SlipForm:
    return forms().get(kind) or SlipForm(kind, "", kind.upper(), "", "")


COMMITTEES = frozenset({AgencyKind.PROVINCE_COMMITTEE, AgencyKind.WARD_COMMITTEE})


def _province_of(agency):
    unit = agency.unit
    return unit if unit.level == "province" or unit.parent_id is None else unit.parent


def header_lines(agency) -> tuple[str, str]:
    """The issuing lines of `agency` (Decree 30/2020/NĐ-CP, Appendix I): People's
    Committees stand alone; another agency under its superior, the province named
    once."""
    if agency.kind in COMMITTEES or not agency.parent_id:
        return issuing_lines(parent_name="", agency_name=agency.name, province="")
    return issuing_lines(
        parent_name=agency.parent.name,
        agency_name=agency.name,
        province=_province_of(agency).name,
    )


def place_date_of(agency, at) -> str:
    """'Quảng Ninh, ngày 26 tháng 02 năm 2026': where the agency sits (a ward
    committee's ward, otherwise the province) and the local date, no clock time."""
    place = (
        agency.unit.name if agency.kind == AgencyKind.WARD_COMMITTEE else _province_of(agency).name
    )
    return place_date_line(place, timezone.localtime(at).date())


def issuer_of(dossier: Dossier, kind: str):
    """The desk issues what it receives or refuses; the agency the rest."""
    return dossier.desk if kind in ("receipt", "refusal", "supplement") else dossier.agency


def issue(
    dossier: Dossier,
    *,
    kind: str,
    actor,
    now=None,
    definition: ProcedureDefinition | None = None,
    documents=(),
    **data,
) -> Slip:
    """A numbered slip with its snapshot; inside the transition's transaction. A
    receipt needs the (case-resolved) `definition` and the current `documents`."""
    now = now or timezone.now()
    issuer = issuer_of(dossier, kind)
    form = form_of(kind)
    sequence = registers.next_number(
        agency_code=issuer.code, kind=f"slip:{kind}", year=timezone.localtime(now).year
    )
    symbol = "-".join(p for p in (form.symbol, issuer.code) if p)
    data = {"sequence": sequence, **data}
    if kind == "receipt":
        data.update(
            receipt_snapshot(
                dossier, actor=actor, received_at=now, definition=definition, documents=documents
            )
        )
    elif kind == "supplement":
        data.setdefault("contact", contact_for_guidance(dossier, actor=actor))
    return Slip.objects.create(
        dossier=dossier,
        kind=kind,
        issued_by=actor,
        data=data,
        number=f"{sequence:02d}/{symbol}",
    )


def paper_form(document, definition_form: str | None, *, channel: str) -> str:
    """A paper's form as received: what the procedure asks for when given at the desk,
    an electronic copy when uploaded or reused from the applicant's store."""
    if document.stored_document_id or channel != "desk":
        return PAPER_FORMS["electronic"]
    return PAPER_FORMS.get(definition_form or "copy", PAPER_FORMS["copy"])


def appointment(received_at: datetime.datetime, due_date: datetime.date) -> datetime.datetime:
    """When the result is returned: on the due date, at the hour the dossier was
    received, within the desk's hours."""
    hour = timezone.localtime(received_at).time().replace(second=0, microsecond=0)
    hour = min(max(hour, OFFICE_OPENS), OFFICE_CLOSES)
    return timezone.make_aware(datetime.datetime.combine(due_date, hour))


def receipt_snapshot(
    dossier: Dossier, *, actor, received_at, definition: ProcedureDefinition, documents
) -> dict:
    by_kind = {d.kind: d for d in definition.documents}
    papers = []
    for document in documents:
        paper = by_kind.get(document.kind)
        papers.append(
            {
                "name": paper.label if paper else document.kind,
                "form": paper_form(
                    document, paper.form if paper else None, channel=dossier.channel
                ),
                "copies": paper.copies if paper else 1,
            }
        )
    applicant = dossier.applicant
    return {
        "papers": papers,
        "applicant_address": getattr(applicant, "address", "") or "",
        "applicant_phone": dossier.applicant_phone or applicant.phone or "",
        "applicant_identifier": mask_id(dossier.applicant_identifier),
        "processing_days": definition.processing_days,
        "received_at": received_at.isoformat(),
        "return_at": appointment(received_at, dossier.due_date).isoformat()
        if dossier.due_date
        else "",
        "result_delivery": dossier.result_delivery,
        "result_delivery_label": str(dossier.get_result_delivery_display()),
        "fee_amount": dossier.fee_amount,
        "receiver": actor.get_full_name(),
    }


def contact_for_guidance(dossier: Dossier, *, actor) -> str:
    """Who the applicant asks about the supplement: the officer who asked, and the
    desk's phone and e-mail when known."""
    desk = dossier.desk
    parts = [f"{actor.get_full_name()} ({desk.name})"]
    if desk.phone:
        parts.append(f"điện thoại {desk.phone}")
    if desk.email:
        parts.append(f"thư điện tử {desk.email}")
    return ", ".join(parts)


def handover_verdict(step: DossierStep, *, today: datetime.date | None = None) -> str:
    """Form 06's result of a hand-over: before, on or after the step's deadline; a
    step still open is in progress, or already late."""
    if step.finished_at is None:
        late = (today or timezone.localdate()) > step.due_date
        return "Đang xử lý, đã quá hạn" if late else "Đang xử lý"
    finished = timezone.localtime(step.finished_at).date()
    if finished < step.due_date:
        return "Trước hạn"
    return "Đúng hạn" if finished == step.due_date else "Quá hạn"


def handovers(dossier: Dossier) -> list[dict]:
    """Each step with who handed it over and who received it (the next step's holder,
    or its agency while nobody is assigned)."""
    steps = list(
        dossier.steps.select_related("agency", "assignee", "finished_by").order_by(
            "started_at", "pk"
        )
    )
    rows = []
    for index, step in enumerate(steps):
        following = steps[index + 1] if index + 1 < len(steps) else None
        giver = step.finished_by or step.assignee
        if following is not None:
            taker = following.assignee or following.finished_by
            receiver = taker.get_full_name() if taker else following.agency.name
            receiver_agency = following.agency.short_name or following.agency.name
        elif step.outcome == "return":
            receiver, receiver_agency = dossier.applicant_name, "Người nộp hồ sơ"
        else:
            receiver, receiver_agency = "", ""
        rows.append(
            {
                "step": step,
                "giver": giver.get_full_name() if giver else "",
                "giver_agency": step.agency.short_name or step.agency.name,
                "receiver": receiver,
                "receiver_agency": receiver_agency,
                "verdict": handover_verdict(step),
            }
        )
    return rows
