from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django.db.models import (
    Count,
    F,
    Func,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.accounts.models import DOSSIER_ROLES as STAFF_ROLES  # no registry keepers
from tinhso.core.compiled import Compiled
from tinhso.core.errors import NotFound, ValidationFailed

from .error_codes import DossiersErrorCode
from .models import (
    AT_AGENCY,
    AT_DESK,
    Dossier,
    DossierDocument,
    DossierEvent,
    Status,
    in_states,
    step_late_q,
)


def _base() -> QuerySet[Dossier]:
    return Dossier.objects.select_related(
        "procedure", "procedure_version", "agency", "desk", "unit"
    )


_TIMELINE = Compiled(
    lambda dossier_id: DossierEvent.objects.filter(dossier_id=dossier_id).order_by("at", "pk"),
    [2_147_000_004],  # never a dossier's id in this statement's first build
)


def timeline(dossier: Dossier) -> list[DossierEvent]:
    """The dossier's events, oldest first: prefetched if they were, or known whole by
    the service that made the dossier (`known_timeline`)."""
    known = getattr(dossier, "known_timeline", None)
    if known is not None:
        return known
    if "events" in getattr(dossier, "_prefetched_objects_cache", {}):
        return list(dossier.events.all())
    found = _TIMELINE.all(dossier.pk)
    for event in found:
        event.dossier = dossier
    return found


def my_dossiers(user, *, status: str | None = None, q: str = "") -> QuerySet[Dossier]:
    """The applicant's dossiers, the newest first (the index on applicant, -created)."""
    qs = _base().filter(applicant=user)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(code__icontains=q.strip())
    return qs.order_by("-created_at")


# What a row of "my dossiers" shows (the API's DossierOut), in the rows' one query.
MY_ROW_RELATED = ("procedure", "procedure_version", "agency", "desk")
MY_ROW_FIELDS = (
    "code", "status", "created_at", "submitted_at", "received_at", "expected_date", "due_date",
    "appointment_date", "fee_amount", "procedure__code", "procedure_version__number",
    "agency__code", "desk__code",
)  # fmt: skip


def my_rows(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """`my_dossiers` as the API's rows: one query, narrow."""
    return qs.select_related(None).select_related(*MY_ROW_RELATED).only(*MY_ROW_FIELDS)


def can_see(user, dossier: Dossier) -> bool:
    """The applicant, and officers whose scope covers the processing agency or the desk."""
    if user is None or not user.is_authenticated:
        return False
    if dossier.applicant_id == user.pk:
        return True
    if dossier.status == Status.DRAFT:  # a draft is the applicant's alone
        return False
    return authz.has_role(user, STAFF_ROLES, agency=dossier.agency) or authz.has_role(
        user, STAFF_ROLES, agency=dossier.desk
    )


def dossier_for(user, code: str, *, with_history: bool = True) -> Dossier | None:
    """The dossier if this user may see it; None when absent or not theirs (no hint
    whether the code exists). `with_history=False` when only the row is needed (a
    write that reloads it locked): no timeline nor papers fetched."""
    qs = _base()
    if with_history:
        qs = qs.prefetch_related(
            Prefetch("events", queryset=DossierEvent.objects.order_by("at", "pk")),
            Prefetch(
                "documents",
                queryset=DossierDocument.objects.filter(replaced_at__isnull=True).order_by("kind"),
                to_attr="current_documents",
            ),
        )
    dossier = qs.filter(code=code).first()
    if dossier is None or not can_see(user, dossier):
        return None
    return dossier


def unknown_dossier(code: str) -> NotFound:
    """The one answer for a code that does not exist and for someone else's dossier,
    to a read or to an action (404): trying codes tells nobody which exist."""
    return NotFound(
        _("Không có hồ sơ mã %(code)s, hoặc bạn không được xem hồ sơ này.") % {"code": code},
        code=DossiersErrorCode.UNKNOWN_DOSSIER,
    )


class Holder(NamedTuple):
    agency: str  # the agency's name
    step: str  # the step's name, or what the dossier waits for


def holder_now(dossier: Dossier) -> Holder | None:
    """Which agency holds the dossier now and at which step (the open line of the
    control slip); who it waits for while a supplement is awaited; None once closed."""
    if dossier.status == Status.AWAITING_SUPPLEMENT:
        return Holder(_("Người nộp hồ sơ"), _("Chờ bổ sung hồ sơ"))
    step = dossier.steps.open().select_related("agency").order_by("-started_at").first()
    if step is None:
        if dossier.status == Status.RESULT_READY:
            return Holder(dossier.desk.name, _("Trả kết quả"))
        return None
    return Holder(step.agency.name, step.name)


DUE_SOON_WORKING_DAYS = 2


def queue_agencies(user) -> list:
    """The agencies whose dossiers this officer works on (their own and below)."""
    from tinhso.accounts.models import Agency

    prefixes = [
        a.agency.path for a in authz.assignments(user) if a.agency_id and a.role in STAFF_ROLES
    ]
    if getattr(user, "is_superuser", False):
        return list(Agency.objects.all())
    if not prefixes:
        return []
    condition = Q()
    for prefix in prefixes:
        condition |= Q(path__startswith=prefix)
    return list(Agency.objects.filter(condition))


DESK_ROLES = {"one_stop_officer"}


def _scope_agencies(user) -> tuple[list[int], list[int]]:
    """The ids of the agencies where this officer looks: as a one-stop desk (the
    one-stop roles), and as the processing agency (the others). Read once per user object and set of
    role assignments (a page asks for its rows, its count and its counts by state)."""
    held = authz.assignments(user)
    cached = getattr(user, "_queue_scope", None)
    if cached is not None and cached[0] is held:
        return cached[1]
    found = _find_scope_agencies(user)
    if held:
        user._queue_scope = (held, found)
    return found


def _find_scope_agencies(user) -> tuple[list[int], list[int]]:
    desks: list[int] = []
    works: list[int] = []
    if getattr(user, "is_superuser", False):
        everything = [a.pk for a in queue_agencies(user)]
        return everything, everything
    for a in authz.assignments(user):
        if not a.agency_id or a.role not in STAFF_ROLES:
            continue
        below = agency_subtree(a.agency.path)
        (desks if a.role in DESK_ROLES else works).extend(below)
        if a.role in {"administrator", "monitoring"}:
            desks.extend(below)
    return sorted(set(desks)), sorted(set(works))


AGENCY_TREE_SECONDS = 60  # a new sub-agency shows in its parent's queues within a minute


def agency_subtree(path: str) -> list[int]:
    """The ids of the agency at `path` and of those below it: the tree changes a few
    times a year, the queues ask for it on every page (kept in the process's cache)."""
    from django.core.cache import caches

    from tinhso.accounts.models import Agency

    key = f"agency-subtree:{path}"
    found = caches["local"].get(key)
    if found is None:
        found = list(Agency.objects.filter(path__startswith=path).values_list("pk", flat=True))
        caches["local"].set(key, found, AGENCY_TREE_SECONDS)
    return found


def _scope(user, *, status: str | None, agencies: tuple[list[int], list[int]] | None = None) -> Q:
    """Where this officer looks: at their desks for the one-stop roles, at their
    agencies for the others; only what waits there unless a status is named.
    (One branch per kind of role keeps each served by its own index.)"""
    desks, works = agencies if agencies is not None else _scope_agencies(user)
    condition = Q(pk__in=[])
    if desks:
        condition |= Q(desk__in=desks) & in_states([status] if status else AT_DESK)
    if works:
        condition |= Q(agency__in=works) & in_states([status] if status else AT_AGENCY)
    return condition


def officer_queue(
    user,
    *,
    status: str | None = None,
    procedure: str | None = None,
    unit: str | None = None,
    q: str = "",
    due: str | None = None,  # "soon" | "late" | "apology" (late by tomorrow, no apology)
    mine: bool = False,
    today=None,
) -> QuerySet[Dossier]:
    """Dossiers waiting for the officer (see `_scope`), filtered and ordered by due
    date (the most urgent first)."""
    from django.utils import timezone

    from tinhso.core import workdays

    qs = Dossier.objects.filter(_scope(user, status=status))  # each page joins what it shows
    if procedure:
        qs = qs.filter(procedure__code=procedure)
    if unit:
        qs = qs.filter(unit_id=unit)
    if mine:
        qs = qs.filter(assignee=user)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(code__iexact=q) | Q(applicant_name__icontains=q) | Q(applicant_identifier=q)
        )
    today = today or timezone.localdate()
    if due == "late":
        qs = qs.late(at=today)
    elif due == "apology":
        from .rules import apology_horizon

        qs = qs.needing_apology(horizon=apology_horizon(today))
    elif due == "soon":
        horizon = workdays.calendar().add_working_days(today, DUE_SOON_WORKING_DAYS)
        qs = qs.exclude(status=Status.AWAITING_SUPPLEMENT).filter(  # the clock stands still
            Q(due_date__gte=today, due_date__lte=horizon)
            | Q(due_date__isnull=True, expected_date__gte=today, expected_date__lte=horizon)
        )
    return qs.order_by(*QUEUE_ORDER)


# What a queue's row shows (the API's QueueItemOut), read in the rows' one query: the
# dossier's own columns and the codes and names of five small tables, nothing else.
QUEUE_ROW_RELATED = ("procedure", "procedure_version", "agency", "desk", "assignee")
QUEUE_ROW_FIELDS = (
    "code", "status", "applicant_name", "created_at", "submitted_at", "received_at",
    "expected_date", "due_date", "appointment_date", "step_due_date", "fee_amount",
    "procedure__code", "procedure__name", "procedure_version__number", "agency__code",
    "desk__code", "assignee__username",
)  # fmt: skip


def queue_rows(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """An `officer_queue` as the API's rows: one query, narrow."""
    return qs.select_related(*QUEUE_ROW_RELATED).only(*QUEUE_ROW_FIELDS)


# The queue's order (the most urgent first), served by the partial indexes on what waits
# at a desk and at an agency (models.Dossier.Meta.indexes) in the same column order.
QUEUE_ORDER = (F("due_date").asc(nulls_last=True), F("submitted_at").asc(nulls_last=True), "pk")


class _Row(Func):
    """SQL's row value, `(a, b, c)`: compared as a whole, a range of a composite index."""

    function = ""
    template = "(%(expressions)s)"
    output_field = TextField()


def queue_key(dossier: Dossier) -> str:
    """Where a queue page ends (the `after` of the next page's link)."""
    due = dossier.due_date.isoformat() if dossier.due_date else "-"
    at = dossier.submitted_at.isoformat() if dossier.submitted_at else "-"
    return f"{due}~{at}~{dossier.pk}"


def _parse_key(after: str) -> tuple[datetime.date | None, datetime.datetime | None, int]:
    try:
        due, at, pk = after.split("~")
        return (
            None if due == "-" else datetime.date.fromisoformat(due),
            None if at == "-" else datetime.datetime.fromisoformat(at),
            int(pk),
        )
    except ValueError:
        raise ValidationFailed(
            _("Tham số trang không hợp lệ."), fields={"after": _("Giá trị không hợp lệ.")}
        ) from None


def queue_rows_after(qs: QuerySet[Dossier], after: str, n: int) -> list[Dossier]:
    """The `n` rows of an `officer_queue` that follow the key `after` ("" from the
    start), in the queue's order: one index range, however deep the page (a second
    query only on the page where dated rows end and undated ones begin). Every dossier
    out of draft has its `submitted_at` (the submit transition, the desk's intake)."""
    if not after:
        return list(qs[:n])
    due, at, pk = _parse_key(after)
    if at is None:  # not filed: should not happen; the rest of its group by id
        return list(qs.filter(due_date=due, submitted_at__isnull=True, pk__gt=pk)[:n])
    if due is None:  # among the undated (not received yet), the last group
        later = _row_after(("submitted_at", at), ("pk", pk))
        return list(qs.filter(later, due_date__isnull=True)[:n])
    later = _row_after(("due_date", due), ("submitted_at", at), ("pk", pk))
    rows = list(qs.filter(later)[:n])
    if len(rows) < n:
        rows += list(qs.filter(due_date__isnull=True)[: n - len(rows)])
    return rows


def _row_after(*columns: tuple[str, Any]) -> GreaterThan:
    """(a, b, c) > (x, y, z): a range of the composite index on those columns."""
    return GreaterThan(
        _Row(*(F(name) for name, _value in columns)),
        _Row(*(Value(value) for _name, value in columns)),
    )


def queue_counts(user) -> dict[str, int]:
    """How many dossiers wait for the officer, by state: read from the kept counts
    (queue_counts.py), a few small rows whatever the number of dossiers. Where one
    officer sees both sides (a desk and a processing agency) a dossier in a state that
    waits at both could be at both of theirs: those states are counted on the rows
    instead, once each (a short range of the partial indexes)."""
    from . import queue_counts as kept

    desks, works = _scope_agencies(user)
    both = AT_DESK & AT_AGENCY if desks and works else frozenset()
    counts = kept.kept(
        desks=desks,
        works=works,
        states=None if not both else (AT_DESK | AT_AGENCY) - both,
    )
    if both:
        rows = (
            Dossier.objects.filter(_scope(user, status=None, agencies=(desks, works)))
            .filter(in_states(both))
            .values("status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        counts.update({row["status"]: row["n"] for row in rows if row["n"]})
    return counts


def queue_total(user, *, status=None, procedure=None, unit=None, q="", due=None, mine=False,
                **_more) -> int | None:  # fmt: skip
    """The length of `officer_queue(user, …)` when the kept counts know it (no filter
    but a waiting state), else None (count the rows)."""
    if procedure or unit or q or due or mine:
        return None
    counts = queue_counts(user)
    if not status:
        return sum(counts.values())
    desks, works = _scope_agencies(user)
    waits = (not desks or status in AT_DESK) and (not works or status in AT_AGENCY)
    return counts.get(status, 0) if waits else None


def agency_load(user, today=None) -> list[dict]:
    """For leaders: open steps per person at their agencies, and how many are late."""
    from django.utils import timezone

    from .models import DossierStep

    today = today or timezone.localdate()
    agencies = queue_agencies(user)
    return list(
        DossierStep.objects.open()
        .filter(agency__in=agencies)
        .values("assignee__username", "assignee__full_name", "agency__short_name")
        .annotate(open=Count("pk"), late=Count("pk", filter=step_late_q(today)))
        .order_by("-late", "-open")
    )


def agency_queue(agency, *, status: str | None = None) -> QuerySet[Dossier]:
    """Dossiers waiting at an agency, as its desk or as the processing agency."""
    qs = _base().filter(Q(agency=agency) | Q(desk=agency)).exclude(status=Status.DRAFT)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("submitted_at")


# What each waiting state asks of the officer, in the order of a dossier's life.
WAITING_KINDS = (
    (Status.SUBMITTED, "receive"),
    (Status.RECEIVED, "assign"),
    (Status.IN_PROGRESS, "submit_for_approval"),
    (Status.AWAITING_APPROVAL, "approve"),
    (Status.APPROVED, "sign"),
    (Status.RESULT_READY, "return"),
    (Status.AWAITING_SUPPLEMENT, ""),  # the citizen's move: nothing to do but watch
)


def waiting_work(user) -> dict:
    """The officer's landing: how many dossiers wait for each kind of work (what to
    do, the state, how many, the queue's link), how many are late, and the kind to
    start with (the most numerous one that asks something of them)."""
    from . import workflow

    counts = queue_counts(user)
    kinds = [
        {
            "status": status,
            "status_label": Status(status).label,
            "action": action,
            "label": workflow.TRANSITIONS[action].label if action else Status(status).label,
            "count": counts.get(status, 0),
        }
        for status, action in WAITING_KINDS
        if counts.get(status)
    ]
    todo = [k for k in kinds if k["action"]]
    first = max(todo, key=lambda k: k["count"]) if todo else None
    for k in kinds:
        k["primary"] = k is first
    return {
        "waiting": kinds,
        "waiting_total": sum(k["count"] for k in todo),
        "late_count": officer_queue(user, due="late").count() if kinds else 0,
    }
