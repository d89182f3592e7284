"""Slots per doctor, booked and cancelled by citizens, telehealth links, reminders."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from tinhso.core.errors import Conflict, PermissionDenied
from tinhso.health import services
from tinhso.health.models import AppointmentStatus
from tinhso.notifications.models import Notification


@pytest.fixture
def tomorrow_nine():
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


@pytest.fixture
def slots(doctor, hospital, tomorrow_nine):
    return services.open_slots(
        actor=doctor, facility=hospital, practitioner=doctor, start=tomorrow_nine, count=4,
        kind="telehealth",
    )  # fmt: skip


@pytest.fixture
def citizen_patient(citizen):
    return services.ensure_own_patient(actor=citizen)


def test_a_doctor_opens_consecutive_slots(slots, tomorrow_nine):
    assert [s.start for s in slots] == [
        tomorrow_nine + datetime.timedelta(minutes=15 * i) for i in range(4)
    ]
    assert all(s.status == AppointmentStatus.FREE for s in slots)


@override_settings(TELEHEALTH_URL="https://video.example/{room}")
def test_a_citizen_books_a_telehealth_slot_and_gets_a_room(slots, citizen, citizen_patient):
    slot = services.book_appointment(actor=citizen, appointment=slots[0], patient=citizen_patient)
    assert slot.status == AppointmentStatus.BOOKED
    assert services.telehealth_link(slot).startswith("https://video.example/tinhso-")


def test_a_booked_slot_cannot_be_booked_again(slots, citizen, citizen_patient, make_citizen):
    services.book_appointment(actor=citizen, appointment=slots[0], patient=citizen_patient)
    other = make_citizen(birth=datetime.date(1980, 1, 1))
    with pytest.raises(Conflict):
        services.book_appointment(
            actor=other, appointment=slots[0], patient=services.ensure_own_patient(actor=other)
        )


def test_a_citizen_books_only_for_their_own(slots, citizen_patient, make_citizen):
    other = make_citizen(birth=datetime.date(1980, 1, 1))
    with pytest.raises(PermissionDenied):
        services.book_appointment(actor=other, appointment=slots[0], patient=citizen_patient)


def test_cancelling_frees_the_slot(slots, citizen, citizen_patient):
    slot = services.book_appointment(actor=citizen, appointment=slots[1], patient=citizen_patient)
    slot = services.cancel_appointment(actor=citizen, appointment=slot)
    assert slot.status == AppointmentStatus.FREE and slot.patient is None


def test_reminders_go_once_through_the_outbox(
    slots, citizen, citizen_patient, django_capture_on_commit_callbacks
):
    services.book_appointment(actor=citizen, appointment=slots[0], patient=citizen_patient)
    two_days_before = slots[0].start - datetime.timedelta(days=2)
    assert services.send_appointment_reminders(now=two_days_before) == 0
    the_evening_before = slots[0].start - datetime.timedelta(hours=12)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_appointment_reminders(now=the_evening_before) == 1
        assert services.send_appointment_reminders(now=the_evening_before) == 0
    note = Notification.objects.get(user=citizen)
    assert "Nhắc lịch hẹn" in note.subject and "meet" in note.body
