"""The back office: the one-stop "5 steps" (Decree 61/2018, 107/2021). Each handler
is one transition of `workflow.TRANSITIONS`, called by `take_action` on the locked
row; it records the control slip (DossierStep), slips (forms 01–04) and the clock."""

from __future__ import annotations

import datetime
import math

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.accounts.models import Agency, Role, RoleAssignment, User
from tinhso.core import workdays
from tinhso.core.errors import Conflict, ValidationFailed
from tinhso.procedures.schema import StepDef

from .. import workflow
from ..error_codes import DossiersErrorCode
from ..models import Dossier, DossierStep, Slip, SlipKind
from .common import current_documents, definition_of

GENERIC_STEPS = {
    workflow.OFFICER: StepDef(code="mot-cua", name="Bộ phận một cửa", role="one_stop_officer", days=1),
    workflow.SPECIALIST: StepDef(code="xu-ly", name="Thẩm định, xử lý", role="specialist", days=1),
    workflow.LEADER: StepDef(code="phe-duyet", name="Phê duyệt, ký", role="leader", days=1),
}  # fmt: skip


def _today(now: datetime.datetime) -> datetime.date:
    return timezone.localtime(now).date()


def budget(days: float) -> int:
    """A step's time budget in whole working days (half a day rounds up)."""
    return max(1, math.ceil(days)) if days > 0 else 0


def open_step(dossier: Dossier) -> DossierStep | None:
    return dossier.steps.filter(finished_at__isnull=True).order_by("-started_at", "-pk").first()


def _next_definition(dossier: Dossier, role: str) -> tuple[int | None, StepDef]:
    steps = definition_of(dossier).steps
    start = (dossier.step_index + 1) if dossier.step_index is not None else 0
    for index in list(range(start, len(steps))) + list(range(0, start)):
        if steps[index].role == role:
            return index, steps[index]
    return None, GENERIC_STEPS[role]


def start_step(dossier: Dossier, *, role: str, now, assignee: User | None = None) -> DossierStep:
    """Open the next step of `role` with its own deadline, at the desk for one-stop
    officers and at the processing agency otherwise."""
    index, definition = _next_definition(dossier, role)
    cal = workdays.calendar()
    where = dossier.desk if role == workflow.OFFICER else dossier.agency
    start_day = cal.receipt_day(now, where.cut_off_time)
    step = DossierStep.objects.create(
        dossier=dossier,
        code=definition.code,
        name=definition.name,
        role=role,
        agency=where,
        assignee=assignee,
        started_at=now,
        due_date=cal.add_working_days(start_day, budget(definition.days)),
    )
    if index is not None:
        dossier.step_index = index
    dossier.step_due_date = step.due_date
    return step


def close_step(dossier: Dossier, *, actor, outcome: str, now) -> DossierStep | None:
    step = open_step(dossier)
    if step is not None:
        step.finished_at, step.finished_by, step.outcome = now, actor, outcome
        step.save(update_fields=["finished_at", "finished_by", "outcome"])
    dossier.step_due_date = None
    return step


def resume_clock(dossier: Dossier, *, now) -> int:
    """End a pause: push the dossier's and the open step's deadlines back by the
    working days the clock stood still. Returns that number."""
    if dossier.paused_at is None:
        return 0
    cal = workdays.calendar()
    paused = cal.working_days_between(_today(dossier.paused_at), _today(now))
    if paused:
        if dossier.due_date:
            dossier.due_date = cal.add_working_days(dossier.due_date, paused)
        if dossier.expected_date:
            dossier.expected_date = cal.add_working_days(dossier.expected_date, paused)
        step = open_step(dossier)
        if step is not None:
            step.due_date = cal.add_working_days(step.due_date, paused)
            step.paused_days += paused
            step.save(update_fields=["due_date", "paused_days"])
            dossier.step_due_date = step.due_date
    dossier.paused_at = None
    return paused


def _slip(dossier: Dossier, *, kind: str, actor, **data) -> Slip:
    return Slip.objects.create(dossier=dossier, kind=kind, issued_by=actor, data=data)


def _required_note(payload, field: str = "note") -> str:
    note = str(payload.get(field) or "").strip()
    if not note:
        raise ValidationFailed(_("Cần ghi rõ lý do."), fields={field: _("Cần ghi rõ lý do.")})
    return note[:2000]


# ---------------------------------------------------------------- handlers


def receive(dossier: Dossier, *, actor, payload, now) -> dict:
    """Step 1: the dossier is complete; the clock starts (form 01)."""
    definition = definition_of(dossier)
    cal = workdays.calendar()
    close_step(dossier, actor=actor, outcome="receive", now=now)
    dossier.received_at = now
    dossier.due_date = cal.due_date(now, definition.processing_days, dossier.desk.cut_off_time)
    start_step(dossier, role=workflow.SPECIALIST, now=now)
    _keep_accepted_papers(dossier, actor=actor, now=now)
    _slip(
        dossier,
        kind=SlipKind.RECEIPT,
        actor=actor,
        received_at=now.isoformat(),
        due_date=dossier.due_date.isoformat(),
    )
    return {"due_date": dossier.due_date}


