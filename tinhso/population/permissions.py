"""Who works on the population registry: the province's administrators, and the
specialists and leaders of an agency whose scope covers the person's ward (the
police's population officers hold the specialist role at their agency)."""

from tinhso.accounts import authz
from tinhso.accounts.models import Role

REGISTRY_ROLES = frozenset({Role.ADMINISTRATOR, Role.SPECIALIST, Role.LEADER})


def require_registry_role(actor, *, unit=None) -> None:
    """`actor=None` is the operator at the console (management commands), whose
    events are recorded under the `cli` channel."""
    if actor is None:
        return
    authz.require_role(actor, REGISTRY_ROLES, unit=unit)
