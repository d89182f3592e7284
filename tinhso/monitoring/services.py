"""Loading the index definition (reference data; idempotent)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from .models import IndicatorComponent

DATA = Path(__file__).parent / "data" / "decision_766.csv"


@transaction.atomic
def load_index_definition(*, path: Path = DATA) -> int:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    IndicatorComponent.objects.exclude(code__in=[r["code"] for r in rows]).delete()
    for row in rows:
        IndicatorComponent.objects.update_or_create(
            code=row["code"],
            defaults={
                "group": int(row["group"]),
                "group_name": row["group_name"],
                "name": row["name"],
                "max_points": Decimal(row["max_points"]),
                "formula": row["formula"],
                "source": row.get("source", ""),
            },
        )
    return len(rows)
