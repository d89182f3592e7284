"""The registry is read and changed only by its keepers, only for people whose ward
their scope covers, and every read of a person's record is audited. Merges need
both people in scope."""

import pytest
from django.urls import reverse

from tinhso.accounts.models import Agency, Role
from tinhso.audit.models import AuditEvent
from tinhso.core.errors import PermissionDenied
from tinhso.population import linking, services
from tinhso.population.models import ImportBatch, Merge, Person, ReviewPair

from .conftest import WARD
from .test_review import _record

pytestmark = pytest.mark.django_db

OTHER_WARD = "07093"  # another ward of Quảng Ninh


@pytest.fixture
def people():
    """One person in WARD and one in OTHER_WARD, named alike, a pair between them."""
    here = _record("H1", name="Nguyễn Văn An", ward_id=WARD, personal_id="022090012345")
    there = _record("T1", name="Nguyen Van An", ward_id=OTHER_WARD, personal_id="022090054321")
    pair = ReviewPair.objects.create(record_a=here, record_b=there, match_probability=0.7)
    return {"here": here.person, "there": there.person, "pair": pair}


@pytest.fixture
def ward_keeper(make_staff):
    """A keeper the province named at the People's Committee of WARD only."""
    return make_staff(Role.REGISTRY_KEEPER, f"UBND{WARD}")


@pytest.fixture
def outsiders(make_staff, ward_codes):
    """Officers who held the registry before: any specialist, leader or administrator."""
    return {
        "a department's specialist": make_staff(Role.SPECIALIST, "STP"),
        "a department's leader": make_staff(Role.LEADER, "STP"),
        "the province's administrator": make_staff(Role.ADMINISTRATOR, "UBND"),
        "a ward's administrator": make_staff(Role.ADMINISTRATOR, ward_codes[0]),
        "a police specialist": make_staff(Role.SPECIALIST, "CAT"),
    }


def test_the_wards_exist():
    assert Agency.objects.filter(code=f"UBND{WARD}").exists()
    assert Agency.objects.filter(code=f"UBND{OTHER_WARD}").exists()


def test_officers_who_do_not_keep_the_registry_read_nothing_of_it(
    outsiders, people, api_as, second_factor_client, django_db_blocker
):
    batch = ImportBatch.objects.create(file_path="x", file_name="x.csv", error_report="")
    here = people["here"]
    wrong = []
    for name, user in outsiders.items():
        api = api_as(user)
        for url in (
            "/api/v1/population/persons",
            f"/api/v1/population/persons?q={here.personal_id}",
            f"/api/v1/population/persons/{here.pk}",
            "/api/v1/population/reviews",
        ):
            response = api.get(url)
            if response.status_code not in (403, 404) or "Nguy" in response.content.decode():
                wrong.append(f"{name}: GET {url} → {response.status_code}")
        pages = second_factor_client(user)
        for url in (
            reverse("population:home"),
            reverse("population:person", args=[here.pk]),
            reverse("population:reviews"),
            reverse("population:review", args=[people["pair"].pk]),
            reverse("population:batch", args=[batch.pk]),
            reverse("population:batch_errors", args=[batch.pk]),
        ):
            response = pages.get(url)
            if response.status_code not in (403, 404):
                wrong.append(f"{name}: page {url} → {response.status_code}")
        pages.logout()
    assert wrong == []


def test_a_ward_keeper_sees_the_people_of_their_ward_only(ward_keeper, people, api_as):
    api = api_as(ward_keeper)
    listing = api.get("/api/v1/population/persons").json()
    assert [p["id"] for p in listing["results"]] == [people["here"].pk]
    by_id = api.get(f"/api/v1/population/persons?q={people['there'].personal_id}").json()
    assert by_id["count"] == 0
    assert api.get(f"/api/v1/population/persons/{people['there'].pk}").status_code == 404
    assert api.get(f"/api/v1/population/persons/{people['here'].pk}").status_code == 200
    # the pair joins someone out of scope: not in the queue
    assert api.get("/api/v1/population/reviews").json()["count"] == 0


