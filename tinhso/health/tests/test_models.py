import datetime

import pytest

from tinhso.health.models import Patient


def test_bhyt_validity_follows_the_card_dates():
    patient = Patient(
        full_name="Nguyễn Văn A",
        social_insurance_number="2212345678",
        bhyt_valid_from=datetime.date(2026, 1, 1),
        bhyt_valid_to=datetime.date(2026, 12, 31),
    )
    assert patient.bhyt_valid_on(datetime.date(2026, 6, 1))
    assert not patient.bhyt_valid_on(datetime.date(2027, 1, 1))
    assert not patient.bhyt_valid_on(datetime.date(2025, 12, 31))
    assert not Patient(full_name="B").bhyt_valid_on(datetime.date(2026, 6, 1))


@pytest.mark.django_db
def test_the_schema_migrates():
    assert Patient.objects.count() == 0
