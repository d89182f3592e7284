from tinhso.accounts.models import User
from tinhso.demo.accounts import create_demo_accounts
from tinhso.demo.health import create_demo_health
from tinhso.health import selectors
from tinhso.health.models import Encounter, Immunization
from tinhso.health.services import load_facilities


def test_the_demo_hospital_has_bacsi_duocsi_and_congdans_record(db):
    assert load_facilities()["total"] >= 30
    create_demo_accounts()
    made = create_demo_health()
    assert [a.username for a in made] == ["bacsi", "duocsi"]
    assert all(a.password and a.otpauth_uri for a in made)
    congdan = User.objects.get(username="congdan")
    (patient,) = selectors.patients_of_citizen(congdan)
    record = selectors.record_of(patient)
    assert record.conditions[0].code == "I10"
    assert len(record.immunizations) == 4 and len(record.observations) == 6
    assert patient.bhyt_valid_on(record.encounters[0].service_date)
    assert create_demo_health() == []  # a second bootstrap adds nothing
    assert Immunization.objects.count() == 4 and Encounter.objects.count() == 1
