"""The kernel's own writes (the decreed calendar) are audited through a signal the
audit app listens to: the kernel knows no app above it."""

import pytest
from django.db import transaction

from tinhso.audit.models import AuditEvent
from tinhso.core.models import CalendarOverride
from tinhso.core.services import load_calendar_overrides

pytestmark = pytest.mark.django_db


def test_loading_new_calendar_swaps_leaves_an_audit_event():
    removed = CalendarOverride.objects.order_by("date").first()
    removed.delete()
    load_calendar_overrides()
    event = AuditEvent.objects.filter(action="core.calendar_loaded").latest("seq")
    assert event.object_type == "core.CalendarOverride"
    assert event.after == {"added": 1}
    assert CalendarOverride.objects.filter(date=removed.date).exists()


def test_loading_the_same_calendar_again_records_nothing():
    before = AuditEvent.objects.filter(action="core.calendar_loaded").count()
    assert load_calendar_overrides() == 0
    assert AuditEvent.objects.filter(action="core.calendar_loaded").count() == before


def test_the_event_rolls_back_with_the_write():
    CalendarOverride.objects.order_by("date").first().delete()
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        load_calendar_overrides()
        raise RuntimeError("the caller fails after the load")
    assert AuditEvent.objects.count() == before