def _keep_accepted_papers(dossier: Dossier, *, actor, now) -> None:
    """The papers the officer accepted go to the applicant's store, for reuse."""
    from tinhso.documents import services as store

    labels = {d.kind: d.label for d in definition_of(dossier).documents}
    for paper in current_documents(dossier):
        if paper.stored_document_id:
            continue
        store.keep(
            owner=dossier.applicant,
            kind=paper.kind,
            title=labels.get(paper.kind, paper.kind),
            issuer=_("Nộp qua hồ sơ %(code)s, %(desk)s chấp nhận")
            % {"code": dossier.code, "desk": dossier.desk.name},
            source_reference=dossier.code,
            file_path=paper.file_path,
            content_type=paper.content_type,
            size=paper.size,
            sha256=paper.sha256,
            issued_at=now,
            digitally_signed=False,
        )


def request_supplement(dossier: Dossier, *, actor, payload, now) -> dict:
    """Everything missing, listed once, in writing (form 02); the clock stops.
    Asked again only about what the applicant's own supplement got wrong."""
    items = payload.get("items")
    if (
        not isinstance(items, list)
        or not items
        or not all(isinstance(i, str) and i.strip() for i in items)
    ):
        raise ValidationFailed(
            _("Liệt kê đầy đủ những gì cần bổ sung (ít nhất một mục)."),
            fields={"items": _("Cần ít nhất một mục.")},
        )
    items = [i.strip()[:300] for i in items][:50]
    earlier = dossier.slips.filter(kind=SlipKind.SUPPLEMENT).order_by("-issued_at").first()
    if earlier is not None:
        touched = _supplemented_since(dossier, earlier.issued_at)
        outside = [i for i in items if i not in touched]
        if outside:
            raise ValidationFailed(
                _(
                    "Đã yêu cầu bổ sung một lần; lần này chỉ được nêu phần công dân vừa bổ "
                    "sung (%(touched)s), không được: %(outside)s."
                )
                % {"touched": ", ".join(sorted(touched)) or "—", "outside": ", ".join(outside)},
                fields={"items": _("Chỉ nêu phần vừa bổ sung.")},
            )
    dossier.status_before_pause = dossier.status
    dossier.paused_at = now
    _slip(
        dossier,
        kind=SlipKind.SUPPLEMENT,
        actor=actor,
        items=items,
        note=str(payload.get("note") or "")[:2000],
    )
    return {"items": items}


def _supplemented_since(dossier: Dossier, since) -> set[str]:
    """Document kinds and labels, and form fields, the applicant changed since `since`."""
    definition = definition_of(dossier)
    labels = {d.kind: d.label for d in definition.documents}
    kinds = set(dossier.documents.filter(uploaded_at__gte=since).values_list("kind", flat=True))
    fields: set[str] = set()
    for note in dossier.events.filter(action="edit", at__gte=since).values_list("note", flat=True):
        fields.update(n.strip() for n in note.split(",") if n.strip())
    return kinds | {labels[k] for k in kinds if k in labels} | fields


def refuse(dossier: Dossier, *, actor, payload, now) -> dict:
    """Not this agency's, or not allowed: with the reason (form 03)."""
    reason = _required_note(payload)
    close_step(dossier, actor=actor, outcome="refuse", now=now)
    _slip(dossier, kind=SlipKind.REFUSAL, actor=actor, reason=reason)
    return {"reason": reason}


def _specialists(agency: Agency) -> list[User]:
    ids = RoleAssignment.objects.filter(
        role=Role.SPECIALIST, agency=agency, user__is_active=True
    ).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids).order_by("username"))


def _round_robin(agency: Agency) -> User:
    """The agency's specialist who was given a step least recently."""
    people = _specialists(agency)
    if not people:
        raise Conflict(
            _("%(agency)s chưa có chuyên viên để phân công.") % {"agency": agency.name},
            code=DossiersErrorCode.NOT_ALLOWED_IN_STATE,
        )
    last = dict(
        DossierStep.objects.filter(assignee__in=people)
        .values_list("assignee")
        .annotate(at=Max("started_at"))
    )
    epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    return min(people, key=lambda u: (last.get(u.pk) or epoch, u.username))


def assign(dossier: Dossier, *, actor, payload, now) -> dict:
    username = str(payload.get("assignee") or "").strip()
    if username:
        person = User.objects.filter(username=username, is_active=True).first()
        if person is None or not authz.has_role(person, Role.SPECIALIST, agency=dossier.agency):
            raise ValidationFailed(
                _("%(name)s không phải chuyên viên của %(agency)s.")
                % {"name": username, "agency": dossier.agency.name},
                fields={"assignee": _("Chọn một chuyên viên của cơ quan.")},
            )
    else:
        person = _round_robin(dossier.agency)
    step = open_step(dossier) or start_step(dossier, role=workflow.SPECIALIST, now=now)
    step.assignee = person
    step.save(update_fields=["assignee"])
    dossier.assignee = person
    return {"assignee": person.username}


