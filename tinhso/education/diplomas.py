"""Văn bằng, chứng chỉ: the register of diplomas and certificates per school and kind
(sổ gốc cấp văn bằng), each entry numbered in the school's register of that kind for
the year, drawn, signed by the principal, registered in the public register of issued
papers (its QR opens the entry) and kept in the family's document store."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.audit.services import record_event
from tinhso.core import pdf
from tinhso.core.document_layout import date_words, number_line
from tinhso.core.errors import Conflict
from tinhso.documents import registers
from tinhso.documents import services as documents
from tinhso.notifications.services import notify
from tinhso.signing.services import sign_pades

from . import results
from .error_codes import EducationErrorCode
from .models import DIPLOMA_GRADE, Diploma, DiplomaKind, Guardianship, Pupil
from .school_reports import issued_link, owners_of
from .services import require_principal

SYMBOLS = {
    DiplomaKind.LOWER_SECONDARY: "TN-THCS",
    DiplomaKind.UPPER_SECONDARY: "TN-THPT",
    DiplomaKind.PRIMARY_COMPLETION: "HT-TH",
}


def eligibility(pupil: Pupil, kind: str) -> str:
    """Why the pupil may not get this diploma yet, or "" when they may: in the class of
    the grade it certifies, with complete year results, learning and conduct Đạt or
    better (they move up)."""
    school_class = pupil.school_class
    if school_class is None or school_class.grade != DIPLOMA_GRADE[DiplomaKind(kind)]:
        return _("Học sinh không học lớp cuối cấp tương ứng với văn bằng này.")
    (result,) = results.class_year_results(school_class, [pupil])
    if not result.complete:
        return _("Chưa đủ kết quả cả năm: thiếu %(what)s.") % {"what": ", ".join(result.missing)}
    if not (result.year_end and result.year_end.moves_up):
        return _("Học sinh chưa đủ điều kiện hoàn thành chương trình.")
    return ""


def draw_diploma(pupil: Pupil, kind: str, *, number: str, signer, code: str, issued_at) -> bytes:
    from reportlab.platypus import Paragraph

    s = pdf.styles()
    school = pupil.school
    story = [
        pdf.header(
            parent_name=getattr(school.agency.parent, "name", ""),
            agency_name=school.agency.name,
            number=f"Số: {number}",
        ),
        pdf.spacer(8),
        Paragraph(DiplomaKind(kind).label.upper(), s["title"]),
        pdf.spacer(4),
        pdf.key_values(
            [
                (_("Cấp cho"), pupil.full_name),
                (_("Ngày sinh"), pupil.date_of_birth.strftime("%d/%m/%Y")),
                (_("Mã định danh"), pupil.personal_id),
                (_("Học sinh trường"), school.agency.name),
                (_("Năm học"), str(pupil.school_class.year) if pupil.school_class else ""),
            ]
        ),
        pdf.spacer(4),
        Paragraph(date_words(timezone.localtime(issued_at).date()).capitalize(), s["center"]),
        pdf.signatures([([_("HIỆU TRƯỞNG")], signer.get_full_name())], hint=False),
        pdf.spacer(4),
        pdf.qr_image(issued_link(code), size_mm=24),
    ]
    return pdf.build(story, title=f"{number} {pupil.full_name}", author=school.agency.name)


@transaction.atomic
def issue_diploma(*, actor, pupil: Pupil, kind: str) -> Diploma:
    """Cấp văn bằng: numbered in the school's register, signed, registered; once per
    pupil and kind (a lost diploma gets a copy from the register, not a second one)."""
    require_principal(actor, pupil.school)
    if Diploma.objects.filter(pupil=pupil, kind=kind).exists():
        raise Conflict(
            _("Học sinh đã được cấp văn bằng này."), code=EducationErrorCode.ALREADY_ISSUED
        )
    why_not = eligibility(pupil, kind)
    if why_not:
        raise Conflict(why_not, code=EducationErrorCode.NOT_ELIGIBLE)
    school = pupil.school
    school_class = pupil.school_class
    assert school_class is not None  # eligibility() checked the class
    year = school_class.year
    now = timezone.now()
    sequence = registers.next_number(
        agency_code=school.code, kind=SYMBOLS[DiplomaKind(kind)], year=year.start_year + 1
    )
    number = number_line(
        sequence, kind=SYMBOLS[DiplomaKind(kind)], agency=school.code
    ).removeprefix("Số: ")
    code = documents.new_issued_code()
    signed = sign_pades(
        draw_diploma(pupil, kind, number=number, signer=actor, code=code, issued_at=now),
        signer=actor,
        issuer_name=school.agency.name,
        location=school.agency.unit.name if school.agency.unit_id else "",
        number=number,
        qr_url=issued_link(code),
        reason=str(DiplomaKind(kind).label),
    )
    issued = documents.issue(
        actor=actor,
        code=code,
        content=signed,
        kind=kind,
        title=str(DiplomaKind(kind).label),
        number=number,
        issuer_code=school.code,
        issuer_name=school.agency.name,
        holder_name=pupil.full_name,
        holder_identifier=pupil.personal_id,
        owners=owners_of(pupil),
        issued_at=now,
        folder="diplomas",
    )
    diploma = Diploma.objects.create(
        school=school, pupil=pupil, kind=kind, year=year, number=number, issued=issued,
        issued_by=actor, issued_at=now,
    )  # fmt: skip
    record_event(
        actor=actor,
        action="education.diploma_issued",
        object_type="education.Diploma",
        object_id=diploma.pk,
        after={"kind": kind, "number": number, "pupil": pupil.pk, "register": code},
        agency_code=school.code,
    )
    for link in Guardianship.objects.filter(pupil=pupil).select_related("parent"):
        notify(
            user=link.parent,
            subject=_("%(kind)s của %(pupil)s đã được cấp")
            % {"kind": DiplomaKind(kind).label, "pupil": pupil.full_name},
            body=_("Văn bằng số %(number)s đã có trong kho giấy tờ của bạn.") % {"number": number},
            link="/kho-giay-to/",
        )
    return diploma
