"""Học bạ điện tử: at year end each pupil's school report is drawn from the year's
results (results.py), signed by the principal (PAdES, through the signing service),
registered in the public register of issued papers (its QR opens the entry) and kept
in the family's document store, so a later dossier (a school transfer) reuses it."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts.models import User
from tinhso.audit.services import record_event
from tinhso.core import pdf
from tinhso.core.document_layout import date_words, place_name
from tinhso.core.errors import Conflict
from tinhso.documents import services as documents
from tinhso.documents.models import IssuedStatus
from tinhso.notifications.services import notify
from tinhso.signing.services import sign_pades

from . import grading, results
from .error_codes import EducationErrorCode
from .models import Guardianship, Pupil, SchoolClass, SchoolReport, TermClosure
from .services import require_principal

REPORT_KIND = "hoc-ba"


def issued_link(code: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/van-ban/{code}/"


def _value(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, str):
        return _("Đạt") if v == grading.Comment.PASS else _("Chưa đạt")
    return f"{v:.1f}".replace(".", ",")


def draw_report(
    result: results.YearResult, school_class: SchoolClass, *, signer, code: str, issued_at
) -> bytes:
    """The school report of one pupil for one year (the layout of the học bạ: the
    pupil, the subjects with both terms and the year, the results, the homeroom
    teacher's comment, the principal's signature, the QR to the register)."""
    from reportlab.platypus import Paragraph

    s = pdf.styles()
    school = school_class.school
    pupil = result.pupil
    town = school.agency.unit.name if school.agency.unit_id else ""
    story = [
        pdf.header(
            parent_name=getattr(school.agency.parent, "name", ""),
            agency_name=school.agency.name,
            place_date=f"{place_name(town)}, {date_words(timezone.localtime(issued_at).date())}"
            if town
            else date_words(timezone.localtime(issued_at).date()),
        ),
        pdf.spacer(6),
        Paragraph(_("HỌC BẠ"), s["title"]),
        pdf.spacer(2),
        pdf.key_values(
            [
                (_("Họ và tên"), pupil.full_name),
                (_("Ngày sinh"), pupil.date_of_birth.strftime("%d/%m/%Y")),
                (_("Mã định danh"), pupil.personal_id),
                (_("Lớp"), school_class.name),
                (_("Năm học"), str(school_class.year)),
            ]
        ),
        pdf.spacer(4),
        pdf.bordered_list(
            [_("Môn học"), _("Học kì I"), _("Học kì II"), _("Cả năm")],
            [
                [line.subject.name, _value(line.term1), _value(line.term2), _value(line.year)]
                for line in result.subjects
            ],
            [70, 35, 35, 35],
        ),
        pdf.spacer(4),
        pdf.key_values(
            [
                (_("Kết quả học tập"), results.level_name(result.learning)),
                (_("Kết quả rèn luyện"), results.level_name(result.conduct)),
                (_("Số buổi nghỉ"), str(result.absences)),
                (_("Danh hiệu"), _title_name(result.title)),
                (
                    _("Được lên lớp"),
                    _("Có") if result.year_end and result.year_end.moves_up else _("Không"),
                ),
                (_("Nhận xét của giáo viên chủ nhiệm"), result.comment2 or "—"),
            ]
        ),
        pdf.spacer(6),
        pdf.signatures([([_("HIỆU TRƯỞNG")], signer.get_full_name())], hint=False),
        pdf.spacer(4),
        pdf.qr_image(issued_link(code), size_mm=24),
    ]
    return pdf.build(
        story, title=f"Học bạ {pupil.full_name} {school_class.year}", author=school.agency.name
    )


def _title_name(title) -> str:
    if title == grading.Title.EXCELLENT:
        return _("Học sinh Xuất sắc")
    if title == grading.Title.GOOD:
        return _("Học sinh Giỏi")
    return "—"


def owners_of(pupil: Pupil) -> list:
    """Whose store the report lands in: the pupil's own account (same personal ID) and
    the parents who follow the pupil."""
    owners = list(User.objects.filter(personal_id=pupil.personal_id))
    owners += [g.parent for g in Guardianship.objects.filter(pupil=pupil).select_related("parent")]
    seen: dict[int, object] = {}
    for o in owners:
        seen.setdefault(o.pk, o)
    return list(seen.values())


def sign_class_reports(*, actor, school_class: SchoolClass) -> list[SchoolReport]:
    """Ký học bạ: the principal signs the year's report of every pupil of the class whose
    results are complete (each pupil in a transaction of its own, so a failure leaves
    the ones already signed signed). Both terms must be closed (the marks locked)."""
    require_principal(actor, school_class.school)
    closed = TermClosure.objects.filter(
        school_id=school_class.school_id, term__year=school_class.year_id
    ).count()
    if closed < 2:
        raise Conflict(
            _("Chỉ ký học bạ khi cả hai học kì đã chốt điểm."),
            code=EducationErrorCode.TERMS_OPEN,
        )
    signed = []
    for result in results.class_year_results(school_class):
        if result.complete:
            signed.append(_sign_one(actor, school_class, result))
    return signed


@transaction.atomic
def _sign_one(actor, school_class: SchoolClass, result: results.YearResult) -> SchoolReport:
    pupil = result.pupil
    now = timezone.now()
    code = documents.new_issued_code()
    school = school_class.school
    signed_pdf = sign_pades(
        draw_report(result, school_class, signer=actor, code=code, issued_at=now),
        signer=actor,
        issuer_name=school.agency.name,
        location=school.agency.unit.name if school.agency.unit_id else "",
        number="",
        qr_url=issued_link(code),
        reason=f"Học bạ năm học {school_class.year}",
    )
    issued = documents.issue(
        actor=actor,
        code=code,
        content=signed_pdf,
        kind=REPORT_KIND,
        title=_("Học bạ năm học %(year)s, lớp %(class)s")
        % {"year": school_class.year, "class": school_class.name},
        number="",
        issuer_code=school.code,
        issuer_name=school.agency.name,
        holder_name=pupil.full_name,
        holder_identifier=pupil.personal_id,
        owners=owners_of(pupil),
        issued_at=now,
        folder="school-reports",
    )
    earlier = (
        SchoolReport.objects.select_for_update().filter(pupil=pupil, year=school_class.year).first()
    )
    if earlier is not None:
        documents.change_status(
            actor=actor,
            issued=earlier.issued,
            status=IssuedStatus.REPLACED,
            reason=_("Học bạ được ký lại"),
            replaced_by=issued,
        )
        earlier.issued = issued
        earlier.signed_by = actor
        earlier.signed_at = now
        earlier.save(update_fields=["issued", "signed_by", "signed_at"])
        report = earlier
    else:
        report = SchoolReport.objects.create(
            pupil=pupil, year=school_class.year, issued=issued, signed_by=actor, signed_at=now
        )
    record_event(
        actor=actor,
        action="education.report_signed",
        object_type="education.Pupil",
        object_id=pupil.pk,
        after={"year": school_class.year.start_year, "register": code},
        agency_code=school.code,
    )
    for link in Guardianship.objects.filter(pupil=pupil).select_related("parent"):
        notify(
            user=link.parent,
            subject=_("Học bạ điện tử của %(pupil)s đã được ký") % {"pupil": pupil.full_name},
            body=_("Học bạ năm học %(year)s đã có trong kho giấy tờ của bạn.")
            % {"year": school_class.year},
            link="/kho-giay-to/",
        )
    return report
