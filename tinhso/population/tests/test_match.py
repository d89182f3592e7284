"""The registry as a service: POST /api/v1/population/match and
`selectors.match_person`: candidates by the dedup's blocking keys, ranked by the
model's score, with the evidence; scoped, audited, validated."""

import datetime
import json

import pytest

from tinhso.accounts.models import Role
from tinhso.audit.models import AuditEvent
from tinhso.core.errors import PermissionDenied, ValidationFailed
from tinhso.population import selectors

from .conftest import WARD
from .test_review import _record

pytestmark = pytest.mark.django_db

OTHER_WARD = "07093"
URL = "/api/v1/population/match"
PID = "022090012345"


@pytest.fixture
def registry():
    """The person sought, a namesake born the same day (another ID), a sibling on the
    same phone, a stranger; and the same person's namesake in another ward."""
    return {
        "an": _record("R1", name="Nguyễn Văn An", ward_id=WARD, personal_id=PID,
                      phone="0912345678", sex="male", father_name="Nguyễn Văn Bình").person,
        "namesake": _record("R2", name="Nguyễn Văn An", ward_id=WARD,
                            personal_id="022090099999", sex="male").person,
        "sister": _record("R3", name="Nguyễn Thị Lan", ward_id=WARD, phone="0912345678",
                          dob=datetime.date(1993, 2, 1), sex="female").person,
        "stranger": _record("R4", name="Trần Văn Cường", ward_id=WARD,
                            dob=datetime.date(1990, 5, 12)).person,
        "elsewhere": _record("R5", name="Nguyễn Văn An", ward_id=OTHER_WARD,
                             personal_id="022090011111", sex="male").person,
    }  # fmt: skip


def _post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_ranked_by_score_with_the_evidence(registry, api_as, registry_officer):
    response = _post(
        api_as(registry_officer),
        {"full_name": "Nguyen Van An", "date_of_birth": "12/05/1990", "personal_id": PID,
         "father_name": "Nguyễn Văn Bình"},
    )  # fmt: skip
    assert response.status_code == 200
    found = response.json()["candidates"]
    assert [c["person"]["id"] for c in found][0] == registry["an"].pk
    assert found[0]["score"] > 0.99
    assert [c["score"] for c in found] == sorted((c["score"] for c in found), reverse=True)
    assert all(0 <= c["score"] <= 1 for c in found)
    evidence = {e["field"]: e for e in found[0]["evidence"]}
    assert evidence["pid"]["agreement"] == "agree"
    assert evidence["name"]["agreement"] == "agree"
    assert evidence["father"]["agreement"] == "agree"
    assert evidence["phone" if "phone" in evidence else "contact"]["agreement"] == "missing"
    # the namesake with another ID: the ID disagrees, and it ranks below
    namesake = next(c for c in found if c["person"]["id"] == registry["namesake"].pk)
    assert {e["field"]: e["agreement"] for e in namesake["evidence"]}["pid"] == "disagree"
    assert namesake["score"] < found[0]["score"]
    assert registry["stranger"].pk not in [c["person"]["id"] for c in found]
    assert found[0]["person"]["personal_id"] == "0220******45"  # masked


def test_found_by_phone_and_by_name_with_the_date_swapped(registry):
    by_phone = selectors.match_person(viewer=None, phone="+84 912 345 678")
    assert {c["person"].pk for c in by_phone} == {registry["an"].pk, registry["sister"].pk}
    swapped = selectors.match_person(
        viewer=None, full_name="Nguyễn Văn An", date_of_birth="05/12/1990"
    )
    assert registry["an"].pk in {c["person"].pk for c in swapped}
    assert len(selectors.match_person(viewer=None, full_name="Nguyễn Văn An")) <= 5


def test_a_ward_keeper_finds_only_people_of_their_ward(registry, api_as, make_staff):
    keeper = make_staff(Role.REGISTRY_KEEPER, f"UBND{WARD}")
    found = _post(api_as(keeper), {"full_name": "Nguyễn Văn An", "date_of_birth": "1990-05-12"})
    ids = {c["person"]["id"] for c in found.json()["candidates"]}
    assert registry["an"].pk in ids and registry["elsewhere"].pk not in ids
    province = selectors.match_person(viewer=None, full_name="Nguyễn Văn An", date_of_birth="1990")
    assert registry["elsewhere"].pk in {c["person"].pk for c in province}


