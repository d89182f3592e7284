"""The transitions themselves: what each action of `workflow.TRANSITIONS` does to the
locked dossier, the one-stop "5 steps" (Decree 118/2025/NĐ-CP since 1 July 2025,
which replaced Decrees 61/2018 and 107/2021; Decree 45/2020 online; its rules in
rules.py) and the applicant's
side. Only `take_action` calls `apply`, after the lock and the permission and state
checks, and writes the timeline and the audit event after it; the actions here are
private. Each records the control slip (steps.py), slips (forms 01–04) and the clock.
What the applicant is told of a step is in notices.py (`notice`, re-exported here)."""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django.db.models import Max
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.accounts.models import Agency, Role, RoleAssignment, User
from tinhso.core import workdays
from tinhso.core.errors import Conflict, ValidationFailed
from tinhso.procedures.fees import fee_for

from .. import inputs, rules, slips, supplements, workflow
from ..error_codes import DossiersErrorCode
from ..models import Dossier, DossierStep, Slip, SlipKind, Status
from ..signals import action_preconditions
from .common import _clean, current_documents, definition_of, missing_documents
from .declaration import declarations_after_commit, make_on_locked
from .notices import notice as notice  # what the applicant is told; take_action asks here
from .steps import close_step, local_day, open_step, resume_clock, start_step


class Outcome(NamedTuple):
    details: dict[str, Any]  # for the audit event
    note: str  # for the timeline and the applicant


def apply(rule: workflow.Transition, dossier: Dossier, *, actor, payload, now) -> Outcome:
    """Carry out `rule` on the locked `dossier` (for `take_action` only): its own
    precondition (409), its input (400), then the step."""
    check = _PRECONDITIONS.get(rule.action)
    if check is not None:
        check(dossier, now=now)
    for added in action_preconditions.get(rule.action, ()):
        added(dossier, now=now)
    given = inputs.parse(rule.inputs, payload)
    details = _HANDLERS[rule.action](dossier, actor=actor, given=given, now=now) or {}
    mark = details.pop(TIMELINE_MARK, "")  # what the timeline line must say besides the note
    return Outcome(details, " ".join(p for p in (mark, given.note) if p))


TIMELINE_MARK = "_timeline_mark"


def _slip(dossier: Dossier, *, kind: str, actor, **data) -> Slip:
    """A numbered slip with its snapshot (slips.py)."""
    return slips.issue(dossier, kind=kind, actor=actor, **data)


# ---------------------------------------------------------------- the applicant


def _check_complete(dossier: Dossier, *, actor) -> None:
    """Every required answer and paper, before the dossier goes (back) to the officers."""
    definition = definition_of(dossier)
    dossier.data = _clean(definition, actor, dossier.data, partial=False)
    missing = missing_documents(dossier, definition)
    if missing:
        raise ValidationFailed(
            _("Còn thiếu giấy tờ bắt buộc: %(papers)s.") % {"papers": "; ".join(missing)},
            code=DossiersErrorCode.MISSING_DOCUMENTS,
            fields={"documents": "; ".join(missing)},
        )


def _submit(dossier: Dossier, *, actor, given: inputs.Submission, now) -> None:
    """The fee is computed from the form and kept (procedures.fees.fee_for)."""
    _check_complete(dossier, actor=actor)
    definition = definition_of(dossier)
    dossier.fee_amount = fee_for(dossier.procedure_version, dossier.data, on=local_day(now))
    if given.result_delivery:
        dossier.result_delivery = given.result_delivery
    dossier.submitted_at = now
    dossier.expected_date = workdays.calendar().due_date(
        now, definition.processing_days, dossier.desk.cut_off_time
    )
    declarations_after_commit(dossier, actor=actor, now=now)
    start_step(dossier, role=workflow.OFFICER, now=now)


def _withdraw(dossier: Dossier, *, actor, given, now) -> None:
    close_step(dossier, actor=actor, outcome="withdraw", now=now)
    dossier.paused_at = None


