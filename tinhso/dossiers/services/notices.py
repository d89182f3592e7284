"""What the applicant is told of a step when the generic line is not enough: the
apology's reason and new date (form 04), the supplement's list, the decline's reason.
`take_action` asks for it (as `transitions.notice`) after the transition is applied."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tinhso.accounts.models import Agency

from ..models import Dossier, SlipKind


def notice(action: str, dossier: Dossier, note: str) -> tuple[str, str] | None:
    """What the applicant is told of this step when the generic line is not enough (the
    subject goes by SMS too, so it carries the essentials): the apology's reason and
    new date (form 04), the decline's reason."""
    code = dossier.code
    if action == "apologize":
        slip = dossier.slips.filter(kind=SlipKind.APOLOGY).order_by("-pk").first()
        agency = slip.data.get("agency", "") if slip else ""
        new_date = dossier.appointment_date.strftime("%d/%m/%Y")
        subject = _(
            "Hồ sơ %(code)s chậm trả kết quả: xin lỗi ông/bà, hẹn lại ngày %(date)s. Lý do: "
            "%(reason)s"
        ) % {"code": code, "date": new_date, "reason": note}
        body = _(
            "%(agency)s xin lỗi ông/bà vì hồ sơ %(code)s (%(procedure)s) chưa được giải "
            "quyết đúng hạn (hạn %(due)s).\nLý do: %(reason)s\nNgày hẹn trả kết quả mới: "
            "%(date)s."
        ) % {
            "agency": Agency.objects.filter(code=agency).values_list("name", flat=True).first()
            or dossier.agency.name,
            "code": code,
            "procedure": dossier.procedure.name,
            "due": dossier.statutory_date.strftime("%d/%m/%Y"),
            "reason": note,
            "date": new_date,
        }
        return subject, body
    if action == "request_supplement":
        slip = dossier.slips.filter(kind=SlipKind.SUPPLEMENT).order_by("-pk").first()
        items = list(slip.data.get("items") or []) if slip else []
        reasons = list(slip.data.get("reasons") or []) if slip else []
        listed = "; ".join(items)
        subject = _("Hồ sơ %(code)s cần bổ sung: %(items)s") % {"code": code, "items": listed}
        lines = [
            f"- {item}" + (f" ({reasons[n]})" if n < len(reasons) and reasons[n] else "")
            for n, item in enumerate(items)
        ]
        body = _(
            "%(desk)s đề nghị ông/bà bổ sung hồ sơ %(code)s (%(procedure)s):\n%(lines)s\n"
            "Thời hạn giải quyết tạm dừng từ hôm nay và tính tiếp khi ông/bà gửi phần bổ "
            "sung trên trang hồ sơ."
        ) % {
            "desk": dossier.desk.name,
            "code": code,
            "procedure": dossier.procedure.name,
            "lines": "\n".join(lines),
        }
        return subject, body + (f"\n{note}" if note else "")
    if action == "decline":
        slip = dossier.slips.order_by("-pk").first()
        stopped = slip is not None and slip.kind == SlipKind.STOP
        what = _("dừng giải quyết") if stopped else _("từ chối giải quyết")
        subject = _("Hồ sơ %(code)s bị %(what)s. Lý do: %(reason)s") % {
            "code": code,
            "what": what,
            "reason": note,
        }
        body = _(
            "%(agency)s thông báo hồ sơ %(code)s (%(procedure)s) bị %(what)s.\nLý do: "
            "%(reason)s\nThông báo có trong mục Phiếu của hồ sơ."
        ) % {
            "agency": dossier.agency.name,
            "code": code,
            "procedure": dossier.procedure.name,
            "what": what,
            "reason": note,
        }
        return subject, body
    return None
