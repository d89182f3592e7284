"""Who may write what at a facility; the audit event every write leaves."""

from __future__ import annotations

from tinhso.accounts import authz
from tinhso.accounts.models import Role
from tinhso.audit.services import record_event

from ..models import Facility

# Who checks patients in and writes the record (a commune station's staff do both).
CLINICAL_ROLES = frozenset({Role.DOCTOR, Role.NURSE, Role.HEALTH_STAFF})
# Who writes diagnoses, notes and holds appointment slots.
PRESCRIBER_ROLES = frozenset({Role.DOCTOR})


def require_at(actor, roles, facility: Facility) -> None:
    """The actor holds one of `roles` at the facility (`actor=None`: trusted code)."""
    if actor is not None:
        authz.require_role(actor, roles, agency=facility.agency)


def audit(actor, action: str, obj, *, facility: Facility | None = None, after=None) -> None:
    record_event(
        actor=actor,
        action=action,
        object_type=f"health.{type(obj).__name__}",
        object_id=obj.pk,
        after=after,
        agency_code=facility.agency.code if facility is not None else "",
    )