def _supplement(dossier: Dossier, *, actor, given: inputs.SupplementDone, now) -> dict:
    """Back where it was; the clock runs again, later by the working days it stood.
    Only after at least one change since the request, or the applicant's recorded
    statement that nothing needs changing."""
    changes = supplements.changes_since_request(dossier)
    changed = changes is None or changes.any
    if not changed and not given.no_change:
        raise inputs.invalid("no_change")
    _check_complete(dossier, actor=actor)
    declarations_after_commit(dossier, actor=actor, now=now)
    paused = resume_clock(dossier, now=now)
    dossier.status = dossier.status_before_pause or Status.SUBMITTED
    dossier.status_before_pause = ""
    details: dict[str, Any] = {"paused_working_days": paused}
    if changes is not None:
        details["changed_answers"] = [c.name for c in changes.answers]
        details["changed_papers"] = [c.kind for c in changes.papers]
    if not changed:
        details["no_change_statement"] = True
        details[TIMELINE_MARK] = supplements.NO_CHANGE_MARK
    return details


def _not_rated_yet(dossier: Dossier, *, now) -> None:
    if dossier.rating is not None:
        raise Conflict(
            _("Hồ sơ này đã được đánh giá."), code=DossiersErrorCode.NOT_ALLOWED_IN_STATE
        )


def _rate(dossier: Dossier, *, actor, given: inputs.Rating, now) -> dict:
    dossier.rating = given.rating
    dossier.rating_comment = (given.comment or "").strip()
    return {"rating": given.rating}


# ---------------------------------------------------------------- the back office


