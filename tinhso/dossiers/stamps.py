"""The stamps under which an officer's queue and an applicant's list of dossiers may
be answered from the server process's memory (root.middleware.PublicCacheMiddleware,
as the public tracking is): each changes whenever anything the answer shows may have
changed, read in one small statement before the answer is made.

- The queue: its scope's rows of the kept counts (queue_counts.stamp). Every step of
  a dossier marks changed each row it counted for before or after the step, so a
  dossier that enters, leaves or changes in a queue changes that queue's stamp. A
  status filter outside the waiting states (a dossier there counts nowhere) has no
  stamp: answered the whole way.
- My dossiers: the applicant's rows, how many, the newest id, the sum of their
  versions (every change of a dossier bumps its version).

What no dossier's step changes (a procedure or an agency renamed, a holiday added to
the calendar, the day turning) is bounded by the cache's time bound and the day, as
for the public pages."""

from __future__ import annotations

import functools

from django.db import connection

from tinhso.accounts import authz

from . import queue_counts
from .models import AT_AGENCY, AT_DESK, Dossier


def queue_stamp(user, *, status: str | None = None) -> str | None:
    """The officer's queue (any filter but a status where nothing waits), or None."""
    from .selectors import _scope_agencies

    if not authz.is_staff_member(user):
        return None  # refused the whole way
    desks, works = _scope_agencies(user)
    if status and not ((not desks or status in AT_DESK) and (not works or status in AT_AGENCY)):
        return None
    found = queue_counts.stamp(desks=desks, works=works)
    if found is None:
        return None
    held = sorted((a.role, a.agency_id or 0, a.unit_id or "") for a in authz.assignments(user))
    return repr(("queue", user.pk, user.is_superuser, held, desks, works, found))


@functools.cache
def _mine_sql() -> str:
    table = connection.ops.quote_name(Dossier._meta.db_table)
    return f"SELECT COUNT(*), MAX(id), SUM(version) FROM {table} WHERE applicant_id = %s"  # noqa: S608  # nosec B608: the model's table


def my_dossiers_stamp(user) -> str:
    """The applicant's own dossiers (any filter, any page)."""
    with connection.cursor() as cursor:
        cursor.execute(_mine_sql(), [user.pk])
        found = tuple(cursor.fetchone())
    return repr(("mine", user.pk, found))
