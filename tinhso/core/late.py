"""Writes to the platform's shared rows, made at the end of a service's block.

A few rows are written by almost every step of almost every dossier: the audit
chain's stream heads, the index's agency-month counts, the queues' counts. A row
written in a transaction stays locked until it commits, so a step that wrote one of
them early would hold it through the rest of its work (and through every pause of
its thread), and every other step of the province would queue behind it.

Inside `writes_at_the_end()` (put just inside the service's `transaction.atomic`)
such writes are only noted (`note`), and made when the block ends, still in the
transaction, kind by kind in a fixed order (so two steps take the rows they share in
the same order and never wait on each other in a circle); the rows stay locked from
there to the commit only. Outside a block `note` says so and the caller writes at
once.

What was noted inside a savepoint that is then rolled back (an inner `atomic` that
failed and was caught) is dropped with that savepoint's changes; a transaction marked
to be rolled back writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction

logger = logging.getLogger("tinhso.late")


@dataclass(frozen=True)
class Kind:
    """One kind of shared write: `flush` gets what was noted, in order, and writes
    it; kinds are flushed by `order`, lowest first."""

    name: str
    order: int
    flush: Callable[[list[Any]], object]


# (kind, item, is it still part of the transaction?) noted by the outermost block of
# this thread or task (None outside one).
_noted: ContextVar[list[tuple[Kind, Any, Callable[[], bool]]] | None] = ContextVar(
    "late_writes", default=None
)


@contextmanager
def writes_at_the_end() -> Iterator[None]:
    """Make the writes noted inside the block when it ends, in the block's transaction
    (one is opened when there is none). A block inside another leaves its writes to
    the outer one.

    An exception out of the block still writes what was noted for changes that stay:
    the block may wrap several services, each of which committed its savepoint before
    a later one failed. What its enclosing transaction then rolls back goes with it.
    If those writes fail, the transaction is marked to roll back: no change commits
    without them."""
    if _noted.get() is not None:
        yield
        return
    if not connection.in_atomic_block:
        with transaction.atomic(), writes_at_the_end():
            yield
        return
    token = _noted.set([])
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        kept = _kept(_noted.get() or [])
        _noted.reset(token)
        if kept and not connection.get_rollback():  # else: rolled back, nothing to write
            if not failed:
                _write(kept)
            else:
                try:
                    with transaction.atomic():
                        _write(kept)
                except DatabaseError:
                    logger.warning(
                        "shared writes failed after an error; the change is rolled back",
                        exc_info=True,
                    )
                    transaction.set_rollback(True)


def _kept(noted: list[tuple[Kind, Any, Callable[[], bool]]]) -> dict[Kind, list[Any]]:
    """What was noted, by kind, less what a savepoint rolled back had noted."""
    by_kind: dict[Kind, list[Any]] = {}
    for kind, item, kept in noted:
        if kept():
            by_kind.setdefault(kind, []).append(item)
    return by_kind


def _write(by_kind: dict[Kind, list[Any]]) -> None:
    for kind in sorted(by_kind, key=lambda k: (k.order, k.name)):
        kind.flush(by_kind[kind])


def note(kind: Kind, item: Any) -> bool:
    """Note `item` for `kind`'s write at the end of the block: True; outside a block,
    False (write it now)."""
    noted = _noted.get()
    if noted is None:
        return False
    noted.append((kind, item, _kept_unless_rolled_back()))
    return True


def _always() -> bool:
    return True


def _kept_unless_rolled_back() -> Callable[[], bool]:
    """Whether the savepoints open now are still part of the transaction at the end.
    Django drops the commit callbacks of a savepoint it rolls back, and keeps those of
    one released: a callback registered now tells."""
    if not connection.in_atomic_block or not connection.savepoint_ids:
        return _always

    def marker() -> None:  # does nothing at the commit; only its presence counts
        return None

    connection.on_commit(marker)
    return lambda: any(entry[1] is marker for entry in connection.run_on_commit)