def _receive(dossier: Dossier, *, actor, given, now) -> dict:
    """Step 1: the dossier is complete; the clock starts (form 01)."""
    definition = definition_of(dossier)
    cal = workdays.calendar()
    close_step(dossier, actor=actor, outcome="receive", now=now)
    dossier.received_at = now
    dossier.due_date = cal.due_date(now, definition.processing_days, dossier.desk.cut_off_time)
    start_step(dossier, role=workflow.SPECIALIST, now=now)
    make_on_locked(dossier)  # the receipt lists the declaration, made or not by the job
    _keep_accepted_papers(dossier, actor=actor, now=now)
    _slip(
        dossier,
        kind=SlipKind.RECEIPT,
        actor=actor,
        now=now,
        definition=definition,
        documents=current_documents(dossier),
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


def _request_supplement(dossier: Dossier, *, actor, given, now) -> dict:
    """Everything missing, listed once, in writing (form 02); the clock stops.
    Asked again only about what the applicant's own supplement got wrong. After the
    procedure's window (3 working days from the agency's receipt by default, Decree
    118/2025/NĐ-CP) only a leader may ask, and the slip and timeline say so."""
    items = list(given.items)
    limit = definition_of(dossier).supplement_within_days
    late = rules.check_supplement_request(
        dossier,
        actor_is_leader=authz.has_role(actor, Role.LEADER, agency=dossier.agency),
        today=local_day(now),
        limit=limit,
    )
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
    late_mark = {"after_window": late, "window_days": limit} if late else {}
    _slip(
        dossier,
        kind=SlipKind.SUPPLEMENT,
        actor=actor,
        items=items,
        reasons=list(given.reasons)[: len(items)],
        note=given.note,
        answers_before=dict(dossier.data),  # for the side-by-side view of what changed
        **late_mark,
    )
    details: dict[str, Any] = {"items": items, **late_mark}
    if late:
        details[TIMELINE_MARK] = _(
            "[Yêu cầu bổ sung sau %(n)s ngày làm việc kể từ khi nhận hồ sơ, do lãnh đạo "
            "%(name)s quyết định.]"
        ) % {"n": limit, "name": actor.get_full_name()}
    return details


def _supplemented_since(dossier: Dossier, since) -> set[str]:
    """Document kinds and labels, and form fields, the applicant changed since `since`."""
    definition = definition_of(dossier)
    labels = {d.kind: d.label for d in definition.documents}
    kinds = set(dossier.documents.filter(uploaded_at__gte=since).values_list("kind", flat=True))
    fields: set[str] = set()
    for note in dossier.events.filter(action="edit", at__gte=since).values_list("note", flat=True):
        fields.update(n.strip() for n in note.split(",") if n.strip())
    return kinds | {labels[k] for k in kinds if k in labels} | fields


def _refuse(dossier: Dossier, *, actor, given, now) -> dict:
    """Not this agency's, or not allowed: with the reason (form 03)."""
    reason = given.note
    close_step(dossier, actor=actor, outcome="refuse", now=now)
    _slip(dossier, kind=SlipKind.REFUSAL, actor=actor, reason=reason)
    return {"reason": reason}


def _decline(dossier: Dossier, *, actor, given: inputs.Decline, now) -> dict:
    """A received dossier that will not be resolved: refused because it does not
    qualify, or stopped because processing cannot go on, with the reason, as a notice
    signed by the head of the processing agency (Decree 118/2025/NĐ-CP; the refusal
    is form 03's reasoned refusal after receipt, the stop form 05)."""
    reason = given.note
    close_step(dossier, actor=actor, outcome="decline", now=now)
    kind = SlipKind.STOP if given.notice == "stop" else SlipKind.DECLINE
    _slip(
        dossier,
        kind=kind,
        actor=actor,
        reason=reason,
        agency=dossier.agency.code,
        signer_title=rules.head_title(dossier.agency),
    )
    dossier.paused_at = None
    return {"reason": reason, "notice": given.notice}


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


def _assign(dossier: Dossier, *, actor, given, now) -> dict:
    username = (given.assignee or "").strip()
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


def _forward(dossier: Dossier, *, actor, given, now) -> dict:
    """Hand over to another agency or level: the clock and the history go with it."""
    target = Agency.objects.filter(code=given.agency.strip(), is_active=True).first()
    if target is None or target.pk == dossier.agency_id:
        raise inputs.invalid("agency")
    source = dossier.agency.code
    close_step(dossier, actor=actor, outcome="forward", now=now)
    dossier.agency = target
    dossier.assignee = None
    start_step(dossier, role=workflow.SPECIALIST, now=now)
    return {"from": source, "to": target.code}


def _submit_for_approval(dossier: Dossier, *, actor, given, now) -> dict:
    close_step(dossier, actor=actor, outcome="submit_for_approval", now=now)
    start_step(dossier, role=workflow.LEADER, now=now)
    return {}


def _send_back(dossier: Dossier, *, actor, given, now) -> dict:
    reason = given.note
    close_step(dossier, actor=actor, outcome="send_back", now=now)
    start_step(dossier, role=workflow.SPECIALIST, now=now, assignee=dossier.assignee)
    return {"reason": reason}


def _approve(dossier: Dossier, *, actor, given, now) -> dict:
    """The leader's step stays open until the result is signed."""
    return {}


def _sign(dossier: Dossier, *, actor, given, now) -> dict:
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


def _return_result(dossier: Dossier, *, actor, given, now) -> dict:
    close_step(dossier, actor=actor, outcome="return", now=now)
    dossier.returned_at = now
    return {}


def _may_apologize(dossier: Dossier, *, now) -> None:
    """Once, from one working day before the statutory deadline (rules.py)."""
    rules.check_apology_allowed(dossier, today=local_day(now))


def _apologize(dossier: Dossier, *, actor, given: inputs.Apology, now) -> dict:
    """The agency at fault apologises with a reason and a new appointment (form 04,
    Decree 118/2025/NĐ-CP), signed by its head. The statutory deadline stays: the new
    date is the citizen's appointment (`appointment_date`), and on time and late still
    count against `due_date`; the late step stays late."""
    reason, new_date = given.note, given.new_due_date
    rules.check_new_appointment(dossier, new_date, today=local_day(now))
    late_step = open_step(dossier)
    at_fault = rules.agency_at_fault(dossier, late_step)
    statutory = dossier.statutory_date
    _slip(
        dossier,
        kind=SlipKind.APOLOGY,
        actor=actor,
        reason=reason,
        old_due_date=statutory.isoformat(),  # the statutory deadline, unchanged
        new_due_date=new_date.isoformat(),
        late_step=late_step.name if late_step else "",
        agency=at_fault.code,
        signer_title=rules.head_title(at_fault),
    )
    dossier.appointment_date = new_date
    return {"appointment_date": new_date, "due_date": statutory}


_PRECONDITIONS = {"apologize": _may_apologize, "rate": _not_rated_yet}

_HANDLERS = {
    "submit": _submit,
    "withdraw": _withdraw,
    "supplement": _supplement,
    "rate": _rate,
    "receive": _receive,
    "request_supplement": _request_supplement,
    "refuse": _refuse,
    "assign": _assign,
    "forward": _forward,
    "submit_for_approval": _submit_for_approval,
    "send_back": _send_back,
    "approve": _approve,
    "sign": _sign,
    "return": _return_result,
    "apologize": _apologize,
    "decline": _decline,
}
assert set(_HANDLERS) == set(workflow.TRANSITIONS), "every transition has one handler"  # noqa: S101