def test_officers_who_do_not_keep_the_registry_may_not_match(registry, api_as, make_staff):
    for role, agency in ((Role.SPECIALIST, "CAT"), (Role.ADMINISTRATOR, "UBND")):
        response = _post(api_as(make_staff(role, agency)), {"personal_id": PID})
        assert response.status_code == 403, (role, agency)
        assert "Nguy" not in response.content.decode()
    with pytest.raises(PermissionDenied):
        selectors.match_person(viewer=make_staff(Role.SPECIALIST, "STP"), personal_id=PID)


def test_a_service_names_its_purpose_and_is_audited(registry, make_staff):
    teacher = make_staff(Role.SPECIALIST, "STP")  # the school's app vouches for its user
    found = selectors.match_person(viewer=teacher, purpose="school_enrolment", personal_id=PID)
    assert [c["person"].pk for c in found] == [registry["an"].pk]
    selectors.match_person(viewer=None, purpose="health_checkin", phone="0912345678")
    with pytest.raises(ValueError):
        selectors.match_person(viewer=None, purpose="curiosity", personal_id=PID)
    events = AuditEvent.objects.filter(action="population.match").order_by("seq")
    school, health = events[0], events[1]
    assert school.actor_id == teacher.pk
    assert school.after["purpose"] == "school_enrolment"
    assert school.after["personal_id"] == "0220******45"
    assert school.after["people"] == [registry["an"].pk]
    assert PID not in json.dumps(school.after)
    assert health.actor_id is None and health.after["purpose"] == "health_checkin"


def test_every_api_call_is_audited_with_the_id_masked(registry, api_as, registry_officer):
    _post(api_as(registry_officer), {"personal_id": PID})
    event = AuditEvent.objects.get(action="population.match")
    assert event.actor_id == registry_officer.pk
    assert event.after == {"purpose": "registry", "fields": ["personal_id"],
                           "personal_id": "0220******45", "people": [registry["an"].pk]}  # fmt: skip


@pytest.mark.parametrize("body", [{}, {"full_name": "  ", "phone": ""}, None])
def test_an_empty_query_is_refused_in_vietnamese(body, api_as, registry_officer):
    api = api_as(registry_officer)
    if body is None:
        response = api.post(URL, "", content_type="application/json")
    else:
        response = _post(api, body)
    assert response.status_code == 400
    assert "Cần ít nhất một thông tin" in response.json()["detail"]
    assert not AuditEvent.objects.filter(action="population.match").exists()


def test_a_malformed_id_or_date_is_refused(api_as, registry_officer):
    response = _post(
        api_as(registry_officer), {"personal_id": "12ab", "date_of_birth": "31/02/1990"}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"][0]) >= {"field"} or response.json()["errors"]
    with pytest.raises(ValidationFailed):
        selectors.match_person(viewer=None, date_of_birth="hôm qua")


def test_no_key_no_candidates(registry):
    assert selectors.match_person(viewer=None, sex="male", ward=WARD) == []


def test_the_person_with_the_id_asked_ranks_above_namesakes_one_digit_off(api_as, registry_officer):
    """Namesakes born the same day whose IDs differ from the one asked by a digit (a
    typo's level, which EM may learn rarer among strangers than the exact ID) never
    rank above the person whose ID it is, however many there are."""
    near = [
        _record(f"N{d}", ward_id=WARD, personal_id=f"02209001234{d}", sex="male").person
        for d in (0, 1, 2, 3, 4, 6)
    ]
    sought = _record("S5", ward_id=WARD, personal_id="022090012345", sex="male").person
    response = _post(
        api_as(registry_officer),
        {"full_name": "Nguyễn Văn An", "date_of_birth": "12/05/1990", "personal_id": PID},
    )
    found = [c["person"]["id"] for c in response.json()["candidates"]]
    assert found[0] == sought.pk
    assert set(found[1:]) <= {p.pk for p in near}
