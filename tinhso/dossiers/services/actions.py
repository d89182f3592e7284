"""Taking an action on a dossier: the one door through which its status changes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.core.compiled import update
from tinhso.core.errors import Conflict, NotFound, PermissionDenied
from tinhso.core.late import writes_at_the_end
from tinhso.notifications.services import notify

from .. import selectors, workflow
from ..error_codes import DossiersErrorCode
from ..models import Dossier, Status
from ..signals import dossier_changed, dossier_changing
from . import transitions
from .common import _audit, _event, _locked, tracking_link


def may(actor, rule: workflow.Transition, dossier: Dossier) -> bool:
    """Whether `actor` may take `rule` on `dossier`, whatever its state."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    for role, where in rule.actors:
        if role == workflow.APPLICANT:
            if actor.pk == dossier.applicant_id:
                return True
            continue
        if actor.pk == dossier.applicant_id:
            continue  # no officer processes their own dossier
        if rule.action == "sign" and not _holds_certificate(actor):
            continue
        agency = dossier.desk if where == workflow.DESK else dossier.agency
        if not authz.has_role(actor, role, agency=agency):
            continue
        # A specialist acts on the dossiers given to them (or not yet given to anyone);
        # a leader of the agency may act on any.
        someone_elses = dossier.assignee_id not in (None, actor.pk)
        if (
            role == workflow.SPECIALIST
            and someone_elses
            and not authz.has_role(actor, workflow.LEADER, agency=dossier.agency)
        ):
            continue
        return True
    return False


def _holds_certificate(actor) -> bool:
    """Signing needs a valid signing certificate, not only the leader's role."""
    from tinhso.signing.services import active_certificate

    return active_certificate(actor) is not None


def allowed_actions(actor, dossier: Dossier) -> list[workflow.Transition]:
    """What this person can do now (for the pages' buttons)."""
    return [
        rule
        for rule in workflow.TRANSITIONS.values()
        if dossier.status in rule.sources and may(actor, rule, dossier)
    ]


@transaction.atomic
@writes_at_the_end()  # the shared rows (audit head, counts) written at the end only
def take_action(*, actor, code: str, action: str, payload: dict[str, Any] | None = None) -> Dossier:
    """One step of the dossier's life: permission first (403), then state (409), then
    the step itself (transitions.py: its input, 400, then the change) with its
    timeline line, audit event and notification, in one transaction on the locked row
    (a second officer acting at once waits, then gets the 409 of the state the first
    one left)."""
    rule = workflow.transition(action)
    if rule is None:
        raise NotFound(
            _("Không có thao tác %(action)s.") % {"action": action},
            code=DossiersErrorCode.UNKNOWN_ACTION,
        )
    dossier = _locked(code)
    if not may(actor, rule, dossier):
        if not selectors.can_see(actor, dossier):  # someone else's: as if there were none
            raise selectors.unknown_dossier(code)
        raise PermissionDenied(
            _("Bạn không được thực hiện thao tác này với hồ sơ %(code)s.") % {"code": code},
            code=DossiersErrorCode.NOT_YOURS,
        )
    if dossier.status not in rule.sources:
        raise Conflict(
            _("Hồ sơ đang ở trạng thái “%(status)s”, không thực hiện được thao tác này.")
            % {"status": Status(dossier.status).label},
            code=DossiersErrorCode.NOT_ALLOWED_IN_STATE,
        )
    before = dossier.status
    agency_before = dossier.agency.code
    now = timezone.now()
    dossier_changing.send(sender=Dossier, dossier=dossier)
    details, note = transitions.apply(rule, dossier, actor=actor, payload=payload, now=now)
    if rule.target is not None:
        dossier.status = rule.target
    dossier.version += 1
    update(dossier)  # every field: a step may change any (core.compiled: built once)
    dossier_changed.send(sender=Dossier, dossier=dossier)
    _event(dossier, actor=actor, action=action, before=before, note=note)
    _audit(
        dossier,
        actor=actor,
        action=action,
        before={"status": before},
        after={"status": dossier.status, **details},
        agency_code=agency_before,
    )
    label = Status(dossier.status).label
    subject, body = transitions.notice(action, dossier, note) or (
        _("Hồ sơ %(code)s: %(status)s") % {"code": dossier.code, "status": label},
        _("Hồ sơ %(code)s (%(procedure)s): %(action)s. Trạng thái: %(status)s.")
        % {
            "code": dossier.code,
            "procedure": dossier.procedure.name,
            "action": rule.label,
            "status": label,
        }
        + (f"\n{note}" if note else ""),
    )
    notify(user=dossier.applicant, subject=subject, body=body, link=tracking_link(dossier))
    if action in {"assign", "send_back"} and dossier.assignee_id:
        notify(
            user=dossier.assignee,
            subject=_("Hồ sơ %(code)s cần bạn xử lý") % {"code": dossier.code},
            body=_("%(procedure)s, hạn bước: %(due)s.")
            % {
                "procedure": dossier.procedure.name,
                "due": dossier.step_due_date.strftime("%d/%m/%Y") if dossier.step_due_date else "—",
            },
            link=f"/lam-viec/ho-so/{dossier.code}/",
        )
    return dossier


MAX_BULK = 500


@transaction.atomic
def sign_in_bulk(*, actor, codes: list[str]):
    """Queue the signing of many approved results as one background job (a leader's
    act; each dossier is still checked, one by one, when the job signs it)."""
    from tinhso.accounts.models import Role
    from tinhso.core import jobs
    from tinhso.core.errors import ValidationFailed

    if not authz.has_role(actor, Role.LEADER, anywhere=True) and not getattr(
        actor, "is_superuser", False
    ):
        raise PermissionDenied(_("Chỉ lãnh đạo mới ký kết quả."), code=DossiersErrorCode.NOT_YOURS)
    unique = list(dict.fromkeys(c.strip() for c in codes if isinstance(c, str) and c.strip()))
    if not unique or len(unique) > MAX_BULK:
        raise ValidationFailed(
            _("Chọn từ 1 đến %(n)s hồ sơ để ký.") % {"n": MAX_BULK},
            fields={"codes": _("Danh sách hồ sơ không hợp lệ.")},
        )
    return jobs.enqueue(
        kind="dossiers.sign", actor=actor, params={"codes": unique}, total=len(unique)
    )
