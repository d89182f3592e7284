# ruff: noqa: S608  (table and column names below are this module's own, never input)
"""Stage 4, **cluster**: the pairs at or above the threshold joined strongest first,
never joining two holders of different personal IDs, in Python (the same code for
both engines, so they give the same clusters); the cluster id is the smallest
record_id of the cluster."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from .base import _sql_string


def personal_ids(
    con, edges: Iterable[tuple[str, str, float]], *, table: str = "prepared"
) -> dict[str, tuple[str, str]]:
    """record_id → its personal ID as (kind, number), for the records in `edges` that
    have one (what `clusters` needs to keep two ID holders apart)."""
    import pandas as pd

    ids = sorted({x for a, b, _p in edges for x in (a, b)})
    con.register("edge_ids", pd.DataFrame({"unique_id": ids}, dtype="object"))
    rows = con.execute(
        f"SELECT unique_id, pid_kind, pid FROM {table} JOIN edge_ids USING (unique_id) "
        "WHERE pid IS NOT NULL"
    ).fetchall()
    con.unregister("edge_ids")
    return {record: (kind, number) for record, kind, number in rows}


def _one_slip(a: str, b: str) -> bool:
    """Two IDs of one kind a keying slip apart: one digit wrong or two neighbours swapped."""
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diff) == 1 or (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def _ids_conflict(left: set[tuple[str, str]], right: set[tuple[str, str]]) -> bool:
    """Two groups hold different people's IDs: for a kind of ID both hold, no ID of
    one is the other's or a keying slip away from it. (A group may hold an ID and
    its slips; two slips of one ID can be two slips apart.)"""
    for kind in {k for k, _n in left} & {k for k, _n in right}:
        if not any(
            a == b or (len(a) == len(b) and _one_slip(a, b))
            for ka, a in left
            if ka == kind
            for kb, b in right
            if kb == kind
        ):
            return True
    return False


def clusters(edges: Iterable[tuple[str, str, float]], *, threshold: float,
             personal_ids: dict[str, tuple[str, str]] | None = None,
             people: dict[str, int] | None = None,
             apart: set[frozenset[int]] | None = None) -> dict[str, str]:  # fmt: skip
    """record_id → cluster_id (the smallest record_id of its group), for the records
    in at least one pair at or above `threshold`.

    Pairs are joined strongest first. With `personal_ids`, two groups whose records
    carry personal IDs of one kind that differ by more than a keying slip are never
    joined: a chain of likely pairs (a namesake born the same day, a record without
    an ID between them) must not make two ID holders one person. With `people`
    (record_id → its person in the registry) and `apart` (pairs of people an officer
    kept apart), two groups holding two people kept apart are never joined either:
    a third record like both must not undo the decision."""
    ids = personal_ids or {}
    people, apart = people or {}, apart or set()
    parent: dict[str, str] = {}
    held: dict[str, set[tuple[str, str]]] = {}  # root → the personal IDs in its group
    owners: dict[str, set[int]] = {}  # root → the registry's people in its group

    def find(x: str) -> str:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    for a, b, _p in sorted(
        (e for e in edges if e[2] >= threshold), key=lambda e: (-e[2], e[0], e[1])
    ):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        left = held.get(ra) or ({ids[ra]} if ra in ids else set())
        right = held.get(rb) or ({ids[rb]} if rb in ids else set())
        if left and right and _ids_conflict(left, right):
            continue
        mine = owners.get(ra) or ({people[ra]} if ra in people else set())
        theirs = owners.get(rb) or ({people[rb]} if rb in people else set())
        if apart and any(frozenset((x, y)) in apart for x in mine for y in theirs):
            continue
        if rb < ra:
            ra, rb = rb, ra
        parent[rb] = ra
        parent.setdefault(ra, ra)
        held[ra] = left | right
        held.pop(rb, None)
        owners[ra] = mine | theirs
        owners.pop(rb, None)
    return {x: find(x) for x in list(parent)}


def write_clusters(
    con, mapping: dict[str, str], output: str | Path, *, source: str = "raw"
) -> None:
    import pandas as pd

    frame = pd.DataFrame({"record_id": list(mapping), "cluster_id": list(mapping.values())})
    con.register("cluster_map", frame)
    con.execute(
        f"""COPY (SELECT r.record_id, coalesce(CAST(c.cluster_id AS VARCHAR), r.record_id) AS cluster_id
                  FROM {source} r LEFT JOIN cluster_map c USING (record_id))
            TO {_sql_string(Path(output))} (HEADER, DELIMITER ',')"""
    )
    con.unregister("cluster_map")


def read_clusters(path: str | Path) -> dict[str, str]:
    with Path(path).open(newline="", encoding="utf-8") as f:
        return {row["record_id"]: row["cluster_id"] for row in csv.DictReader(f)}