def test_a_ward_keepers_pages_show_their_ward_only(ward_keeper, people, second_factor_client):
    client = second_factor_client(ward_keeper)
    assert client.get(reverse("population:person", args=[people["there"].pk])).status_code == 404
    assert client.get(reverse("population:person", args=[people["here"].pk])).status_code == 200
    assert client.get(reverse("population:review", args=[people["pair"].pk])).status_code == 404
    home = client.get(reverse("population:home")).content.decode()
    assert "1 công dân" in home


def test_the_police_keeper_sees_the_whole_province(registry_officer, people, api_as):
    api = api_as(registry_officer)
    assert api.get("/api/v1/population/persons").json()["count"] == 2
    assert api.get("/api/v1/population/reviews").json()["count"] == 1


def test_every_read_of_a_person_is_audited(registry_officer, people, api_as, second_factor_client):
    here = people["here"]
    api_as(registry_officer).get(f"/api/v1/population/persons/{here.pk}")
    second_factor_client(registry_officer).get(reverse("population:person", args=[here.pk]))
    reads = AuditEvent.objects.filter(
        action="population.person_read", object_id=str(here.pk), actor_id=registry_officer.pk
    )
    assert reads.count() == 2
    api_as(registry_officer).get(f"/api/v1/population/persons?q={here.personal_id}")
    search = AuditEvent.objects.filter(action="population.search").latest("seq")
    assert search.after["people"] == [here.pk]
    assert here.personal_id not in str(search.after)  # masked
    second_factor_client(registry_officer).get(
        reverse("population:review", args=[people["pair"].pk])
    )
    assert AuditEvent.objects.filter(
        action="population.review_read", object_id=str(people["pair"].pk)
    ).exists()


# ---------------------------------------------------------------- merges (finding 3)


def test_a_merge_needs_both_people_in_scope(ward_keeper, people):
    with pytest.raises(PermissionDenied):
        services.decide_pair(actor=ward_keeper, pair=people["pair"], same_person=True)
    with pytest.raises(PermissionDenied):
        services.merge_people(actor=ward_keeper, survivor=people["here"], absorbed=people["there"])
    assert not Merge.objects.exists()
    assert ReviewPair.objects.get().state == ReviewPair.State.PENDING


def test_a_merge_is_decided_by_a_keeper_only(outsiders, people):
    for user in outsiders.values():
        with pytest.raises(PermissionDenied):
            services.decide_pair(actor=user, pair=people["pair"], same_person=True)
        with pytest.raises(PermissionDenied):
            services.merge_people(actor=user, survivor=people["here"], absorbed=people["there"])
    assert not Merge.objects.exists()


def test_an_unmerge_needs_both_people_in_scope(registry_officer, ward_keeper, people):
    services.decide_pair(actor=registry_officer, pair=people["pair"], same_person=True)
    merge = Merge.objects.get()
    with pytest.raises(PermissionDenied):
        services.unmerge(actor=ward_keeper, merge=merge)
    assert Merge.objects.get().undone_at is None


def test_a_decision_through_the_api_out_of_scope_is_refused(ward_keeper, people, api_as):
    response = api_as(ward_keeper).post(
        f"/api/v1/population/reviews/{people['pair'].pk}/decision",
        {"same_person": True},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert ReviewPair.objects.get().state == ReviewPair.State.PENDING


def test_imports_and_deduplication_are_province_wide_work(ward_keeper, write_csv):
    from tinhso.population import importing

    from .conftest import row

    with pytest.raises(PermissionDenied):
        importing.start_import(actor=ward_keeper, path=write_csv([row("W1")]))
    with pytest.raises(PermissionDenied):
        linking.start_dedup(actor=ward_keeper)
    assert Person.objects.count() == 0


def test_a_second_linking_is_refused_while_one_is_not_done(registry_officer):
    """Two runs at once would write the same prepared file and link the same records
    twice: the second click is told to wait, and no second job is queued."""
    from tinhso.core.errors import Conflict
    from tinhso.core.models import Job

    first = linking.start_dedup(actor=registry_officer)  # queued: not run before commit
    with pytest.raises(Conflict) as refused:
        linking.start_dedup(actor=registry_officer, incremental=True)
    assert refused.value.code == "population_dedup_running"
    assert list(Job.objects.filter(kind="population.dedup")) == [first]
    Job.objects.filter(pk=first.pk).update(state=Job.State.DONE)
    assert linking.start_dedup(actor=registry_officer, incremental=True).pk != first.pk
