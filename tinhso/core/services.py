"""Writes of the platform's shared reference data."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from django.db import transaction

from . import workdays
from .models import CalendarOverride
from .signals import audited_change

DATA_DIR = Path(__file__).parent / "data"


def _source(row: dict[str, str]) -> str:
    document = row.get("document", "").strip()
    if not document:
        return f"chưa xác minh số văn bản: {row['source']}"
    return f"{document} — {row['source']}"


@transaction.atomic
def load_calendar_overrides(*, actor=None) -> int:
    """Decreed day swaps from data/calendar_overrides.csv (idempotent). The stored
    source starts with the decreeing document's number and symbol."""
    count = 0
    with (DATA_DIR / "calendar_overrides.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            _, created = CalendarOverride.objects.update_or_create(
                date=datetime.date.fromisoformat(row["date"]),
                defaults={
                    "kind": row["kind"],
                    "reason": row["reason"],
                    "source": _source(row)[:200],
                },
            )
            count += created
    if count:
        audited_change.send(
            sender=CalendarOverride,
            actor=actor,
            action="core.calendar_loaded",
            object_type="core.CalendarOverride",
            object_id="*",
            after={"added": count},
        )
    transaction.on_commit(workdays.forget_calendar)
    return count
