"""The decreed day swaps are data, each with the document that decreed it."""

import csv
import datetime
import re

from tinhso.core.services import DATA_DIR

DOCUMENT_NUMBER = re.compile(r"^[0-9]+/[A-ZĐ]+(-[A-ZĐ]+)*$")  # 2450/VPCP-KGVX


def _rows():
    with (DATA_DIR / "calendar_overrides.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_calendar_override_names_its_document():
    rows = _rows()
    assert rows
    for row in rows:
        datetime.date.fromisoformat(row["date"])
        assert row["kind"] in {"workday", "holiday"}
        if row["document"]:
            assert DOCUMENT_NUMBER.match(row["document"]), row
        else:  # not confirmed yet: the data says so, it does not pretend
            assert "chưa xác minh" in row["source"], row


def test_the_stored_source_starts_with_the_document_number(db):
    from tinhso.core.models import CalendarOverride
    from tinhso.core.services import load_calendar_overrides

    load_calendar_overrides()
    for row in _rows():
        stored = CalendarOverride.objects.get(date=row["date"])
        assert stored.source.startswith(row["document"] or "chưa xác minh"), stored.source