def forward(dossier: Dossier, *, actor, payload, now) -> dict:
    """Hand over to another agency or level: the clock and the history go with it."""
    code = str(payload.get("agency") or "").strip()
    target = Agency.objects.filter(code=code, is_active=True).first()
    if target is None or target.pk == dossier.agency_id:
        raise ValidationFailed(
            _("Chọn một cơ quan khác để chuyển hồ sơ."),
            fields={"agency": _("Cơ quan không hợp lệ.")},
        )
    source = dossier.agency.code
    close_step(dossier, actor=actor, outcome="forward", now=now)
    dossier.agency = target
    dossier.assignee = None
    start_step(dossier, role=workflow.SPECIALIST, now=now)
    return {"from": source, "to": target.code}


def submit_for_approval(dossier: Dossier, *, actor, payload, now) -> dict:
    close_step(dossier, actor=actor, outcome="submit_for_approval", now=now)
    start_step(dossier, role=workflow.LEADER, now=now)
    return {}


def send_back(dossier: Dossier, *, actor, payload, now) -> dict:
    reason = _required_note(payload)
    close_step(dossier, actor=actor, outcome="send_back", now=now)
    start_step(dossier, role=workflow.SPECIALIST, now=now, assignee=dossier.assignee)
    return {"reason": reason}


def approve(dossier: Dossier, *, actor, payload, now) -> dict:
    """The leader's step stays open until the result is signed."""
    return {}


def sign(dossier: Dossier, *, actor, payload, now) -> dict:
    from ..results import issue_result

    number = issue_result(dossier, signer=actor, now=now)
    _keep_result(dossier, now=now)
    close_step(dossier, actor=actor, outcome="sign", now=now)
    start_step(dossier, role=workflow.OFFICER, now=now)
    return {"result_number": number}


def _keep_result(dossier: Dossier, *, now) -> None:
    """Every signed result goes to the applicant's store."""
    import hashlib
    from pathlib import Path

    from django.conf import settings

    from tinhso.documents import services as store

    content = (Path(settings.MEDIA_ROOT) / dossier.result_file).read_bytes()
    store.keep(
        owner=dossier.applicant,
        kind=store.result_kind(dossier.procedure.code),
        title=f"{dossier.procedure.result_type or dossier.procedure.name} ({dossier.result_number})",
        issuer=dossier.agency.name,
        source_reference=dossier.code,
        file_path=dossier.result_file,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        issued_at=now,
        digitally_signed=True,
    )


def return_result(dossier: Dossier, *, actor, payload, now) -> dict:
    close_step(dossier, actor=actor, outcome="return", now=now)
    dossier.returned_at = now
    return {}


def apologize(dossier: Dossier, *, actor, payload, now) -> dict:
    """A late agency apologises with a reason and a new date (form 04). The new date
    moves the dossier's deadline; the late step stays late."""
    today = _today(now)
    current_due = dossier.due_date or dossier.expected_date
    if current_due is None or current_due >= today:
        raise Conflict(
            _("Hồ sơ chưa quá hạn (hạn %(due)s), chưa cần xin lỗi.")
            % {"due": current_due.strftime("%d/%m/%Y") if current_due else "—"},
            code=DossiersErrorCode.NOT_ALLOWED_IN_STATE,
        )
    reason = _required_note(payload)
    raw = payload.get("new_due_date")
    try:
        new_due = datetime.date.fromisoformat(str(raw))
    except ValueError:
        new_due = None
    if new_due is None or new_due <= today:
        raise ValidationFailed(
            _("Ngày hẹn mới phải là một ngày sau hôm nay (YYYY-MM-DD)."),
            fields={"new_due_date": _("Ngày hẹn mới không hợp lệ.")},
        )
    if not workdays.calendar().is_working_day(new_due):
        raise ValidationFailed(
            _("Ngày hẹn mới phải là ngày làm việc."),
            fields={"new_due_date": _("Ngày hẹn mới phải là ngày làm việc.")},
        )
    late_step = open_step(dossier)
    _slip(
        dossier,
        kind=SlipKind.APOLOGY,
        actor=actor,
        reason=reason,
        old_due_date=current_due.isoformat(),
        new_due_date=new_due.isoformat(),
        late_step=late_step.name if late_step else "",
    )
    if dossier.due_date:
        dossier.due_date = new_due
    else:
        dossier.expected_date = new_due
    return {"new_due_date": new_due, "old_due_date": current_due}


HANDLERS = {
    "receive": receive,
    "request_supplement": request_supplement,
    "refuse": refuse,
    "assign": assign,
    "forward": forward,
    "submit_for_approval": submit_for_approval,
    "send_back": send_back,
    "approve": approve,
    "sign": sign,
    "return": return_result,
    "apologize": apologize,
}
