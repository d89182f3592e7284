"""The one-stop rules the back office enforces, each with its legal source.

Governing text: Decree 118/2025/NĐ-CP on the one-stop and interconnected one-stop
mechanism (in force 1 July 2025; it replaced Decrees 61/2018/NĐ-CP and
107/2021/NĐ-CP), its forms renumbered by Circular 03/2025/TT-VPCP (form 04: the
apology and new appointment). Where a number below could not be read in the
decree's own text it says so; the numbers are data, so a correction changes a line.

Used by the transitions (services/transitions.py) and the officer's queue; the
queries that match them are in models.py (`late_q`, `needs_apology_q`).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from tinhso.core import workdays
from tinhso.core.errors import Conflict, PermissionDenied, ValidationFailed

from .error_codes import DossiersErrorCode
from .models import Dossier, DossierEvent, DossierStep

# ---------------------------------------------------------------- apology (form 04)

# The apology is sent "at least one day before the deadline": the window opens this
# many working days before the statutory date (Decree 118/2025, carried over from
# Decree 61/2018 Art. 19 as amended by Decree 107/2021).
APOLOGY_LEAD_WORKING_DAYS = 1
# The result is re-appointed once (idem: "không quá một lần").
APOLOGIES_PER_DOSSIER = 1


def _day(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def apology_horizon(today: datetime.date) -> datetime.date:
    """The last statutory date for which an apology may be made today (and for which
    the queue flags a dossier with none): the next working day."""
    return workdays.calendar().add_working_days(today, APOLOGY_LEAD_WORKING_DAYS)


def check_apology_allowed(dossier: Dossier, *, today: datetime.date) -> None:
    """409 unless an apology may be made today: once per dossier, from one working day
    before the statutory deadline (and after it, when it came too late)."""
    if dossier.appointment_date is not None:
        raise Conflict(
            _(
                "Hồ sơ đã được xin lỗi và hẹn lại ngày trả kết quả (ngày %(date)s). Mỗi hồ "
                "sơ chỉ được hẹn lại một lần."
            )
            % {"date": _day(dossier.appointment_date)},
            code=DossiersErrorCode.ALREADY_APOLOGIZED,
        )
    due = dossier.statutory_date
    if due is None or due > apology_horizon(today):
        raise Conflict(
            _(
                "Chưa đến lúc xin lỗi, hẹn lại: hạn giải quyết là %(due)s; chỉ hẹn lại từ "
                "một ngày làm việc trước hạn."
            )
            % {"due": _day(due)},
            code=DossiersErrorCode.TOO_EARLY_TO_APOLOGIZE,
        )


def check_new_appointment(
    dossier: Dossier, new_date: datetime.date, *, today: datetime.date
) -> None:
    """The new appointment is a working day after today and after the statutory date."""
    due = dossier.statutory_date
    if new_date <= today or (due is not None and new_date <= due):
        raise ValidationFailed(
            _("Ngày hẹn mới phải sau hôm nay và sau hạn giải quyết (%(due)s).")
            % {"due": _day(due)},
            fields={"new_due_date": _("Chọn một ngày sau hạn giải quyết.")},
        )
    if not workdays.calendar().is_working_day(new_date):
        raise ValidationFailed(
            _("Ngày hẹn mới phải là ngày làm việc."),
            fields={"new_due_date": _("Ngày hẹn mới phải là ngày làm việc.")},
        )


def agency_at_fault(dossier: Dossier, late_step: DossierStep | None):
    """The agency holding the dossier when it ran late: the open step's (the desk or
    the processing agency), else the processing agency. Its head signs the apology."""
    return late_step.agency if late_step is not None else dossier.agency


HEAD_TITLE_FALLBACK = "THỦ TRƯỞNG CƠ QUAN"


def head_title(agency) -> str:
    """The title above the head's signature, from the agency's data."""
    return (agency.head_title or HEAD_TITLE_FALLBACK).upper()


# ---------------------------------------------------------------- supplement (form 02)

# A supplement is asked for within this many working days of the agency receiving the
# dossier, unless the procedure's version says otherwise (`supplement_within_days`):
# Decree 118/2025; not read in the decree's own text here (see the report), hence data.
SUPPLEMENT_WINDOW_WORKING_DAYS = 3


def agency_received_at(dossier: Dossier) -> datetime.datetime | None:
    """When the agency that holds the dossier got it as it stands: receipt, or later the
    hand-over to it (forward) or the applicant's supplement, whichever is last."""
    last = (
        DossierEvent.objects.filter(dossier=dossier, action__in=("forward", "supplement"))
        .order_by("-at", "-pk")
        .values_list("at", flat=True)
        .first()
    )
    moments = [m for m in (dossier.received_at, last) if m is not None]
    return max(moments) if moments else None


def supplement_window_closes(dossier: Dossier, *, limit: int) -> datetime.date | None:
    """The last day a supplement may be asked for without a leader; None before receipt
    (at the desk a supplement is part of receiving the dossier)."""
    since = agency_received_at(dossier)
    if since is None:
        return None
    cal = workdays.calendar()
    where = dossier.agency
    return cal.add_working_days(cal.receipt_day(since, where.cut_off_time), limit)


def check_supplement_request(
    dossier: Dossier, *, actor_is_leader: bool, today: datetime.date, limit: int
) -> bool:
    """Whether this request comes after the window (True: a leader's, marked as such).
    After the window only a leader of the processing agency may ask (403 otherwise):
    the leader's own request is the approval, with no request left waiting."""
    closes = supplement_window_closes(dossier, limit=limit)
    if closes is None or today <= closes:
        return False
    if not actor_is_leader:
        raise PermissionDenied(
            _(
                "Đã quá %(n)s ngày làm việc kể từ khi cơ quan nhận hồ sơ (hết ngày "
                "%(closes)s): yêu cầu bổ sung lúc này phải do lãnh đạo cơ quan quyết định."
            )
            % {"n": limit, "closes": _day(closes)},
            code=DossiersErrorCode.SUPPLEMENT_NEEDS_LEADER,
        )
    return True
